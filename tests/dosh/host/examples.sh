# The design's own examples, exactly.
cd /tmp ; !cd /var/tmp ; pwd ; !pwd
!export GREETING=hello ; !sh -c 'echo $GREETING'
echo "guest GREETING: [${GREETING:-unset}]"
# a2ps -o - guestprog.c | !lpr, with stand-ins: a guest producer, a host consumer that records
cd "$HOSTDIR"
printf 'int main(void) { return 0; }\n' > guestprog.c
!cd "$HOSTDIR"
cat guestprog.c | !sh -c 'cat > printed.txt'
!cat printed.txt
!sh -c 'echo "host file text" > hostfile.txt'
cat < !hostfile.txt
