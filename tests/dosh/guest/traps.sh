# traps: setting, listing (names, order, quoting), resetting, bad signals, subshells, the EXIT trap
trap 'echo bye' EXIT
trap "echo it's" INT
trap 'first
second' TERM
trap '' QUIT
trap ':' 16 32 34 64 HUP
trap
echo "-- names"
trap x SIGTERM; echo "SIGTERM st=$?"
trap x sigterm; echo "sigterm st=$?"
trap x term; echo "term st=$?"
trap x Usr1 usr2; echo "usr st=$?"
trap x FOO; echo "FOO st=$?"
trap x 99; echo "99 st=$?"
trap x 65; echo "65 st=$?"
trap x ''; echo "empty st=$?"
trap x ' 1'; echo "space st=$?"
trap x +1; echo "plus st=$?"
trap x RTMIN+1 rtmax-2 RTMIN+0; echo "rt st=$?"
trap x KILL STOP; echo "kill st=$?"
trap
echo "-- resets"
trap - INT; trap 1 2; trap TERM; trap 16 x; echo "16 x st=$?"
trap -- - 0 QUIT USR1 USR2 KILL STOP
trap
trap 02 RTMIN; trap 0x RTMIN+1; trap
trap - ; echo "dash st=$?"
trap x; echo "one st=$?"
trap -- ; echo "listing st=$?"
trap -- -- INT; trap; trap - INT
trap 'echo a' USR1 FOO USR2; echo "partial st=$?"; trap
trap - USR1
echo "-- quoting"
trap "''" INT; trap
trap "'" INT; trap
trap "a''b'" INT; trap
trap "echo 'a' \"b\" \$x \\\\" INT; trap
trap '' INT; trap
trap - INT
echo "-- options"
(trap -l; echo no); echo "trap -l st=$?"
(trap -p; echo no); echo "trap -p st=$?"
(trap -x INT; echo no); echo "trap -x st=$?"
echo "-- subshells"
trap 'echo usr1' USR1
trap '' USR2
(trap)
echo "[$(trap)]"
x=$(trap; echo more); echo "[$x]"
trap & wait
trap | cat
(trap 'echo inner' USR1; trap)
trap
( kill -USR2 $$; echo ignored in a subshell )
(kill -USR1 $$); echo after-usr1
trap - USR1 USR2
echo "-- the EXIT trap"
(trap 'echo "t $?"' EXIT; exit 5); echo "st=$?"
(trap 'echo "t $?"; exit 7' EXIT; exit 5); echo "st=$?"
(trap 'echo "t $?"; false' EXIT; exit 5); echo "st=$?"
(trap 'echo "t $?"; false' EXIT; true); echo "st=$?"
(trap 'echo "t $?"; false' EXIT); echo "st=$?"
(trap 'echo "t $?"; exit' EXIT; (exit 4)); echo "st=$?"
(trap 'echo t' EXIT; exec true); echo "exec st=$?"
(trap 'echo t' 0; f() { exit 3; }; f; echo no); echo "st=$?"
(trap 'echo t' EXIT; set -e; false; echo no); echo "st=$?"
(trap 'echo "t $?"' EXIT; ${never_set?unset}); echo "st=$?"
(trap 'echo t1; trap "echo t2" EXIT' EXIT; exit 1); echo "st=$?"
(trap 'trap "echo t2" EXIT; exit 6' EXIT; exit 1); echo "st=$?"
(f() { trap 'echo "t $?"' EXIT; }; f; echo after); echo "st=$?"
(trap 'echo t' EXIT TERM; sh -c 'kill $PPID'; echo "after $?"); echo "st=$?"
(trap 'echo t; exit 9' TERM; sh -c 'kill $PPID'; echo no); echo "st=$?"
(trap 'echo t' EXIT; sh -c 'kill $PPID'; echo no); echo "killed st=$?"
(trap 'echo t' EXIT; trap - EXIT; echo x)
(trap 'echo t' EXIT; trap 0; echo x)
(trap 'echo t' EXIT; trap EXIT; echo x)
(trap '' EXIT; echo x; trap)
(trap 'echo "exit $?"' EXIT; false | true)
(trap 'echo "exit $?"' EXIT; true | false)
(trap 'echo "exit $?"' EXIT; x=$(exit 6))
(trap 'echo "exit $?"' EXIT; f() { return 4; }; f)
(trap 'echo sub' EXIT; echo in; (echo nested))
x=$(trap 'echo sub' EXIT; echo in); echo "[$x]"
(trap 'echo main' EXIT; { echo bg; } & wait)
(trap 'echo "in trap $?"; (exit 3)' EXIT; exit 2); echo "st=$?"
false
