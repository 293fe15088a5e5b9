# vars-set: set's listing, options, $-, set - and set +, and the positional parameters
a="it's"; b=''; c='x  y'; d='l1
l2'; e='$HOME `x` \'
set | grep -e '^[a-e]=' -e '^l2'
s=$(set); unset a b c d e; eval "$s"
printf '[%s]\n' "$a" "$b" "$c" "$d" "$e"
Z=1; _u=2; B=3; set | grep -E '^(Z|B|_u)='
set | grep -e '^OPTIND='
set -o
set +o
echo "[$-]"
set -aCfu; echo "[$-]"; set -o | grep ' on$'
set +aCfu; echo "[$-]"
set -b; set -p; set -V; set -E; set -I; echo "[$-]"
set -o nolog -o debug; set -o | grep ' on$'
set +bpEI +o nolog +o debug; echo "[$-]"
saved=$(set +o); set -e -f; eval "$saved"; echo "restored [$-]"
set -o errexit -o nounset; echo "[$-]"; set +eu
set -eo nounset; echo "[$-]"; set +eu
set -oe nounset; echo "[$-]"; set +eu
set -e +e; echo "[$-]"
set -- a b; set -; echo "- $# $*"
set -- a b; set - -x c; echo "- args $# $* [$-]"
set -- a b; set +; echo "+ $# [$-]"
set -- a b; set + c; echo "+ args $# $*"
set -- a b; set --; echo "-- $#"
set -- a b; set -e; set +e; echo "options keep $#"
set -o noglob -- '*' b; echo "$# $1 [$-]"; set +f
set -ex -- -a 2>/dev/null; set +ex 2>/dev/null; echo "$1"
set a -e; echo "$1 $2 [$-]"
set -- -; echo "dash arg $#"
(set -z; echo no); echo "bad: $?"
(set -z || echo no; echo no); echo "bad or: $?"
(set -o nosuch; echo no); echo "bad long: $?"
(set +-; echo no); echo "bad mix: $?"
(set -o -e; echo no); echo "bad name: $?"
set -a; exp=1; env | grep '^exp='
f() { local loc=2; env | grep '^loc='; }; f
read rd <<END
3
END
env | grep '^rd='; set +a
notexp=1; env | grep '^notexp=' || echo "not exported"
f() { local -; set -f; echo "in [$-]"; }; f; echo "out [$-]"
set -u; (echo "$unset_var"; echo no); echo "nounset: $?"; echo "${unset_var-default}"; set +u
(set -n; echo no); echo "noexec: $?"
(eval 'set -n; echo no
echo no'; echo no); echo "noexec eval: $?"
set -f; echo /*; set +f
