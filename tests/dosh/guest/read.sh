# read: -r, backslashes, IFS splitting into variables, end of input, errors, as dash
show() { printf '[%s]' "$@"; echo " st=$st"; }
r2() { read "$@"; st=$?; show "$x" "$y"; }
r3() { read "$@"; st=$?; show "$x" "$y" "$z"; }

# whitespace IFS: leading and trailing dropped, the last variable keeps inner separators
printf '  a  b  c  \n' | r2 x y
printf '  a  b  c  \n' | { read x; st=$?; show "$x"; }
printf 'a\tb\t\n' | r3 x y z
printf 'one\n' | r3 x y z

# other separators: empty fields, and the one separator that ends the last field
printf 'a:b:c:\n' | IFS=: r2 x y
printf 'a:b:\n' | IFS=: r2 x y
printf 'a:b::\n' | IFS=: r2 x y
printf 'a:b\n' | IFS=: r3 x y z
printf ':a\n' | IFS=: r2 x y
printf 'a::b\n' | IFS=: r3 x y z
printf ':a\n' | IFS=: r2 x
printf 'a:\n' | IFS=: r2 x
printf '::\n' | IFS=: r2 x
printf 'a : b : c \n' | IFS=' :' r2 x y
printf 'a : b : c : \n' | IFS=' :' r2 x y
printf 'a  :  \n' | IFS=' :' r2 x y
printf 'a b : \n' | IFS=' :' r2 x y
printf 'a b ::\n' | IFS=' :' r2 x y
printf ' :a\n' | IFS=' :' r2 x y
printf 'xaybz\n' | IFS=ab r3 x y z
printf 'a\tb  c\n' | IFS= r2 x y
printf '  a b  \n' | { IFS= read x; st=$?; show "$x"; }
printf 'a b c\n' | { unset IFS; r2 x y; }

# backslashes: escape a separator, join lines, vanish; -r keeps them
printf 'a\\ b c\n' | r2 x y
printf 'a\\ b c\n' | r2 -r x y
printf 'a\\\nb c\n' | r2 x y
printf 'a\\\nb c\n' | r2 -r x y
printf 'a b\\\\ \n' | r2 x y
printf 'a b\\ \n' | r2 x y
printf 'a \\  \n' | r2 x y
printf ' \\ a\n' | r2 x y
printf 'a\\:b:c\n' | IFS=: r2 x y
printf 'a:b\\:c\n' | IFS=: r2 x y
printf 'a:b:c\\:\n' | IFS=: r2 x y
printf 'a \\x:b\n' | IFS=' :' r3 x y z
printf 'a \\\n:b\n' | IFS=' :' r3 x y z
printf 'a b c : \\x\n' | IFS=' :' r3 x y z
printf 'a b c \\x\n' | IFS=' :' r3 x y z
printf 'a b\\\n  c\n' | r3 x y z
printf 'a*b ?\n' | r2 x y

# end of input: a last line without newline is assigned with status 1; nothing sets ""
printf 'abc' | r2 x y
printf 'a\\' | r2 x y
printf '' | { x=old; r2 x y; }
printf '\n' | { x=old; r2 x y; }
# NUL bytes are dropped
printf 'a\000b c\n' | r2 x y
printf '\000\n' | r2 x y

# read takes one line only; the rest stays for the next command
printf 'one\ntwo\nthree' > read-f
while read l; do echo "got $l"; done < read-f; echo "last=$l"
{ read a; cat; } < read-f; echo
printf 'p1\np2\n' | { read a; cat; }
read a b <<HERE
here doc $((1+2))
HERE
echo "[$a][$b]"
read -r a <<'HERE'
a\b\\c
HERE
echo "[$a]"

# options and errors (status 2; read itself goes on reading the line first)
printf 'x y\n' | r2 -r -- x y
printf 'x y\n' | r2 -rr x y
printf 'x y\n' | r2 -pfoo x y
printf 'x y\n' | r2 -p foo x y
printf 'x y\n' | { read -p; st=$?; show; }
printf 'x y\n' | { read -z x; st=$?; show "$x"; }
printf 'x y\n' | { read -r- x; st=$?; show "$x"; }
printf 'x y\n' | { read; st=$?; show "${REPLY-unset}"; }
printf 'x y\n' | { read --; st=$?; show; }
printf 'x y\nz\n' | { read 1a; st=$?; read x; show "$x"; }
printf 'x y\n' | { read x a-b; st=$?; show "$x"; }
printf 'x y\n' | { read x -; st=$?; show "$x"; }

# a trapped signal ends read (status 1, nothing assigned) after its trap has run
rm -f read-fifo; mkfifo read-fifo; exec 3<>read-fifo
trap 'echo trapped; echo late >&3' USR1
(sleep 0.1; while [ "$(cut -d' ' -f3 /proc/$$/stat)" != S ]; do sleep 0.05; done
 kill -USR1 $$) &
x=old; read x <&3; echo "st=$? x=[$x]"
read y <&3; echo "y=$y"
trap - USR1; exec 3<&-; rm -f read-fifo read-f
