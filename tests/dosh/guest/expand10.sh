# expand10.sh: here-document bodies against dash: quotes, backslashes, ${...} words (their
# double quotes removed, single quotes kept), substitutions, $@ and $* joined, <<- and quoted ends.
x='a*b'; y=V
cat <<E
1 "$y" '$y' \$y \\ \" \' \a ${y} "${y}"
2 ${x#a*} ${x#"a"} ${u:-"q"} ${u:-'q'} ${u:-\$} $(echo "a  b") `echo \$y`
3 $((1+2)) ${#x} "${x%%\*b}" ~ ~/x a\
b
E
cat <<'E'
4 $y \$y `x`
E
cat <<-E
	5 $y
		6 tab
E
set -- a b
IFS=:
cat <<E
7 $@ $* "$@" ${@} ${*:-z} ${#@}
E
# case words and patterns against dash: tilde, $@ and $*, quoted and unquoted variables.
( HOME=/h; case ~ in /h) echo t1;; esac; case ~/x in /h/x) echo t2;; esac; case x in ~) echo no;; *) echo t3;; esac )
( HOME=/h; x=/h; case $x in ~) echo t4;; esac; case "~" in ~) echo t5;; *) echo t6;; esac )
( set -- a b; case "a b" in "$@") echo c1;; esac; case "a b" in $*) echo c2;; esac; case a in $1) echo c3;; esac )
( x='a|b'; case 'a|b' in $x) echo p1;; esac; case a in a|$x) echo p2;; esac )
( case "" in '') echo e1;; esac; case "" in *) echo e2;; esac; case "x" in ""|x) echo e3;; esac )
( x=; case $x in "") echo v1;; esac; case "$x" in ?) echo no;; *) echo v2;; esac )
( case 'a.b' in *.*) echo d1;; esac; case '.a' in .*) echo d2;; esac; case '/a/b' in /*/b) echo d3;; esac )
( x='\'; case '\' in "$x") echo b1;; esac; case '\' in $x) echo b2;; *) echo b3;; esac )
( x='[a]'; case a in $x) echo k1;; esac; case '[a]' in "$x") echo k2;; esac )
( x='*'; case abc in $x) echo s1;; esac; case abc in "$x") echo no;; *) echo s2;; esac; case '*' in "$x") echo s3;; esac )
( x=a; y=b; case ab in $x$y) echo j1;; esac; case ab in "$x"$y) echo j2;; esac; case ab in ${x}*) echo j3;; esac )
( case $(echo a) in a) echo cs1;; esac; case `echo b` in b) echo cs2;; esac; case $((1+1)) in 2) echo ar;; esac )
