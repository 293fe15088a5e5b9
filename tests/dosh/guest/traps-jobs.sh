# traps-jobs: jobs, wait, fg and bg as a script sees them (no job control): the listing's
# format and order, job numbers, statuses of ended jobs, unknown jobs and pids
sleep 1 & sleep 1 | cat & jobs; echo "---"
jobs %1; jobs %2; jobs %+; jobs %-; jobs %%; jobs %3; echo "%3 st=$?"
jobs %sl; echo "%sl st=$?"; jobs %?le; echo "%?le st=$?"; jobs 1; echo "1 st=$?"
jobs %1 %2
jobs -x; echo "-x st=$?"
jobs -p | wc -l; jobs -l | wc -l; echo "[$(jobs)]"; (jobs)
wait; echo "wait $?"
jobs; echo "after the listing:"; jobs; echo "---"
(exit 3) & sleep 0.5; jobs; echo "---"
sleep 5 & kill $!; sleep 0.5; jobs; echo "---"
sleep 5 & kill -9 $!; wait $!; echo "w=$?"; jobs; echo "---"
true & wait; jobs; echo "---"
(exit 4) & sleep 0.1; wait $!; echo "w=$?"; wait $!; echo "again w=$?"; jobs; echo "---"
true & true & wait; true & sleep 0.5; jobs; wait; jobs; echo "---"   # the last true has ended by then
(exit 5) & p=$!; wait; wait $p; echo "again=$?"
wait 2147483647 $p; echo "unknown first=$?"; wait $p 2147483647; echo "unknown last=$?"
jobs >/dev/null
echo "-- wait operands"
wait 2147483647; echo "unknown pid=$?"
wait %5; echo "%5=$?"; wait abc; echo "abc=$?"; wait -- ; echo "--=$?"; wait -5; echo "-5=$?"
wait " 7"; echo "' 7'=$?"; wait +7; echo "+7=$?"
(exit 9) & wait %1; echo "%1=$?"
(exit 9) & wait %%; echo "%%=$?"
(exit 8) & (exit 9) & wait %-; echo "%-=$?"; wait
sleep 5 & p=$!; [ "$(jobs -p)" = "" ] && echo "no jobs in \$(...)"
[ "$(jobs -p > /dev/null; echo x)" = x ] && echo fine
jobs -p > pids; [ "$(cat pids)" = "$p" ] && echo "jobs -p is \$!"
jobs -l > long; sed "s/$p/PID/" long
jobs -lp | wc -l
kill $p; wait
echo "-- fg and bg without job control"
sleep 0.2 & fg; echo "fg=$?"; bg; echo "bg=$?"; fg %1; echo "fg %1=$?"; bg %1; echo "bg %1=$?"
fg %3; echo "fg %3=$?"; fg -x; echo "fg -x=$?"
wait
fg; echo "fg none=$?"; bg; echo "bg none=$?"
echo "-- \$! and wait"
echo "[$!]" | sed 's/[0-9][0-9]*/N/'
{ echo in-group; exit 3; } & wait $!; echo "group=$?"
(exit 4) | (exit 5) & wait $!; echo "pipeline=$?"
echo x | cat & wait $!; echo "cat=$?"
echo abc | { cat & wait; }; echo "stdin of a job is /dev/null"
while false; do :; done & wait $!; echo "loop=$?"
echo "-- a forked shell's last command becomes it, unless a trap must run"
(sh -c 'echo $PPID') > ppid; [ "$(cat ppid)" = "$$" ] && echo "subshell: the command is the subshell"
(true; sh -c 'echo $PPID') > ppid; [ "$(cat ppid)" = "$$" ] && echo "after a first command too"
(false || sh -c 'echo $PPID') > ppid; [ "$(cat ppid)" = "$$" ] && echo "after ||"
(trap ': exit-trap' EXIT; sh -c 'echo $PPID') > ppid; [ "$(cat ppid)" != "$$" ] && echo "not with an EXIT trap"
sh -c 'echo $PPID' > ppid & wait; [ "$(cat ppid)" = "$$" ] && echo "a background command too"
f() { /bin/echo first; echo second; }
f | cat; (f); { f; } | cat
