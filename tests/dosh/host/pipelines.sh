# Mixed pipelines of any length and order, 50 MiB through them, checksummed.
cd "$HOSTDIR"; !cd "$HOSTDIR"
head -c 52428800 /dev/urandom > big.bin
cat big.bin > !hbig.bin   # the host's own copy, should it be another machine
want=$(sha256sum < big.bin)
got=$(cat big.bin | !cat | cat | !cat | sha256sum)
[ "$got" = "$want" ] && echo "guest|host|guest|host: 50 MiB intact"
got=$(!cat hbig.bin | cat | !cat | cat | !sha256sum)
[ "$got" = "$want" ] && echo "host|guest|host|guest|host: 50 MiB intact"
got=$(!cat hbig.bin | !cat | !cat | sha256sum)
[ "$got" = "$want" ] && echo "host|host|host (host pipes): 50 MiB intact"
rm big.bin; !rm hbig.bin
printf '3\n1\n2\n' | !sort | tr 123 abc | !cat
echo x | !false; echo "status $?"
!echo x | false | !true; echo "status $?"
set -o pipefail
!false | cat; echo "pipefail status $?"
set +o pipefail
