#!/bin/sh
# run.sh: the README's main command: set up, build, and run hostcalld on loopback with a fresh key.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc)"

keydir="${XDG_CONFIG_HOME:-$HOME/.config}/hostcall"
mkdir -p "$keydir"
chmod 700 "$keydir"
port="${HOSTCALL_PORT:-7077}"
echo "hostcalld: key $keydir/key (created 0600 if absent), listening on tcp://127.0.0.1:$port"
echo "           and unix:$keydir/sock; a guest program connects with"
echo "           hc_connect(\"tcp://127.0.0.1:$port\", \"$keydir/key\", &session)."
echo "           From a QEMU guest with user networking: tcp://10.0.2.2:$port. Ctrl-C stops it."
exec build/bin/hostcalld --listen "tcp://127.0.0.1:$port" --listen "unix:$keydir/sock" \
	--key "$keydir/key"
