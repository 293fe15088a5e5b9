# dirs: cd and pwd (logical and physical, CDPATH, cd -, OLDPWD, errors), umask, ulimit, times
top=$PWD/dirs-area
rm -rf "$top"
mkdir -p "$top/a/b" "$top/c" && cd "$top" || exit 1
ln -s a/b lnk
: > file
show() { echo "${1:-}pwd=${PWD#$top} old=${OLDPWD#$top} -P=$(pwd -P | sed "s|^$top||")"; }

# logical by default: the symlink stays in PWD, .. is taken by name
cd lnk; echo "st=$?"; show
pwd | sed "s|^$top||"
cd ..; show
cd -P lnk; show
cd ..; show "physical then logical: "
cd "$top"; cd -L -P lnk; show "-L -P: "
cd "$top"; cd -P -L lnk; show "-P -L: "
cd "$top"; cd lnk; cd -P ..; show "-P ..: "
cd "$top"; cd ./lnk/../c; echo "st=$? ${PWD#$top}"
cd "$top"; cd nosuch/..; echo "nosuch/..: st=$? ${PWD#$top}"
cd "$top"; cd a//b/./; echo "${PWD#$top}"
cd //; pwd; cd ///; pwd; cd //tmp/..; pwd
cd "$top"

# cd - prints where it went; OLDPWD follows
cd a; cd ../c; cd - | sed "s|^$top||"; echo "${PWD#$top} ${OLDPWD#$top}"
cd "$top"; (unset OLDPWD; cd - | sed "s|^$top||"; echo "st=$?")
env | grep -c '^PWD=\|^OLDPWD='

# errors: dash says "can't cd to" and returns 2
cd "$top"
cd nosuch; echo "st=$?"
cd file; echo "st=$?"
cd -x; echo "st=$?"
cd a c; echo "extra operands: st=$? ${PWD#$top}"; cd "$top"
cd -- a; echo "--: ${PWD#$top}"; cd "$top"
cd - | sed "s|^$top||"; cd "$top"
pwd -x; echo "st=$?"
pwd extra >/dev/null; echo "st=$?"

# HOME: cd alone; empty or unset stays put
(HOME=$top/c; cd; echo "home: ${PWD#$top}")
(HOME=; cd; echo "st=$? ${PWD#$top}")
(unset HOME; cd; echo "st=$? ${PWD#$top}")
(HOME=$top/a cd; echo "prefix HOME: ${PWD#$top}")
(cd ''; echo "empty: st=$? ${PWD#$top}")

# CDPATH: the directory is printed when a named entry found it
cd "$top"
(CDPATH=$top/a; cd b | sed "s|^$top||"; echo "st=$?")
(CDPATH=:$top/a; cd b | sed "s|^$top||")
(CDPATH=$top/a; cd ./b; echo "./b: st=$?")
(CDPATH=$top/a:$top; cd c | sed "s|^$top||")
(CDPATH=/nonexistent:$top; cd a | sed "s|^$top||")
(cd c; CDPATH=.; cd ../a >/dev/null; echo "${PWD#$top}")
(CDPATH=$top; cd /; pwd)

# PWD is the shell's to keep: assigning or unsetting it does not move pwd
(PWD=/elsewhere; pwd | sed "s|^$top||"; cd a; echo "${PWD#$top} ${OLDPWD#$top}")
(unset PWD; pwd | sed "s|^$top||"; cd c; echo "${PWD#$top}")
(cd lnk; PWD=x; pwd -P | sed "s|^$top||"; echo "PWD after pwd -P: ${PWD#$top}")

# PWD from the environment is taken only when it names the directory (the shell's own
# binary, whichever runs this, is /proc/$$/exe)
self=$(readlink /proc/$$/exe)
cd lnk
env PWD="$top/lnk" "$self" -c 'pwd; echo "$PWD"' | sed "s|^$top||"
env PWD="$top/lnk/." "$self" -c 'pwd' | sed "s|^$top||"
env PWD="$top/c" "$self" -c 'pwd' | sed "s|^$top||"
env PWD=lnk "$self" -c 'pwd' | sed "s|^$top||"
env -u PWD "$self" -c 'pwd; cd ..; pwd' | sed "s|^$top||"
cd "$top"

# the directory removed under the shell
mkdir -p gone/sub; cd gone/sub; rmdir "$top/gone/sub"
pwd | sed "s|^$top||"
pwd -P; echo "-P st=$?"
cd .; echo "cd . st=$? ${PWD#$top}"
cd ..; echo "cd .. st=$? ${PWD#$top}"
cd "$top"

# umask: octal and symbolic, both ways
umask 022; umask; umask -S
umask 027; umask; umask -S
umask u=rwx,g=,o=; umask
umask 022; umask g-w; umask
umask 022; umask a+x; umask
umask 022; umask g+w,o-r; umask
umask 0; umask; umask -S
umask 7777; umask
umask 1234567; umask
umask 022; umask =; umask
umask 022; umask u+x,+w; umask
umask 022; umask ug=rx; umask
umask 022; umask o=u; umask
umask 022; umask go=u-w; umask
umask 022; umask u=rwX; umask
umask 022; umask a=rws; umask
umask 022; umask u=r,; umask
umask 022; umask ''; umask
umask 022; umask 1 2; umask
umask 022; umask -- 011; umask
umask 022; umask -S 077; umask
umask 022; umask -S -S
umask 8; echo "st=$?"
umask 08; echo "st=$?"
umask x=r; echo "st=$?"
umask u=q; echo "st=$?"
umask a=rwt; echo "st=$?"
umask ,; echo "st=$?"
umask -p; echo "st=$?"
umask; umask 022
(umask 077; : > private; ls -l private | cut -c1-10)

# ulimit: -f by default, a listing, soft and hard, errors
ulimit; ulimit -f; ulimit -n; ulimit -Sn; ulimit -Hn; ulimit -nH
ulimit -t -n; ulimit -n -t
ulimit -a; echo "st=$?"
ulimit -Ha | cut -c1-21
for o in t f d s c m l p n v w r; do ulimit -$o >/dev/null || echo "no -$o"; done
ulimit -x; echo "st=$?"
ulimit -n 100 200; echo "st=$?"
ulimit -n abc; echo "st=$?"
ulimit -a 5; echo "st=$?"
ulimit -n 12x; echo "st=$?"
(ulimit -f 100; ulimit -f; ulimit -H -f; ulimit -f unlimited; echo "raise: st=$?")
(ulimit -S -n 64; ulimit -n; ulimit -S -n; ulimit -H -n >/dev/null; echo ok)
(ulimit -c 0; ulimit -c)
(ulimit -S -v unlimited; ulimit -v)
(ulimit -S -f 4294967296; ulimit -S -f)
(ulimit -S -f 18014398509481983; ulimit -S -f)

# times: two lines of user and system times
times | sed 's/[0-9][0-9]*m[0-9][0-9]*\.[0-9]\{6\}s/T/g'
times extra | wc -l

cd /
rm -rf "$top"
