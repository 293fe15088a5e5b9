# robust.sh: a function defined on a line that then runs eval or . keeps its body (dash too)
eval 'g() { echo in-g; }; eval :'; g
f() { echo in-f; }; eval 'h() { echo in-h; }'; f; h
printf 'k() { echo in-k; }\n' > lib.sh; m() { echo in-m; }; . ./lib.sh; k; m
trap 'echo trapped' USR1; q() { echo in-q; }; kill -USR1 $$; q
x=$(( ((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))) )); echo "parens $x"
y=$((a=b=c=d=e=7)); echo "$y $a $e"; echo $((1?2?3:4:5))
# command makes a special builtin's error, and an expansion's or a bad fd's in what it runs, end only it
command eval ': ${unset_var?oops}' 2>/dev/null; echo "expansion under command: $?"
command eval 'echo >&x' 2>/dev/null; echo "bad fd under command: $?"
command trap -x 2>/dev/null; echo "trap option under command: $?"
( : ${unset_var?oops}; echo not reached ) 2>/dev/null; echo "expansion error: $?"
# exec searches the shell's PATH, not the one dosh was started with
mkdir -p bin; printf '#!/bin/sh\necho found in the new PATH\n' > bin/newtool; chmod +x bin/newtool
( PATH=$PWD/bin:$PATH; exec newtool ); echo "exec: $?"
( exec ./nonexistent-program ) 2>/dev/null; echo "exec of nothing: $?"
