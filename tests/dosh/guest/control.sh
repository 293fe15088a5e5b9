# if, while, until, for, case, break, continue, && ||, !
for i in 1 2 3 4 5 6; do
  if [ $i -eq 2 ]; then continue; fi
  if [ $i -eq 5 ]; then break; fi
  echo "i=$i"
done
n=0
until [ $n -ge 3 ]; do n=$((n + 1)); done; echo "n=$n"
for x in a b; do for y in 1 2; do [ $y = 2 ] && continue 2; echo "$x$y"; done; done
for w in foo.c bar.h baz.txt qux; do
  case $w in
    *.c|*.h) echo "$w: source" ;;
    *.txt) echo "$w: text" ;;
    *) echo "$w: other" ;;
  esac
done
case "x y" in "x y") echo matched;; esac
case abc in a*) echo glob ;; esac
true && echo and1; false && echo and2; false || echo or1; true || echo or2
! false && echo negated
if false; then echo no; elif true; then echo elif; else echo else; fi
{ echo group1; echo group2; } | wc -l
(exit 3); echo "sub=$?"
x=outer; (x=inner); echo $x
while false; do :; done; echo "while-status=$?"
