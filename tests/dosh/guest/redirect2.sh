# Redirections as dash does them: one-digit descriptors, bad descriptors, statuses, noclobber.
echo a 20> f; cat f; rm -f f 20
echo x 10>&1
echo x >&9; echo "closed fd: $?"
(: >&9; echo not reached); echo "special builtin, closed fd: $?"
(eval ': >&9'; echo not reached); echo "eval of it: $?"
(set -- >&9; echo not reached); echo "set: $?"
(echo a >&99; echo not reached); echo "two digits: $?"
(echo a 2>&1-; echo not reached); echo "a move: $?"
(x=12; echo a >&$x; echo not reached); echo "expanded to two digits: $?"
x=1; echo "quoted one" >&"$x"
exec 3>f; echo hi >&3; exec 3>&-; cat f; echo x >&3; echo "after close: $?"
echo x <&-; echo "stdin closed: $?"
x=; echo a > $x; echo "empty target: $?"
x="a b"; echo a > $x; echo "two words: $?"; cat "a b"; rm "a b"
cat < nonexist; echo "missing input: $?"
echo a > nodir/f; echo "no directory: $?"
(: > nodir/f; echo not reached); echo "special builtin: $?"
(exec 3< nonexist; echo not reached); echo "exec: $?"
{ echo a; } > nodir/f; echo "group: $?"
(echo a) > nodir/f; echo "subshell: $?"
fn() { echo in fn; }
fn > nodir/f; echo "function: $?"
nosuchcommand_x > nodir/f; echo "command not found: $?"
echo a > f; set -C; echo b > f; echo "noclobber: $?"; cat f
echo c >| f; cat f; echo d > /dev/null; echo "devnull: $?"
: > new; echo "new file: $?"; : >> new; echo "append: $?"; rm -f new
set +C; echo e > f; cat f
echo hi > f; exec 3<> f; read x <&3; echo "$x"; echo more >&3; exec 3>&-; cat f
{ echo out; echo err >&2; } 2>&1 >f; echo ---; cat f
{ echo out; echo err >&2; } >f 2>&1; echo ---; cat f
{ echo a; } 3>&1 1>&2 2>&3 2>/dev/null
exec 4>f; ls /proc/self/fd | grep -c '^4$'; exec 4>&-
{ ls /proc/self/fd | grep -c '^5$'; } 5>f
if true; then echo in if; fi > f; cat f
for i in 1 2; do echo $i; done > f; cat f
case x in x) echo c;; esac > f; cat f
cat <nonexist <<EOF
here
EOF
echo "input then here-document: $?"
rm -f f
: 3>&3; echo "3>&3 with 3 closed: $?"
FOO=$(echo foo 1>&2) 2>f; cat f; echo "FOO=$FOO"
abc=def > /does/not/exist; echo "abc=$abc"
rm -f f
echo hi >&-; echo "echo to a closed stdout: $?"
printf 'x\n' >&-; echo "printf to a closed stdout: $?"
(exec >&-; echo x 2>/dev/null; echo "after exec >&-: $?" >&2) 2>&1
exec 4>f; echo a >&4; exec 4>>f; echo b >&4; exec 4>&-; cat f
echo a 1>f 1>g; cat f; echo --; cat g
echo a >f >>f; cat f
x='*'; echo a > $x; cat '*'; rm -f '*'
touch a1 a2; echo x > a*; echo "glob to two: $?"; cat 'a*'; rm -f a1 a2 'a*'
exec 3<<E
from fd3
E
cat <&3; exec 3<&-
rm -f f g
(cat <&file; echo not reached); echo "external command, a word for an fd: $?"
(x=1 exec 3>f; echo "exec keeps its assignments: $x"); rm -f f
