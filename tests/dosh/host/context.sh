# Guest and host contexts stay apart; host builtins; variables expand on the guest.
cd "$HOSTDIR"; !cd "$HOSTDIR"
mkdir -p sub; !mkdir -p sub; !cd sub; pwd | sed "s|$HOSTDIR|HOSTDIR|"; !pwd | sed "s|$HOSTDIR|HOSTDIR|"
GVAR=guest-value
!echo "$GVAR"
!export HVAR=host-value
!sh -c 'echo "$HVAR"'
echo "[${HVAR:-}]"
!unset HVAR
!sh -c 'echo "[${HVAR:-gone}]"'
!cd /nonexistent-dir; echo "status $?"
'!x' 2>/dev/null; echo "quoted ! is literal: status $?"
\!x 2>/dev/null; echo "escaped ! is literal: status $?"
! false; echo "negation: status $?"
!sh -c 'exit 3'; echo "status $?"
!sh -c 'kill -TERM $$'; echo "status $?"
!sleep 0.2 &
wait $!; echo "background host job: status $?"
!sh -c 'exit 4' &
wait; echo "wait all done"
!nosuchcmd; echo "status $?"
