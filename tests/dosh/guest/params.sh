# parameter expansion
unset u
e=
v=value
echo "${u:-dflt}" "${e:-dflt}" "${e-dflt}" "${v:-dflt}"
echo "${u:+alt}" "${e:+alt}" "${e+alt}" "${v:+alt}"
echo "${u:=assigned}" "$u"
echo ${#v} ${#u}
p=/usr/local/lib/libfoo.so.1
echo ${p#*/} ${p##*/} ${p%.*} ${p%%.*}
echo ${p#"/usr"} "${p%/*}"
set -- one two "three four"
echo $# "$1" "$3" ${3}
echo "$@"
for a in "$@"; do echo "<$a>"; done
for a in $*; do echo "[$a]"; done
echo "$*"
IFS=:
echo "$*"
IFS=' 	
'
shift
echo "$1"
shift 2
echo $#
echo ${10:-ten}
f() { echo "$0-ok" >/dev/null; echo "in f: $# $1"; }
f x y
echo $?
# $$ is the shell's pid, in subshells and pipelines too
p=$$; (test "$$" = "$p" && echo same-in-subshell); echo $$ | { read q; test "$q" = "$p" && echo same-in-pipeline; }
test "$(echo $$)" = "$p" && echo same-in-substitution
