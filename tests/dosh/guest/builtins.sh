# builtins: printf, read, test, set, eval, type, alias, shift, export, unset
printf '%s-%d-%x\n' word 42 255
printf '%s\n' a b c
printf '%3s|%-3s|\n' x y
printf 'no newline'; echo
echo -n "dash-n"; echo
test 5 -gt 3 && echo gt
[ -n "x" ] && [ -z "" ] && echo strings
[ abc = abc ] && [ abc != abd ] && echo eq
[ -d / ] && [ -f /etc/passwd ] && [ ! -e /nonexistent ] && echo files
[ 1 -eq 1 -a 2 -eq 2 ] && echo and
eval 'e=evaluated'; echo $e
cmd='echo from eval'; eval $cmd
export EXPORTED=yes; sh -c 'echo $EXPORTED'
unset EXPORTED; sh -c 'echo "[$EXPORTED]"'
VAR=temp sh -c 'echo $VAR'; echo "[$VAR]"
set -- 1 2 3; shift; echo "$@"
type cd | grep -q builtin && echo type-ok
alias ll='echo aliased'
eval ll
read a b <<EOF
x y z
EOF
echo "$a/$b"
echo $((1+1)) | { read v; echo "v=$v"; }
: ; echo colon
# assignments before a regular builtin or a function last only as long as it
line="a:b:c"
IFS=: read x y z <<EOF2
$line
EOF2
echo "$x $y $z [$IFS]" | od -c | head -2
show() { echo "V=$V"; }
V=outer; V=inner show; echo "after: $V"
