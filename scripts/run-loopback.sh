#!/bin/sh
# run-loopback.sh: the loopback demo: set up, build, start hostcalld on loopback with a fresh key,
# and open an interactive dosh connected to it; hostcalld stops when dosh exits.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc)"

state="${XDG_STATE_HOME:-$HOME/.local/state}/hostcall"
mkdir -p "$state"
chmod 700 "$state"
rm -f "$state/addr"
build/bin/hostcalld --listen tcp://127.0.0.1:0 --key "$state/key" \
	--address-file "$state/addr" 2>>"$state/hostcalld.log" &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null; wait $daemon 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$state/addr" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ ! -s "$state/addr" ]; then
	echo "run.sh: hostcalld did not start; see $state/hostcalld.log" >&2
	exit 1
fi
echo "hostcalld (pid $daemon) serves $(cat "$state/addr"), key $state/key, log $state/hostcalld.log"
echo "dosh: plain words run in the guest, !words on the host. Try: pwd; !pwd; ls | !wc -l; help"
status=0
DOSH_HOST=$(cat "$state/addr") DOSH_KEY="$state/key" build/bin/dosh -i || status=$?
exit $status
