# Invocation as dash: -c and its operands, -s, - and --, option letters, $- in each mode, scripts.
SH=$(readlink /proc/$$/exe)   # the shell under test, dash or dosh
$SH -c 'echo "$0 $1 $2 $#"' name a b
$SH -c -- 'echo "$0 $1"' n x; echo "-c --: $?"
$SH -c 2>/dev/null; echo "-c alone: $?"
$SH +c 'echo plus c'
$SH -c 'echo "$0,$1"' -- b c
$SH -s -c 'echo "$0,$1,[$-]"' x y </dev/null
echo 'echo "$1 $2 $#"' | $SH -s a b
echo 'echo "[$-]" $#' | $SH -s
echo 'echo "[$-]" $#' | $SH
echo 'echo "[$-]" $#' | $SH -
echo 'echo "[$-]" $#' | $SH --
echo 'echo "[$-]" $#' | $SH - a 2>/dev/null; echo "- then a script: $?"
$SH -c -e 'false; echo no'; echo "-c -e: $?"
$SH -ec 'false; echo no'; echo "-ec: $?"
$SH -ce 'false; echo no'; echo "-ce: $?"
$SH -eux -c 'echo "[$-]"' 2>/dev/null
$SH -i -c 'echo "[$-]"' 2>/dev/null
echo 'echo "[$-]"' | $SH -i 2>/dev/null
$SH -c 'echo "[$-]"'
$SH -C -c 'echo "[$-]"'
$SH -f -c 'echo "[$-]"'
$SH -o errexit -c 'false; echo no'; echo "-o errexit: $?"
$SH -Z -c 'echo no' 2>/dev/null; echo "unknown option: $?"
$SH nonexist_script 2>/dev/null; echo "no script: $?"
mkdir d; $SH d 2>/dev/null; echo "a directory: $?"; rmdir d
echo 'echo "$1"; exit 3' > s.sh; $SH s.sh arg; echo "script: $?"
echo 'echo "[$-]"' > s.sh; $SH s.sh; $SH -e s.sh; $SH -s < s.sh; rm s.sh
$SH -c 'if' 2>/dev/null; echo "syntax error: $?"
$SH -c 'echo ok; if' 2>/dev/null; echo "syntax error on the line: $?"
$SH -c 'echo ok
if' 2>/dev/null; echo "syntax error on the next line: $?"
$SH -c 'eval "if"; echo not reached' 2>/dev/null; echo "eval: $?"
printf 'read x\nhello\necho "read got [$x]"\n' | $SH 2>/dev/null
printf 'head -n 1\nconsumed\necho after head\n' | $SH 2>/dev/null
printf 'alias e=echo\ne from stdin\necho a \\\nb\n' | $SH
printf 'cat <<E\nbody\nE\nexit 3\necho no\n' | $SH; echo "stdin exit: $?"
printf 'echo ok; if\necho no\n' | $SH 2>/dev/null; echo "stdin syntax error: $?"
printf "alias x='if true; then'\nx\necho alias opens a construct\nfi\n" | $SH
printf 'echo a\0b\necho next\n' > nul.sh; $SH nul.sh; echo "NUL in a script: $?"
$SH < nul.sh; rm nul.sh
