# traps-signals: traps run when their signal comes: from the script itself, during wait and a
# foreground command, while another trap runs; $? around them; exit and return inside them
trap 'echo "usr1 $?"; false' USR1
false; kill -USR1 $$; echo "after kill $?"
(exit 6); kill -s USR1 $$; echo "after $?"
kill -10 $$; kill -s 10 $$; kill -usr1 $$; kill -s usr1 $$; echo "four"
kill -SIGUSR1 $$; echo "SIG prefix st=$?"
kill -s SIGUSR1 $$; echo "SIG prefix -s st=$?"
trap 'echo "usr1 $?"; (exit 9)' USR1
kill -USR1 $$; echo "after $?"
{ kill -USR1 $$; echo in-group; }; echo out
x=$(kill -USR1 $$; echo sub); echo "[$x]"
while :; do kill -USR1 $$; break; done; echo out-of-loop
kill -USR1 $$ && echo and-list
echo "-- several, and one inside another"
trap 'echo usr2' USR2
kill -USR2 $$; kill -USR1 $$; echo two
trap 'echo u1; kill -USR2 $$; echo u1-end' USR1
kill -USR1 $$; echo nested
trap 'echo once; trap - USR2' USR2
kill -USR2 $$; trap; echo reset-inside
trap - USR1 USR2
echo "-- common signals"
trap 'echo int' INT; kill -INT $$
trap 'echo hup' HUP; kill -HUP $$
trap 'echo hup-1' 1; kill -1 $$
trap 'echo quit' QUIT; kill -3 $$
trap 'echo alrm' ALRM; kill -s ALRM $$
trap 'echo term' TERM; kill $$
trap 'echo rt' RTMIN+2; kill -s RTMIN+2 $$
trap - INT HUP QUIT ALRM TERM RTMIN+2
echo "-- ignored"
trap '' USR1; kill -USR1 $$; echo ignored
sh -c 'kill -USR1 $$; echo child-ignores-too'
trap '' INT; sh -c 'kill -INT $$; echo child-ignores-int'
trap 'echo x' INT; sh -c 'kill -INT $$; echo no'; echo "caught is reset in the child: $?"
trap - INT USR1
echo "-- during wait and a foreground command"
trap 'echo trapped' USR1
sleep 2 & p=$!; (sleep 0.2; kill -USR1 $$) & wait; echo "wait $?"
kill $p; wait; echo "killed: wait $?"
sleep 2 & p=$!; (sleep 0.2; kill -USR1 $$) & wait $p; echo "wait pid $?"
kill $p; wait $p; echo "then $?"
sleep 2 & p=$!; (sleep 0.2; kill -USR1 $$) & wait %1; echo "wait %1 $?"
kill %1; echo "kill %1 without job control: $?"; kill $p; wait
(sleep 0.2; kill -USR1 $$) & sleep 1; echo "foreground $?"
(sleep 0.2; kill -USR1 $$) & sleep 1 | cat; echo "pipeline $?"
wait
trap 'echo int' INT; (sleep 0.2; kill -INT $$) & sleep 1 | cat; echo "kill -INT \$\$ leaves the pipeline be: $?"
trap 'echo quit' QUIT; (sleep 0.2; kill -QUIT $$) & sleep 1 | cat; echo "so does -QUIT: $?"
trap - INT QUIT; wait
trap 'echo chld' CHLD; sleep 0.1 | cat; trap - CHLD
trap '' USR1; sleep 0.6 & (sleep 0.2; kill -USR1 $$) & wait; echo "ignored: wait $?"
trap 'echo chld' CHLD; sleep 0.1 & wait; echo "chld: wait $?"
trap - CHLD USR1
echo "-- exit and return in a trap (a subshell's own pid is its child's PPID)"
(trap 'false; exit' USR1; true; sh -c 'kill -USR1 $PPID'; echo no); echo "exit alone: $?"
(trap 'false; exit' USR1; sh -c 'kill -USR1 $PPID; exit 6'; echo no); echo "exit alone: $?"
(trap 'exit 4' USR1; sh -c 'kill -USR1 $PPID'; echo no); echo "exit 4: $?"
(trap 'echo "exit trap $?"' EXIT; trap 'exit 3' USR1; sh -c 'kill -USR1 $PPID'; echo no); echo "st=$?"
(trap 'echo "exit trap $?"' EXIT; sh -c 'kill -USR1 $PPID'; echo no); echo "killed: $?"
f() { trap 'echo in; return 7' USR1; kill -USR1 $$; echo "f-after $?"; }; f; echo "after f $?"
trap - USR1
g() { trap 'echo "in g $?"' USR1; (exit 2); kill -USR1 $$; echo "g-after $?"; }; g
trap - USR1
for i in 1 2 3; do trap 'echo "break at $i"; break' USR1; [ $i = 2 ] && kill -USR1 $$; echo "i=$i"; done; echo "loop $?"
trap - USR1
