# Host files for guest and host commands: <, >, >>, 2>, 2>>
cd "$HOSTDIR"; !cd "$HOSTDIR"
echo one > !h.txt
echo two >> !h.txt
cat < !h.txt
!echo three >> !h.txt
!cat < !h.txt
!sh -c 'echo to-err >&2' 2> !err.txt
!sh -c 'echo more-err >&2' 2>> !err.txt
cat !err.txt 2>/dev/null || cat < !err.txt
!sh -c 'echo out; echo err >&2' > !both.txt 2>&1
!cat both.txt
!echo host-to-guest > guest.txt
cat guest.txt
echo guest-in | !cat > guest2.txt
cat guest2.txt
cat < !missing.txt
echo "status $?"
!cat < !missing.txt
echo "status $?"
