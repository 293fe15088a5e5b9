# lookup: command, type, hash, and finding commands in PATH (remembered, re-searched,
# not executable, directories, empty entries), statuses 126 and 127
top=$PWD/lookup-area
rm -rf "$top"
mkdir -p "$top/b1/dd" "$top/b2" "$top/b3" && cd "$top" || exit 1
printf '#!/bin/sh\necho one\n' > b1/foo
printf '#!/bin/sh\necho two\n' > b2/foo
printf 'echo script "$0" "$@"\n' > b3/noshebang
printf 'echo not executable\n' > b1/ne
printf 'echo ne2\n' > b2/ne
chmod +x b1/foo b2/foo b2/ne b3/noshebang
strip() { sed "s|$top|T|g"; }
sys=$PATH

# type and command -V: dash's words for each kind
f() { :; }
alias al='echo hi'
alias q="it's"
type f al cd : if while '{' '!' then '}' case in do done elif else esac fi for until export times local
echo "st=$?"
type nosuch; echo "st=$?"
type f nosuch cd; echo "st=$?"
type; echo "st=$?"
type command hash type umask ulimit pwd true false echo printf test '[' kill read wait jobs
type trap return break continue exit exec eval . set shift unset
command -V f; command -V al; command -V if; command -V cd; command -V export
command -V nosuch; echo "st=$?"
command -pv f; command -pV f
command -V f al; echo "first only: st=$?"

# command -v: a path, or the name itself; an alias as alias would print it
command -v f; command -v cd; command -v if; command -v al; command -v q
command -v nosuch; echo "st=$?"
command -v /bin/sh; command -V /bin/sh; command -v ./nosuch; echo "st=$?"
type /bin/sh ./nosuch; echo "st=$?"
command -vV cd; command -Vv cd
command -pv sh | grep -c /sh$
command -x; echo "st=$?"
command; echo "st=$?"
command -p; echo "st=$?"
command -v; echo "st=$?"

# command NAME: functions are skipped, builtins lose their special rules
echo() { printf 'function echo\n'; }
echo hi; command echo builtin echo; command command echo twice
unset -f echo
cd() { printf 'function cd\n'; }
cd /; command cd "$top"; pwd | strip
unset -f cd
command -p sh -c 'echo via default path'
command -- true; echo "--: st=$?"
command nosuch; echo "st=$?"
command nosuch 2>/dev/null; echo "st=$?"
command export CX=1; echo "CX=$CX"
(X=1 command :; echo "prefix after command ':': [${X:-}]")
(X=1 :; echo "prefix after ':': [${X:-}]")
lf() { command local s=local; echo "s=$s"; command eval 'local u=3'; echo "u=$u"; }
lf; s=g; lf; echo "command local: s=$s"; unset s
command() { printf 'function command\n'; }
command ls; unset -f command
command -v command; type command

# PATH search: the first executable regular file; hash remembers it
PATH=$top/b1:$top/b2:$sys
hash; echo "empty: st=$?"
foo; hash | strip
type foo | strip; command -v foo | strip
# a remembered path that fails is searched again from its entry on
mv b1/foo b1/foo.x; foo; hash | strip; mv b1/foo.x b1/foo; foo
hash -r; hash; echo "-r: st=$?"
hash foo cat nosuch ls; echo "st=$?"; hash | strip
hash -r; type foo | strip; type foo | strip
hash -x; echo "st=$?"
hash -rx; echo "st=$?"; hash | strip
hash -r; hash f cd; echo "st=$?"; hash
hash -r
# not executable: skipped; nothing else: "Permission denied", 127 from the lookup
ne; echo "st=$?"
chmod -x b2/ne; hash -r; ne; echo "st=$?"; type ne; hash ne; echo "st=$?"; chmod +x b2/ne
# remembered, then made not executable: the exec fails with 126
hash -r; ne >/dev/null; chmod -x b2/ne; ne; echo "st=$?"; chmod +x b2/ne
# a directory of that name is no command
hash -r; PATH=$top/b1:$top/b2; dd; echo "st=$?"; PATH=$top/b1:$top/b2:$sys
# names with a slash: no search
"$top/b1/ne"; echo "st=$?"
./nosuch; echo "st=$?"
"$top/b1"; echo "st=$?"
"$top/b1/foo"
./b1/foo
# no #!: run by /bin/sh
"$top/b3/noshebang" a b | strip
PATH=$top/b3 noshebang c | strip
nosuch; echo "st=$?"
nosuch >/dev/null 2>&1; echo "st=$?"
nosuch 2>&1 | sed 's/.*: //'
nosuch > "$top/none/x"; echo "redirection first: st=$?"
# cd marks entries to search again (only relative PATH entries change)
hash -r; foo >/dev/null; cd /; hash | strip; cd "$top"; foo; hash | strip
# a new PATH forgets all; PATH=x before a command is its PATH alone
hash -r; foo >/dev/null; PATH=$top/b2:$sys; hash; foo; hash | strip
PATH=$top/b1 foo; hash; foo
PATH=$top/b2:$sys
# empty entries are the current directory (an unset PATH too, but dash then reads past
# the end of its string: not tested)
PATH=:$top/b2; cd b1; foo; cd ..
PATH=$top/b2::; cd b1; ne; echo "st=$?"; cd ..
PATH=; cd b1; foo; hash; type foo; cd ..
PATH=$sys
ls >/dev/null; ls() { :; }; hash; unset -f ls; hash; echo "a function forgets the path"

# the shell's own default PATH when started without one
self=$(readlink /proc/$$/exe)
env -i "$self" -c 'echo "$PATH"; env | grep -c PATH'

cd /
rm -rf "$top"
