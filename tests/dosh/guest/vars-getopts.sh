# vars-getopts: getopts as dash has it, its own place in a grouped word included
set -- -a -b 1 -cb2 -- -a
while getopts ab:c o; do echo "$o [$OPTARG] $OPTIND"; done
echo "end $OPTIND $o ${OPTARG-unset}"
OPTIND=1
while getopts :xw:y o -xyz -w; do echo "$o ${OPTARG-u} $OPTIND"; done; echo "st $?"
OPTIND=1; getopts ab o -x 2>/dev/null; echo "$? $o ${OPTARG-unset} $OPTIND"
OPTIND=1; getopts :ab o -x; echo "$? $o ${OPTARG-unset} $OPTIND"
OPTIND=1; getopts :ab: o -b; echo "$? $o ${OPTARG-unset} $OPTIND"
OPTIND=1; getopts ab: o -b 2>/dev/null; echo "$? $o ${OPTARG-unset} $OPTIND"
OPTIND=3; getopts ab o -a -b -a; echo "$? $o $OPTIND"
OPTIND=1; getopts ab o -ab; echo "$o $OPTIND"; OPTIND=1; getopts ab o -ab; echo "$o $OPTIND"
OPTIND=1; getopts ab o -ab; getopts xb o -ab; echo "other optstring: $o $OPTIND"
OPTIND=1; getopts ab o -ab -a; OPTIND=2; getopts ab o -ab -a; echo "$o $OPTIND"
OPTIND=1; getopts ab o -ab; OPTIND=2; getopts ab o -ab -b; echo "$? $o $OPTIND"
OPTIND=1; getopts a:b o -ab; echo "$? $o $OPTARG $OPTIND"
getopts a:b o -a b -b; echo "$? $o $OPTARG $OPTIND"
OPTIND=1; getopts ab o a -a; echo "operand: $? $o $OPTIND"
OPTIND=1; getopts ab o - -a; echo "dash: $? $o $OPTIND"
OPTIND=1; getopts ab o -- -a; echo "double dash: $? $o $OPTIND"
OPTIND=1; getopts ab: o -b ''; echo "$? $o [$OPTARG] $OPTIND"
OPTIND=1; getopts c: o -c10; echo "$o $OPTARG $OPTIND"
OPTIND=1; getopts :ab o -:; echo "colon: $o $OPTARG"
OPTIND=1; getopts a: o -a 2>/dev/null; echo "$? $o $OPTIND"; getopts a: o -a; echo "$? $o $OPTIND"
OPTIND=1; getopts a o -a; getopts a o -a; echo "$? $o ${OPTARG-u} $OPTIND"
OPTIND=0; getopts ab o -a -b; echo "zero: $? $o $OPTIND"
OPTIND=9; getopts ab o -a -b; echo "past: $? $o $OPTIND"
(OPTIND=abc; echo no); echo "bad OPTIND: $?"
(unset OPTIND; echo no); echo "unset OPTIND: $?"
OPTIND=1; getopts a; echo "usage: $?"
OPTIND=1; getopts a 1x -a; echo "bad var: $? $OPTIND"
OPTIND=1; getopts "" o -a 2>/dev/null; echo "empty: $? $o"
set -- -a -a
OPTIND=1; getopts a o -a; echo "$? $o"; getopts a o; echo "$? $o $OPTIND"
f() { getopts a o; echo "f $? $o $OPTIND"; }
OPTIND=1; getopts a o; echo "$o $OPTIND"; f -a; getopts a o; echo "$? $o $OPTIND"
OPTIND=1; set -- -ab; getopts ab o; echo "$OPTIND"; set -- -b; getopts ab o; echo "reset by set: $? $o $OPTIND"
OPTIND=1; set -- -a -b; getopts ab o; shift; getopts ab o; echo "reset by shift: $o $OPTIND"
g() { local OPTIND=1; getopts ab o "$@"; echo "$o $OPTIND"; }; g -b; g -a
OPTIND=1; readonly OPTARG; getopts a: o -a x; echo "readonly OPTARG: $? $o $OPTIND"
set -- -c10 -d -- x y
OPTIND=1
while getopts c:d o; do echo "$o ${OPTARG-u}"; done
shift $((OPTIND - 1)); echo "$# $*"
