# set -e, set -u, exit status
set -e
false || echo "or keeps going"
if false; then :; fi
! true
echo before
( set +e; false; echo in-subshell )
set +e
false; echo "status=$?"
sh -c 'exit 5'; echo "status=$?"
set -e
true
echo end
false
echo not-reached
