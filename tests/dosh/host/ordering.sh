# A host file written through a stream has all its bytes when the command ends:
# after builtins, functions, blocks, subshells; an enclosing block's stream stays
# open across the commands inside it; the shell's own session survives "exec 3>".
cd "$HOSTDIR"; !cd "$HOSTDIR"
n=0 late=0
while [ $n -lt 40 ]; do
	n=$((n + 1))
	echo "$n" >> !seq.txt
	last=$(cat < !seq.txt | tail -n 1)
	[ "$last" = "$n" ] || late=$((late + 1))
done
echo "builtin appends read back late: $late"
{ echo first; /bin/true; echo after-external; } > !block.txt
!cat block.txt
{ echo in-block; !pwd > /dev/null; echo after-host-builtin; } > !block2.txt
cat < !block2.txt
(echo from-subshell) > !sub.txt; cat < !sub.txt
{ (echo in-subshell); echo after-subshell; } > !sub2.txt; !cat sub2.txt
f() { echo in-f; /bin/true; echo f-after-external; }
f > !func.txt; cat < !func.txt
{ echo p1 | cat; echo p2; } > !pipe.txt; !cat pipe.txt
x=$(echo in-cmdsubst > !cs.txt; echo done); echo "$x"; cat < !cs.txt
(
	exec 3> !fd3.txt
	echo to-fd3 >&3
	/bin/true
	!echo the session lives
	echo again-fd3 >&3
)
cat < !fd3.txt
