# $PPID and $$ as dash (set at startup, the same in subshells), and variables' text taken as
# numbers in arithmetic: blanks around, 0x and 0 prefixes, unset under set -u
case $PPID in ''|*[!0-9]*) echo "PPID not a number" ;; *) echo "PPID is a number" ;; esac
[ "$PPID" = "$(cut -d' ' -f4 /proc/$$/stat)" ] && echo "PPID is the parent"
p=$PPID m=$$
(q=$PPID; [ "$p" = "$q" ] && echo "PPID same in a subshell"; [ "$m" = "$$" ] && echo "pid same")
[ "$(echo $PPID)" = "$p" ] && echo "PPID same in a substitution"
[ "$(echo $$)" = "$m" ] && echo "pid same in a substitution"
echo "$PPID" | { read r; [ "$r" = "$p" ] && echo "PPID same in a pipeline"; }
PPID=5; echo "PPID=$PPID"
unset PPID; echo "PPID ${PPID-unset}"
t() { x=$1; r=$( eval 'echo $((x+1))' 2>/dev/null ); echo "[$1] -> $? [$r]"; }
t ' 12 '
t '12 '
t ' 12'
t '1 2'
t '0x10'
t '0X1f'
t '010'
t '08'
t '0'
t ''
t '-3'
t '+3'
t ' -3'
t '- 3'
t '1+2'
t 'y'
t 'abc'
t '12abc'
t "$(printf '12\r')"
t "$(printf '\t12\n')"
t '9223372036854775807'
t '9223372036854775808'
t '99999999999999999999'
t '-9223372036854775808'
t '0x'
t '0xg'
t '1e3'
t '3.5'
t '  '
t '--3'
t '!1'
t '(2)'
y=5; t 'y'
z=zz; zz=7; t 'z'
echo $(( 010 + 0x10 ))
(echo $(( 08 ))) 2>/dev/null; echo "st=$?"
a=' 5 '; echo $(( a * 2 )) $(( $a * 2 ))
a='1 2'; (echo $(( a ))) 2>/dev/null; echo "st=$?"
x=$(printf '2\r'); echo $(( x + 1 ))
(echo $(( 1 + $(printf '2\r') ))) 2>/dev/null; echo "st=$?"
(eval "echo \$(( 1 +$(printf '\v') 2 ))") 2>/dev/null; echo "st=$?"
echo $(( 1 +	2 ))
c=' 3 '; echo $(( c += 1 )) "$c"
d=0x10; echo $(( d += 1 )) "$d"
e=010; : $(( e += 1 )); echo "$e"
(set -u; echo $(( unset_y + 5 )) $(( unset_y )); echo "u=${unset_y-unset}")
(set -u; echo $(( $unset_y + 1 ))) 2>/dev/null; echo "st=$?"
# a constant too big is the largest number; a variable's text too big is an error
echo $((9223372036854775808)) $((-9223372036854775808)) $((0xffffffffffffffffff))
big=99999999999999999999; (echo $((big + 0))) 2>/dev/null; echo "st=$?"
