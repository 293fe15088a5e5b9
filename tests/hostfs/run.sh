#!/bin/sh
# run.sh: hostfs tests. hostcalld runs as an unprivileged user (so the host decides permissions) in a
# mount namespace of its own holding a 4 MiB tmpfs to fill; hostfs runs in another, so the host side
# never sees the mount. Over tcp: and over a shared-memory channel (ivshmem:, as kvm: is served):
# the semantics suite, real programs, and faults. Started and stopped by PID.
set -u
cd "$(dirname "$0")/../.."
B="${B:-build}"
HOSTCALLD="${HOSTCALLD:-$B/bin/hostcalld}"
HOSTFS="${HOSTFS:-$B/bin/hostfs}"
SEMANTICS="${SEMANTICS:-$B/tests/hostfs/fs_semantics}"
PIPE_CHECK="${PIPE_CHECK:-$B/tests/hostfs/pipe_check}"
USER_ID=65534

result() {   # name, status
	if [ "$2" -eq 0 ]; then
		echo "ok   $1"
	else
		echo "FAIL $1"
	fi
}

# Mount hostfs (in the namespace this runs in) and wait until the mount answers.
mount_hostfs() {   # url
	"$HOSTFS" --host "$1" --key "$work/host/key" --root "$work/host" -f -o allow_other "$work/mnt" \
		2>>"$work/hostfs.log" &
	hostfs_pid=$!
	i=0
	until mountpoint -q "$work/mnt" && [ -d "$work/mnt/data" ]; do
		[ $i -lt 200 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}

unmount_hostfs() {
	fusermount3 -u "$work/mnt" || return 1
	i=0
	while kill -0 "$hostfs_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	! kill -0 "$hostfs_pid" 2>/dev/null && wait "$hostfs_pid"
}

# The guest side, in a mount namespace of its own: everything that runs on the mount.
guest_side() {   # url label
	if ! mount_hostfs "$1"; then
		result "hostfs/mount ($2)" 1
		return
	fi
	env HOSTFS_MNT="$work/mnt/data" HOSTFS_HOSTDIR="$work/host/data" \
		HOSTFS_FULL="$work/mnt/full" HOSTFS_UNPRIV=1 DOSH_HOST="$1" DOSH_KEY="$work/host/key" \
		timeout 600 "$SEMANTICS" > "$work/semantics.$2.log" 2>&1
	st=$?
	result "hostfs/semantics ($2)" $st
	grep -E '^\[  (PASSED|SKIPPED|FAILED)  \] [0-9]' "$work/semantics.$2.log" | sed 's/^/     /'
	[ $st -eq 0 ] || grep -E 'FAIL|ERROR|LINE' "$work/semantics.$2.log" | head -20
	# sequential reads go in max_read requests, four in flight (as root, hostfs sets it in sysfs)
	[ "$(cat "/sys/class/bdi/$(mountpoint -d "$work/mnt")/read_ahead_kb")" = 4096 ]
	result "hostfs/readahead is 4096 KiB ($2)" $?
	# as a guest user that is the host's too, as people use it: tar and cp keep their own files' owner
	mkdir -p "$work/local/$2" && chown "$USER_ID:$USER_ID" "$work/local/$2"
	timeout 600 setpriv --reuid=$USER_ID --regid=$USER_ID --clear-groups \
		sh tests/hostfs/programs.sh "$work/mnt/data/programs.$2" "$work/local/$2"
	result "hostfs/programs ($2)" $?
	unmount_hostfs
	result "hostfs/unmount ($2)" $?
	pipes_side "$1" "$2"
}

# The host pipes: hostcalld's XDG_RUNTIME_DIR holds them.
pipes_side() {   # url label
	"$HOSTFS" --pipes --host "$1" --key "$work/host/key" -f -o allow_other "$work/pipes" \
		>"$work/pipes.$2.out" 2>>"$work/hostfs.log" &
	pipes_pid=$!
	i=0
	until mountpoint -q "$work/pipes"; do
		[ $i -lt 200 ] || { result "hostfs/pipes mount ($2)" 1; return; }
		sleep 0.05
		i=$((i + 1))
	done
	grep -q "$work/host/xdg/hostcall/pipe" "$work/pipes.$2.out"
	result "hostfs/pipes says where the host end is ($2)" $?
	env HOSTPIPE_MNT="$work/pipes" HOSTPIPE_HOSTDIR="$work/host/xdg/hostcall/pipe" \
		DOSH_HOST="$1" DOSH_KEY="$work/host/key" timeout 600 "$PIPE_CHECK" \
		> "$work/pipes.$2.log" 2>&1
	st=$?
	result "hostfs/pipes ($2)" $st
	[ $st -eq 0 ] || grep -E 'FAIL|ERROR|LINE' "$work/pipes.$2.log" | head -20
	grep -E 'MB/s' "$work/pipes.$2.log" | sed "s/^/  ($2) /"
	fusermount3 -u "$work/pipes" && wait "$pipes_pid"
	result "hostfs/pipes unmount ($2)" $?
}

if [ "${1:-}" = guest ]; then
	guest_side "$2" "$3"
	exit 0
fi

work=$(mktemp -d /tmp/hostfs-test.XXXXXX)
export work HOSTFS SEMANTICS PIPE_CHECK
daemon=

cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	if grep -q "^FAIL" "$work/results" 2>/dev/null; then
		echo "$(basename "$0"): logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

start_daemon() {
	chmod 755 "$work"
	mkdir -p "$work/host/data" "$work/host/full" "$work/host/xdg" "$work/mnt" "$work/pipes" \
		"$work/local"
	chown -R "$USER_ID:$USER_ID" "$work/host"
	chmod 700 "$work/host/xdg"
	# the daemon's own namespace: a small tmpfs only it sees, then its user's identity
	unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=4m,mode=0755,uid=$2,gid=$2 hostfs-full "$1/host/full" || exit 1
		export XDG_RUNTIME_DIR="$1/host/xdg"
		exec setpriv --reuid=$2 --regid=$2 --clear-groups "$3" \
			--listen tcp://127.0.0.1:0 \
			--key "$1/host/key" --address-file "$1/host/addr" --kvm "$1/host/kvm.sock" \
			--channels 32' \
		sh "$work" "$USER_ID" "$PWD/$HOSTCALLD" 2>"$work/hostcalld.log" &
	daemon=$!
	i=0
	while [ ! -s "$work/host/addr" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$work/host/addr" ]
}

if ! start_daemon; then
	echo "run.sh: hostcalld did not start" >&2
	cat "$work/hostcalld.log" >&2
	exit 1
fi
for url in "$(head -1 "$work/host/addr")" "ivshmem:$work/host/kvm.sock"; do
	unshare -m --propagation private sh "$0" guest "$url" "${url%%:*}" | tee -a "$work/results"
done
kill "$daemon" && wait "$daemon"
result "hostfs/hostcalld exits cleanly" $? | tee -a "$work/results"
daemon=
HOSTCALLD="$HOSTCALLD" HOSTFS="$PWD/$HOSTFS" timeout 600 sh tests/hostfs/faults.sh |
	tee -a "$work/results"
for log in "$work/hostcalld.log" "$work/hostfs.log"; do
	if grep -q 'Sanitizer\|runtime error' "$log"; then
		result "hostfs/no sanitizer report in $(basename "$log")" 1 | tee -a "$work/results"
		grep -A20 'Sanitizer\|runtime error' "$log" | head -40
	fi
done
passed=$(grep -c '^ok' "$work/results")
failed=$(grep -c '^FAIL' "$work/results")
echo "hostfs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
