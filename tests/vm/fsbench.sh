#!/bin/sh
# fsbench.sh: in the guest: busybox tar x, find, ls -lR, rm -r and dd on hostfs over kvm:
# (/host, cache=auto as init mounts it; and /hostnc, cache=never) beside QEMU's virtio-9p
# (/mnt9p, its default cache=none), all three the same host directory $HOSTDIR, in rounds
# that alternate the order, each operation on cold caches; and dd on the guest's own RAM
# disk (one guest copy: the ceiling of a copying file system under TCG). One line each:
#   fsbench FS OP ROUND SECONDS GUEST_BUSY_% HOSTFS_CPU_S PROGRAM_CPU_S
# GUEST_BUSY: of the one vCPU, from /proc/uptime's idle time; HOSTFS_CPU: that mount's
# daemon's user+system time; PROGRAM_CPU: tar's, find's... own (their system calls
# included). Around each, "fsbench-mark FS OP ROUND begin|end" on the console, for vm.sh
# to read the host's counters; a pause lets it.
# From vm.sh: $BENCH_TAR (a tarball, as the host names it), $HOSTDIR/find ($FIND_FILES files).
# FSBENCH_COUNT=1: one round, both hostfs mounts with libfuse's debug log, and after each
# operation "fsbench-ops FS OP ROUND TOTAL OPCODE=N..." (the FUSE requests it made; the
# logging slows them: times of such a run are not figures).
set -u
ROUNDS=${FSBENCH_ROUNDS:-3}
DD_MIB=${FSBENCH_DD_MIB:-128}
COUNT=${FSBENCH_COUNT:-}
failed=0

fail() {
	echo "FAIL fsbench: $*"
	failed=1
}

# pid_of_mount DIR: the hostfs daemon serving DIR
pid_of_mount() {
	for p in /proc/[0-9]*; do
		case "$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)" in
		"hostfs "*" $1 ") echo "${p#/proc/}"; return 0 ;;
		esac
	done
	return 1
}

# mount_hostfs DIR OPTIONS: hostfs over kvm: at DIR, its log in /tmp/hostfs.DIR.log
mount_hostfs() {
	hostfs --host kvm: -f -o "allow_other$2" "$1" </dev/null >/dev/null 2>"/tmp/hostfs.${1#/}.log" &
	for i in $(seq 100); do
		grep -q " $1 fuse" /proc/mounts && break
		sleep 0.1
	done
}

mkdir -p /mnt9p /hostnc
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 h9p /mnt9p || { fail "no 9p mount"; exit 1; }
if [ -n "$COUNT" ]; then
	ROUNDS=1
	umount /host && mount_hostfs /host ,debug
	mount_hostfs /hostnc ,cache=never,debug
else
	mount_hostfs /hostnc ,cache=never
fi
for m in /host /hostnc; do
	grep -q " $m fuse" /proc/mounts || { fail "$m is not mounted"; cat /tmp/hostfs.*.log; exit 1; }
	pid_of_mount $m > /dev/null || { fail "no hostfs process for $m"; exit 1; }
done
pid_host=$(pid_of_mount /host)
pid_hostnc=$(pid_of_mount /hostnc)
# the tarball into the guest's own RAM disk, through /host (not measured)
cp "/host$BENCH_TAR" /tmp/bench.tar || { fail "cannot copy the tarball"; exit 1; }
entries=$(tar tf /tmp/bench.tar | wc -l)
mb=$(($(wc -c < /tmp/bench.tar) / 1000000))
echo "fsbench: a tarball of $entries entries, $mb MB; $FIND_FILES files to find; dd of $DD_MIB MiB"
# under TCG the first seconds after boot are slow by fits: measure a settled guest
while [ "$(cut -d. -f1 /proc/uptime)" -lt 6 ]; do sleep 0.5; done

# ticks PID FIRST: user+system ticks of PID (FIRST=14), or of its waited-for children (16)
ticks() {
	[ -n "$1" ] || { echo 0; return; }
	awk -v f="$2" '{ sub(/.*\) /, ""); print $(f - 2) + $(f - 1) }' "/proc/$1/stat"
}

# ops_after LOG LINE: how many FUSE requests of each kind LOG has after its LINE-th line
ops_after() {
	tail -n +$(($2 + 1)) "$1" | grep -o 'opcode: [A-Z_]*' | sort | uniq -c |
		awk '{ n += $1; s = s " " $3 "=" $1 } END { print n + 0 s }'
}

