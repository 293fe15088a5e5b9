#!/bin/sh
# run.sh: two machines joined by a veth pair (two network namespaces): hostcalld --allow-remote
# on one, the integration suites and dosh on the other, all in TLS; tshark on the veth, then
# wire_check: TLS 1.3 in every handshake and, after RFC 9289's probe, no byte in clear.
# Needs root (ip netns); says "skipped" and exits 0 where namespaces cannot be made.
set -u
: "${B:=build}"
HOSTCALLD=${HOSTCALLD:-$B/bin/hostcalld}
DOSH=${DOSH:-$B/bin/dosh}
SUITES="session proc stream race hcgen"

n=$$
host=hc2h-$n guest=hc2g-$n vh=hc2h$((n % 100000)) vg=hc2g$((n % 100000))
net=10.232.$((n % 200 + 20))
work=$(mktemp -d /tmp/hc-two.XXXXXX)
daemon= capture= failed=0

cleanup() {
	[ -n "$capture" ] && kill -INT "$capture" 2>/dev/null && wait "$capture" 2>/dev/null
	[ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	ip netns del "$host" 2>/dev/null
	ip netns del "$guest" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ] || ! ip netns add "$host" 2>/dev/null; then
	echo "skipped: two machines need root and ip netns"
	exit 0
fi
ip netns add "$guest" &&
ip link add "$vh" type veth peer name "$vg" &&
ip link set "$vh" netns "$host" && ip link set "$vg" netns "$guest" &&
ip -n "$host" addr add "$net.1/24" dev "$vh" && ip -n "$host" link set "$vh" up &&
ip -n "$host" link set lo up &&
ip -n "$guest" addr add "$net.2/24" dev "$vg" && ip -n "$guest" link set "$vg" up &&
ip -n "$guest" link set lo up || { echo "FAIL: the veth pair could not be made"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark is missing: scripts/deps.sh installs it"; exit 1; }

# tshark first, so that it sees every handshake; "Capturing on" says it has begun
ip netns exec "$host" tshark -q -B 64 -i "$vh" -w "$work/wire.pcapng" 2>"$work/tshark.log" &
capture=$!
i=0
until grep -q "Capturing on" "$work/tshark.log" 2>/dev/null || [ $i -ge 200 ]; do
	sleep 0.05; i=$((i + 1))
done
grep -q "Capturing on" "$work/tshark.log" || { echo "FAIL: tshark did not start"; cat "$work/tshark.log"; exit 1; }

mkdir -p "$work/hostdir"
ip netns exec "$host" "$HOSTCALLD" --listen "tcp://$net.1:0" --allow-remote --key "$work/key" \
	--address-file "$work/addr" --module-dir "$PWD/$B/lib/hostcall/modules" \
	2>"$work/hostcalld.log" &
daemon=$!
i=0
until [ -s "$work/addr" ] || [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done
url=$(cat "$work/addr" 2>/dev/null)
port=${url##*:}
[ -n "$url" ] || { echo "FAIL: hostcalld did not start"; cat "$work/hostcalld.log"; exit 1; }
cp "$work/key" "$work/guest.key"

# In the guest machine: TLS is not asked for, the address beyond loopback demands it.
for t in $SUITES; do
	if ip netns exec "$guest" env HC_TEST_URL="$url" HC_TEST_KEY="$work/guest.key" \
		HC_TEST_DIR="$work/hostdir" timeout 600 "$B/tests/integration/test_$t" \
		>"$work/$t.log" 2>&1; then
		echo "ok   two machines in TLS: test_$t ($(grep -c '^\[       OK \]' "$work/$t.log") passed)"
	else
		echo "FAIL two machines in TLS: test_$t"
		grep -E 'FAIL|ERROR|LINE' "$work/$t.log" | head -20
		failed=$((failed + 1))
	fi
done
got=$(ip netns exec "$guest" env DOSH_HOST="$url" DOSH_KEY="$work/guest.key" "$DOSH" -c \
	'!cd /; printf "guest words\n" | !tr a-z A-Z | cat; !pwd' 2>&1)
if [ "$got" = "GUEST WORDS
/" ]; then
	echo "ok   two machines in TLS: dosh pipeline across"
else
	echo "FAIL two machines in TLS: dosh said: $got"
	failed=$((failed + 1))
fi
if ip netns exec "$guest" env DOSH_HOST="$url" DOSH_KEY="$work/guest.key" DOSH_TLS=off \
	"$DOSH" -c '!true' >"$work/clear.log" 2>&1; then
	echo "FAIL two machines: a session in clear was served"
	failed=$((failed + 1))
elif grep -q "requires TLS" "$work/clear.log"; then
	echo "ok   two machines: DOSH_TLS=off refused ($(cat "$work/clear.log"))"
else
	echo "FAIL two machines: DOSH_TLS=off failed without saying why: $(cat "$work/clear.log")"
	failed=$((failed + 1))
fi

kill -TERM "$daemon"; wait "$daemon"; st=$?; daemon=
[ $st -eq 0 ] || { echo "FAIL hostcalld exited $st"; tail -20 "$work/hostcalld.log"; failed=$((failed + 1)); }
if grep -q 'Sanitizer\|runtime error' "$work/hostcalld.log"; then
	echo "FAIL hostcalld reported a sanitizer error"; grep -A20 'Sanitizer\|runtime error' "$work/hostcalld.log" | head -40
	failed=$((failed + 1))
fi
sleep 0.3   # the last FINs
kill -INT "$capture"; wait "$capture"; capture=
echo "tshark: $(grep -i 'captured\|dropped' "$work/tshark.log" | tr '\n' ' ')"

# What tshark saw: each ServerHello's version, and every byte for wire_check.
versions=$(tshark -r "$work/wire.pcapng" -d "tcp.port==$port,tls" -Y "tls.handshake.type == 2" \
	-T fields -e tls.handshake.extensions.supported_version 2>/dev/null | sort | uniq -c)
hellos=$(tshark -r "$work/wire.pcapng" -d "tcp.port==$port,tls" -Y "tls.handshake.type == 2" \
	2>/dev/null | wc -l)
echo "tshark: $hellos ServerHello: $(echo "$versions" | tr -s ' \n' ' ')"
if [ "$hellos" -lt 10 ] || [ "$(echo "$versions" | grep -vc '0x0304')" -ne 0 ]; then
	echo "FAIL two machines: not every handshake was TLS 1.3"
	failed=$((failed + 1))
fi
if tshark -r "$work/wire.pcapng" -o tcp.desegment_tcp_streams:FALSE \
	-Y "tcp.port == $port && tcp.len > 0 && !tcp.analysis.retransmission && !tcp.analysis.fast_retransmission" \
	-T fields -e tcp.stream -e tcp.srcport -e tcp.seq -e tcp.payload 2>/dev/null |
	"$B/tests/netns/wire_check" "$port"; then
	echo "ok   two machines: no byte in clear after the probe"
else
	echo "FAIL two machines: bytes in clear on the wire"
	failed=$((failed + 1))
fi
[ $failed -eq 0 ]
