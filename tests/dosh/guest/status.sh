# Exit statuses as dash: exit and return operands, command substitutions alone, !, errors.
SH=$(readlink /proc/$$/exe)
$SH -c 'exit 255'; echo $?
$SH -c 'exit 256'; echo $?
$SH -c 'exit 257'; echo $?
$SH -c 'exit -1' 2>/dev/null; echo $?
$SH -c 'exit abc' 2>/dev/null; echo $?
$SH -c 'exit 2147483648' 2>/dev/null; echo $?
$SH -c 'exit 3 4'; echo $?
$SH -c 'false; exit'; echo $?
f() { return 256; }; f; echo "return 256: $?"
f() { return 3; }
(return 4; echo no); echo "return in a subshell: $?"
$SH -c 'return 5; echo no'; echo "return at the top: $?"
$SH -c 'f() { return -1; }; f; echo no' 2>/dev/null; echo "return -1: $?"
x=$(false); echo "assignment: $?"
$(exit 3); echo "alone: $?"
x=$(true); echo "true: $?"
`false`; echo "backquotes: $?"
$(f); echo "function: $?"
${nothing} $(exit 6); echo "after an empty word: $?"
false; x=$(exit 3) y=$?; echo "\$? during the assignments: $y"
false; echo $(exit 3) $?
if `false`; then echo T; else echo F; fi
! true; echo "not true: $?"
! false; echo "not false: $?"
$SH -c '! ! true' 2>/dev/null; echo "! !: $?"
$SH -c 'true | ! false' 2>/dev/null; echo "| !: $?"
nosuchcommand_y 2>/dev/null; echo "not found: $?"
: > f; chmod -x f; ./f 2>/dev/null; echo "not executable: $?"; rm -f f
$SH -c 'echo `echo "`' 2>/dev/null; echo "quote in backquotes: $?"
$SH -c 'echo no; echo `if true`' 2>/dev/null; echo "unfinished in backquotes: $?"
echo "x `echo \"hi\"`" `echo \`echo nested\``
one_line() echo one line; one_line
g() ( echo subshell body ); g
$SH -c 'set -e; { cat; } < nofile; echo no' 2>/dev/null; echo "set -e, group redirection: $?"
$SH -c 'set -e; while read l; do :; done < nofile; echo no' 2>/dev/null; echo "set -e, loop redirection: $?"
$SH -c 'set -e; if { cat; } < nofile; then :; fi; echo condition goes on' 2>/dev/null
touch f; ./f/x 2>/dev/null; echo "not a directory on the way: $?"
./$(printf '%0300d' 0) 2>/dev/null; echo "name too long: $?"
rm -f f
printf 'return 3\necho no\n' | $SH; echo "return on stdin: $?"
eval 'if' 2>/dev/null; echo "not reached: $?"
