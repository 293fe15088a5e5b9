# Globs in host commands expand on the host, in the host cwd; guest globs on the guest.
mkdir -p "$HOSTDIR/g"; !mkdir -p "$HOSTDIR/h"
cd "$HOSTDIR/g"; touch guest1.c guest2.c
!cd "$HOSTDIR/h"; !touch host1.c host2.c host3.txt
echo *.c
!echo *.c
!echo *.txt '*.c' "*.c"
!echo *.none
!ls "$HOSTDIR"/h/*.txt | sed "s|$HOSTDIR|HOSTDIR|"
