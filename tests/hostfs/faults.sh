#!/bin/sh
# faults.sh: hostfs under faults: a host that cannot be reached, the shadow killed mid-read, a shadow that
# stops answering, hostcalld restarted, a 100k-file tree walked, SIGTERM and daemon mode. hostcalld runs
# here; hostfs and its users in a mount namespace held by a sleeper (entered with nsenter). By PID only.
set -u
cd "$(dirname "$0")/../.."
B="${B:-build}"
HOSTCALLD="${HOSTCALLD:-$B/bin/hostcalld}"
HOSTFS="${HOSTFS:-$PWD/$B/bin/hostfs}"
work=$(mktemp -d /tmp/hostfs-faults.XXXXXX)
mnt=$work/mnt
daemon= ns= hostfs_pid=
failed=0

ok() { echo "ok   faults/$1"; }
fail() { echo "FAIL faults/$1${2:+: $2}"; failed=1; }
check() { if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1" "${3:-}"; fi; }
in_ns() { nsenter -t "$ns" -m -- "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

cleanup() {
	[ -n "$hostfs_pid" ] && kill "$hostfs_pid" 2>/dev/null
	[ -n "$ns" ] && kill "$ns" 2>/dev/null
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	if [ "$failed" -ne 0 ]; then
		echo "$(basename "$0"): logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

start_daemon() {   # [listen URL]
	"$HOSTCALLD" --listen "${1:-tcp://127.0.0.1:0}" --key "$work/key" \
		--address-file "$work/addr" 2>>"$work/hostcalld.log" &
	daemon=$!
	i=0
	while [ ! -s "$work/addr" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	url=$(head -1 "$work/addr")
}

stop_daemon() {
	kill "$daemon" && wait "$daemon"
	daemon=
	rm -f "$work/addr"
}

mount_hostfs() {   # extra options
	# nsenter execs hostfs: $! is hostfs itself
	nsenter -t "$ns" -m -- "$HOSTFS" --host "$url" --key "$work/key" --root "$work/data" -f \
		-o "$1" "$mnt" 2>>"$work/hostfs.log" &
	hostfs_pid=$!
	i=0
	until in_ns mountpoint -q "$mnt" && in_ns test -e "$mnt/small"; do
		[ $i -lt 200 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}

unmount_hostfs() {
	in_ns fusermount3 -u "$mnt"
	wait "$hostfs_pid"
	r=$?
	hostfs_pid=
	return $r
}

shadows() { ps --ppid "$daemon" -o pid= | tr -d ' '; }

mkdir -p "$mnt" "$work/data"
echo small > "$work/data/small"
truncate -s 2G "$work/data/big"
start_daemon
unshare -m --propagation private sleep 3600 &
ns=$!
sleep 0.2

# A host that cannot be reached: one line, a non-zero exit, no mount.
out=$("$HOSTFS" --host tcp://127.0.0.1:1 --key "$work/key" -f "$mnt" 2>&1)
st=$?
[ $st -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ! mountpoint -q "$mnt"
check unreachable-host--one-line-nonzero $? "status $st: $out"

mount_hostfs cache=never,timeout=3 || fail mount

# The shadow killed while a read is in flight: the reader gets EIO at once; the mount recovers.
in_ns sh -c "exec 3< '$mnt/small'; read -r l <&3; echo \$l" > "$work/before" 2>&1
t0=$(now_ms)
in_ns dd if="$mnt/big" of=/dev/null bs=1M 2>"$work/dd.err" &
dd=$!
sleep 0.5
kill -9 $(shadows)
wait $dd
st=$?
t1=$(now_ms)
[ $st -ne 0 ] && grep -q 'Input/output error' "$work/dd.err" && [ $((t1 - t0)) -lt 10000 ]
check shadow-killed-mid-read--eio-within-timeout $? "dd status $st after $((t1 - t0)) ms: $(cat "$work/dd.err")"
[ "$(in_ns cat "$mnt/small" 2>&1)" = small ]
check shadow-killed--mount-recovers $?

# A file opened in the old session is stale in the new one.
in_ns sh -c "exec 3< '$mnt/small'; kill -9 \$(ps --ppid $daemon -o pid=); sleep 0.3; cat '$mnt/small' >/dev/null; cat <&3" \
	> "$work/stale.out" 2> "$work/stale.err"
st=$?
[ $st -ne 0 ] && grep -q 'Stale file handle' "$work/stale.err"
check old-session-file--estale $? "status $st: $(cat "$work/stale.err")"

# A shadow that stops answering: a read in flight fails with EIO within the session timeout (3 s
# here), and the mount is served again by a new session.
s=$(shadows)
t0=$(now_ms)
in_ns sh -c "exec 3< '$mnt/small'; kill -STOP $s; cat <&3" >/dev/null 2>"$work/stopped.err"
st=$?
t1=$(now_ms)
kill -9 $s
[ $st -ne 0 ] && grep -q 'Input/output error' "$work/stopped.err" && [ $((t1 - t0)) -lt 8000 ]
check silent-shadow--eio-within-timeout $? "status $st after $((t1 - t0)) ms: $(cat "$work/stopped.err")"
[ "$(in_ns cat "$mnt/small" 2>&1)" = small ]
check silent-shadow--mount-recovers $?

# hostcalld restarted on the same address: refused meanwhile, served again after.
port_url=$url
stop_daemon
in_ns cat "$mnt/small" >/dev/null 2>&1
check daemon-down--refused $((! $?))
start_daemon "$port_url"
[ "$(in_ns cat "$mnt/small" 2>&1)" = small ]
check daemon-restarted--served-again $?

unmount_hostfs
check unmount $?

# 100k files walked by find: every entry seen, the shadow's descriptors bounded, whatever the
# tree's size, by max_inodes, the batches of the two directories find has open at once
# (HC_DENTS_MAX entries each, looked up ahead for readdirplus) and the handles not yet forgotten.
mkdir -p "$work/data/tree"
(cd "$work/data/tree" && for d in $(seq 0 99); do mkdir "d$d" && (cd "d$d" && seq 0 999 | xargs touch); done)
mount_hostfs max_inodes=4096
s=$(shadows)
(while sleep 0.5; do ls "/proc/$s/fd" 2>/dev/null | wc -l; done > "$work/fds") &
mon=$!
n=$(in_ns find "$mnt/tree" 2>"$work/find.err" | wc -l)
m=$(in_ns find "$mnt/tree" -type f -newer "$mnt/small" 2>>"$work/find.err" | wc -l)
kill $mon
most=$(sort -n "$work/fds" | tail -1)
echo "  find over 100k files: at most ${most:-?} descriptors in the shadow (max_inodes=4096)"
[ "$n" -eq 100101 ] && [ "$m" -eq 100000 ] && [ ! -s "$work/find.err" ] &&
	[ "${most:-0}" -gt 0 ] && [ "${most:-0}" -lt $((4096 + 2 * 1024 + 256 + 128)) ]
check find-100k-files--bounded-descriptors $? "saw $n, $m, at most ${most:-?} fds, $(head -2 "$work/find.err")"

# SIGTERM unmounts cleanly and ends hostfs with status 0.
kill -TERM "$hostfs_pid"
wait "$hostfs_pid"
st=$?
hostfs_pid=
[ $st -eq 0 ] && ! in_ns mountpoint -q "$mnt"
check sigterm--unmounted-exit-0 $? "status $st"

# Daemon mode: hostfs returns once mounted; fusermount3 -u ends it.
in_ns "$HOSTFS" --host "$url" --key "$work/key" --root "$work/data" "$mnt" 2>>"$work/hostfs.log"
st=$?
[ $st -eq 0 ] && [ "$(in_ns cat "$mnt/small" 2>&1)" = small ] && in_ns fusermount3 -u "$mnt"
check daemon-mode--mounted-then-unmounted $? "status $st"

if grep -q 'Sanitizer\|runtime error' "$work/hostcalld.log" "$work/hostfs.log"; then
	fail no-sanitizer-reports
	grep -A20 'Sanitizer\|runtime error' "$work/hostcalld.log" "$work/hostfs.log" | head -30
fi
exit $failed
