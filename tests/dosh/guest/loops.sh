# loops reading input, nested functions, break out of nested loops
printf 'one two\nthree four\nfive six\n' > /tmp/dosh-loops-$$
while read a b; do echo "$b $a"; done < /tmp/dosh-loops-$$
count=0
while IFS= read -r line; do count=$((count + 1)); done < /tmp/dosh-loops-$$
echo "lines=$count"
rm -f /tmp/dosh-loops-$$
for i in 1 2 3; do
  for j in a b c; do
    [ "$j" = b ] && continue
    [ "$i" = 3 ] && break 2
    echo "$i$j"
  done
done
outer() { inner() { echo "inner $1"; }; inner "$@"; }
outer called
k=3; until [ $k -eq 0 ]; do printf '%d ' $k; k=$((k - 1)); done; echo
for x in $(seq 1 4); do case $x in 2|4) echo "even $x";; *) echo "odd $x";; esac; done
