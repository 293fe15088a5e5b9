# vars-readonly: readonly and export, their listings, and what a readonly refuses
readonly r1=one r2
readonly -p
readonly
echo "r1=$r1 r2=${r2-unset}"
(r1=two; echo no); echo "assign: $?"
(r1=two true; echo no); echo "prefix builtin: $?"
(r1=two /bin/true; echo no); echo "prefix program: $?"
(r1=two :; echo no); echo "prefix special: $?"
(f() { :; }; r1=two f; echo no); echo "prefix function: $?"
(export r1=two; echo no); echo "export: $?"
(readonly r1=two; echo no); echo "readonly again: $?"
(unset r1; echo no); echo "unset: $?"
(unset -v nosuch r1; echo no); echo "unset list: $?"
(for r1 in a b; do echo no; done; echo no); echo "for: $?"
(: $((r1 = 5)); echo no); echo "arith: $?"
(: ${r2:=x}; echo no); echo "default: $?"
: ${r1:=x}; echo "set default: $r1"
read r1 <<END
line
END
echo "read: $? $r1"
getopts a r1 -a; echo "getopts: $? $OPTIND $r1"
(f() { local r1=2; echo no; }; f; echo no); echo "local: $?"
readonly r2; export r2; echo "flags again: $?"
export | grep -e ' r2$'
(readonly 1bad; echo no); echo "bad name: $?"
(export 'a b=1'; echo no); echo "bad export: $?"
(export ok=1 2bad=2 never=3; echo no); echo "partial: $?"
(export ok=1 2bad=2 never=3 2>/dev/null; echo no) 2>/dev/null; echo "never=${never-unset}"
words='a b  c'
export ex=$words; readonly ro=$words; echo "[$ex] [$ro]"
v=export; $v ex2=$words; echo "[$ex2]"
export glob=*; echo "[$glob]"
f() { local lo=$words; echo "[$lo]"; }; f
x="it's"; y=''; z="''b"; w="a'"; readonly x y z w
readonly -p | grep -e ' [xyzw]='
s=$(export -p | grep ' ex='); unset ex; eval "$s"; echo "[$ex]"
export noval; export -p | grep -e ' noval$'
echo "${noval-unset}"
noval=now; env | grep '^noval='
(f() { local q=1; readonly q; }; f; echo "[${q-unset}]"; q=3; echo "q=$q")
readonly -p a=1 >/dev/null; echo "a=${a-unset}"
(readonly -x; echo no); echo "bad flag: $?"
c=old; readonly rb; read ra rb c <<END
1 2 3
END
echo "read stops: $? $ra ${rb-unset} $c"
