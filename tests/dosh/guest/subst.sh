# command substitution, field splitting, globbing, tilde
d=$(mktemp -d)
touch $d/a.c $d/b.c $d/c.h $d/.hidden
cd $d
echo *.c
echo *.none
echo "*.c"
echo *
echo $(ls | sort)
x=`echo back`; echo $x
n=$(printf '%s\n' 1 2 3 | wc -l); echo $n
y="a   b"; set -- $y; echo $#
IFS=,; z="1,2,,3"; set -- $z; echo $#; IFS=' 	
'
echo "$(echo "  spaced  ")"
echo ~ | grep -q / && echo tilde
echo ~/x | grep -q '^/.*/x$' && echo tilde-path
cd /
rm -rf $d
echo $(echo one; echo two)
echo "$(echo one; echo two)"