# measure FS OP ROUND COMMAND...: run COMMAND on cold caches and print its line.
measure() {
	fs=$1 op=$2 r=$3
	shift 3
	case "$fs" in
	hostfs) daemon=$pid_host log=/tmp/hostfs.host.log ;;
	hostfs_nc) daemon=$pid_hostnc log=/tmp/hostfs.hostnc.log ;;
	*) daemon= log= ;;
	esac
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 0.5   # the forgets that drop sends settle
	echo "fsbench-mark $fs $op $r begin"
	sleep 0.3
	[ -n "$COUNT" ] && [ -n "$log" ] && lines=$(wc -l < "$log")
	read -r up0 idle0 < /proc/uptime
	h0=$(ticks "$daemon" 14) c0=$(ticks $$ 16)
	"$@" || fail "$fs $op round $r: $*"
	read -r up1 idle1 < /proc/uptime
	h1=$(ticks "$daemon" 14) c1=$(ticks $$ 16)
	echo "fsbench-mark $fs $op $r end"
	sleep 0.3
	[ -n "$COUNT" ] && [ -n "$log" ] && echo "fsbench-ops $fs $op $r $(ops_after "$log" "$lines")"
	awk -v fs="$fs" -v op="$op" -v r="$r" -v u0="$up0" -v u1="$up1" -v i0="$idle0" \
		-v i1="$idle1" -v h0="$h0" -v h1="$h1" -v c0="$c0" -v c1="$c1" 'BEGIN {
		t = u1 - u0
		printf "fsbench %s %s %s %.2f %.0f %.2f %.2f\n", fs, op, r, t,
			(t > 0 ? 100 * (1 - (i1 - i0) / t) : 0), (h1 - h0) / 100, (c1 - c0) / 100
	}'
}

tar_x() {
	mkdir -p "$1" && tar xf /tmp/bench.tar -C "$1"
}

find_all() {
	n=$(find "$1" -type f | wc -l)
	[ "$n" -eq "$FIND_FILES" ] || { echo "find: $n files in $1, wanted $FIND_FILES"; return 1; }
}

# the stat of every entry, as ls -l does (busybox find lstat()s each entry already)
stat_all() {
	n=$(ls -lR "$1" | grep -c '^-')
	[ "$n" -eq "$FIND_FILES" ] || { echo "ls -lR: $n files in $1, wanted $FIND_FILES"; return 1; }
}

dd_write() {
	dd if=/dev/zero of="$1" bs=1M count="$DD_MIB" 2>/tmp/dd.err ||
		{ echo "dd: $(cat /tmp/dd.err)"; return 1; }
}

dd_read() {   # to /dev/null: a pipe would cost the TCG guest two more copies
	dd if="$1" of=/dev/null bs=1M 2>/tmp/dd.err && grep -q "^$DD_MIB+0 records in" /tmp/dd.err ||
		{ echo "dd: $(cat /tmp/dd.err)"; return 1; }
}

one_fs() {   # FS DIR ROUND
	d=$2/fsbench.$1.$3
	measure "$1" tar_x "$3" tar_x "$d"
	[ "$(find "$d" | wc -l)" -eq "$((entries + 1))" ] || fail "$1: tar x made $(find "$d" | wc -l) entries"
	measure "$1" find "$3" find_all "$2/find"
	measure "$1" ls_lR "$3" stat_all "$2/find"
	measure "$1" rm_r "$3" rm -r "$d"
	measure "$1" dd_write "$3" dd_write "$2/fsbench.$1.big"
	measure "$1" dd_read "$3" dd_read "$2/fsbench.$1.big"
	rm -f "$2/fsbench.$1.big"
}

# cache=never only explains (9p's cache=none keeps no attributes either, hostfs's default
# keeps them 1 s): it takes the longest, so by default it runs in the first round only
round=1
while [ $round -le "$ROUNDS" ]; do
	[ $round -le "${FSBENCH_NC_ROUNDS:-1}" ] && one_fs hostfs_nc "/hostnc$HOSTDIR" $round
	if [ $((round % 2)) -eq 1 ]; then
		one_fs hostfs "/host$HOSTDIR" $round
		one_fs 9p /mnt9p $round
	else
		one_fs 9p /mnt9p $round
		one_fs hostfs "/host$HOSTDIR" $round
	fi
	measure ram dd_write $round dd_write /tmp/fsbench.big
	measure ram dd_read $round dd_read /tmp/fsbench.big
	rm -f /tmp/fsbench.big
	round=$((round + 1))
done
umount /mnt9p
umount /hostnc
exit $failed
