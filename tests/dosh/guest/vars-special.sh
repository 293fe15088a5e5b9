# vars-special: POSIX special builtins: errors end the shell, prefix assignments stay
V=1 :; echo "special [$V]"
unset V; V=1 true; echo "regular [${V-unset}]"
V=1 eval 'echo "in eval $V"'; echo "after eval [$V]"
V=1 set -- a; echo "set [$V]"
unset V; V=1 export W=2; echo "[$V] $W"
f() { echo "in [$V]"; env | grep '^V='; }; unset V; V=3 f; echo "function [${V-unset}]"
f() { V=inner; }; V=1 f; echo "set in function [${V-unset}]"
export V=0; f() { :; }; V=1 f; echo "[$V]"; env | grep '^V='
true() { echo "my true"; }; true; unset -f true
(shift 3; echo no); echo "shift: $?"
(shift abc; echo no); echo "shift abc: $?"
(set -- a; shift 0; echo "shift 0 $#")
(shift 3 || echo no; echo no); echo "shift or: $?"
(if shift 3; then echo no; fi; echo no); echo "shift if: $?"
(f() { shift 3; echo no; }; f; echo no); echo "in function: $?"
(eval 'shift 3'; echo no); echo "in eval: $?"
(x=$(shift 3; echo inner); echo "subst [$x] $?")
(shift 3 | cat; echo "pipe $?")
(: > /nonexistent/dir/file; echo no); echo "redirect: $?"
(echo > /nonexistent/dir/file; echo "regular redirect $?")
(f() { :; }; f > /nonexistent/dir/file; echo "function redirect $?")
({ :; } > /nonexistent/dir/file; echo "group redirect $?")
(x=1 > /nonexistent/dir/file; echo "bare redirect $?")
(exec 3> /nonexistent/dir/file; echo no); echo "exec redirect: $?"
(. /nonexistent/file; echo no); echo "dot: $?"
(eval '('; echo no); echo "eval syntax: $?"
(local x; echo no); echo "local outside: $?"
(trap 'echo "trap $?"' EXIT; shift 4)
(unset -z; echo no); echo "unset flag: $?"
(export -z; echo no); echo "export flag: $?"
unset -f nofunc; echo "unset -f none: $?"
unset novar; echo "unset none: $?"
f() { echo f; }; f=1; unset f; f; echo "${f-unset}"
unset -f f; (f) 2>/dev/null || echo "f gone"
g() { :; }; unset -v g; g && echo "g kept"
unset -fv x; unset -vf x; echo "both: $?"
x=1; f() { local x; echo "local keeps [$x]"; x=2; }; f; echo "$x"
f() { local; echo "local none $?"; }; f
(f() { local -x; echo no; }; f; echo no); echo "local -x: $?"
f() { local x=1 x=2; echo "$x"; }; unset x; f; echo "[${x-unset}]"
f() { x=g; g; echo "f:$x"; }; g() { local x=h; }; f
f() { local x=1; unset x; echo "[${x-unset}]"; }; x=g; f; echo "$x"
times > /dev/null; echo "times $?"
(abc=def > /nonexistent/dir/file; echo "abc=${abc-unset}")
(: 3>&3; echo "same fd: $?")
pre1=pre1 readonly x=x; pre2=pre2 exec dash -c 'echo "pre1=$pre1 x=$x pre2=$pre2"'
