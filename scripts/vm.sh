#!/bin/sh
# vm.sh: boot the guest under QEMU against a hostcalld started here, both stopped by PID.
#   check  - guest_check and the dosh host scripts over kvm: and tcp:, the hostfs semantics
#            suite and busybox tar and cp on /host, a reboot, a power-off; then two VMs at
#            once on the same hostcalld, each running guest_check over kvm:
#   bench  - null call and stream throughput over kvm: beside tcp:, and hcgen's stubs (an empty
#            stub beside the null call, 1 MiB through a stub, zlib here beside zlib on the
#            host), from the same guest; then,
#            in a second boot (Debian's generic kernel: the cloud one has no 9p), busybox
#            tar x, find and dd on hostfs over kvm: beside QEMU's 9p, on one host directory
#   fsbench - that second boot alone
#   shell  - an interactive dosh in the guest, on the host's hostcalld over kvm:, the console
#            as large as this terminal, following its resizes
set -u
cd "$(dirname "$0")/.."
mode=${1:-check}
HOSTCALLD=${HOSTCALLD:-build/bin/hostcalld}
CHANNELS=16   # a session each: the host pipe tests keep six opens waiting at once
BOOT_TIMEOUT=${VM_TIMEOUT:-900}

case "$mode" in
bench|fsbench) scripts/vm-image.sh 9p >/dev/null || exit 1 ;;
*) scripts/vm-image.sh >/dev/null || exit 1 ;;
esac
work=$(mktemp -d /tmp/hcvm.XXXXXX)
mkdir -p "$work/hostdir"
# As root, hostcalld runs in a mount namespace of its own holding a 4 MiB tmpfs for the
# hostfs suite to fill (ENOSPC): its shadows see it, nothing else on the host does.
# unshare and sh exec, so $! is hostcalld's PID.
full=
set --
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
	full="$work/full"
	mkdir -p "$full"
	set -- unshare -m --propagation private sh -c \
		'mount -t tmpfs -o size=4m,mode=0755 hcvm-full "$0" && exec "$@"' "$full"
fi
# its XDG_RUNTIME_DIR holds the host pipes: $work/xdg/hostcall/pipe
mkdir -m 700 "$work/xdg"
XDG_RUNTIME_DIR="$work/xdg" \
"$@" "$HOSTCALLD" --kvm "$work/kvm.sock" --channels $CHANNELS --listen tcp://127.0.0.1:0 \
	--key "$work/key" --address-file "$work/addr" --module-dir "$PWD/build/lib/hostcall/modules" \
	--module-dir "$PWD/build/tests/bench/modules" \
	2>"$work/hostcalld.log" &
daemon=$!
i=0
while [ ! -s "$work/addr" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
port=$(sed -n 's|^tcp://127.0.0.1:||p' "$work/addr" | head -1)

# Under TCG the guest kernel must not copy to and from user memory with `rep movs`,
# which TCG runs one element at a time: the CPU goes without ERMS/FSRM (no `rep movsb`:
# streams and sockets in the guest 2.5x faster), and the kernel is told to forget
# rep_good (no `rep movsq`: an unrolled loop of 8-byte moves, 1.3-1.5x faster again).
accel=tcg cpu=max,erms=off,fsrm=off append=clearcpuid=rep_good
if grep -qw -e vmx -e svm /proc/cpuinfo && [ -w /dev/kvm ]; then
	accel=kvm cpu=max append=   # vm-facts: a nested KVM without vmx/svm kills Linux guests
fi

# The per-boot files ride in a second cpio appended to the image's: initrd MODE [VM_NAME].
initrd() {
	rm -rf "$work/run" && mkdir -p "$work/run"
	printf 'MODE=%s\nTCP_URL=tcp://10.0.2.2:%s\nHOSTDIR=%s\nVM_NAME=%s\nHOST_UID=%s\nFULL_DIR=%s\nPIPE_DIR=%s\n' \
		"$1" "$port" "$work/hostdir" "${2:-vm}" "$(id -u)" "$full" "$work/xdg/hostcall/pipe" \
		> "$work/run/run.conf"
	printf '%s' "${conf_extra:-}" >> "$work/run/run.conf"
	if [ "$1" = shell ] && [ -n "$size" ]; then
		printf 'ROWS=%s\nCOLS=%s\nWINSIZE_FILE=%s\n' "${size% *}" "${size#* }" "$work/winsize" \
			>> "$work/run/run.conf"
	fi
	cp "$work/key" "$work/run/key"
	(cd "$work/run" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/run.cpio.gz"
	cat build/vm/initramfs.cpio.gz "$work/run.cpio.gz" > "$work/initrd${2:+.$2}"
}

qemu() {
	qemu-system-x86_64 -machine q35 -accel $accel -cpu $cpu -m 512 -smp 1 \
		-kernel "${KERNEL:-build/vm/vmlinuz}" -initrd "${INITRD:-$work/initrd}" \
		-append "console=ttyS0 panic=-1 quiet${append:+ $append}" -nographic "$@" \
		-chardev socket,path="$work/kvm.sock",id=hc \
		-device ivshmem-doorbell,chardev=hc,vectors=$CHANNELS \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0
}

# Boot in the background, the console to a log; kill QEMU by PID on timeout or a KVM error.
boot() {
	log=$1
	shift
	qemu "$@" </dev/null >"$log" 2>&1 &
	q=$!
	t=0
	while kill -0 $q 2>/dev/null; do
		if [ $t -ge $((BOOT_TIMEOUT * 10)) ] || grep -q 'KVM internal error' "$log"; then
			echo "vm.sh: QEMU stopped after $((t / 10)) s (timeout or KVM error)" >>"$log"
			kill -9 $q
			break
		fi
		sleep 0.1
		t=$((t + 1))
	done
	wait $q
}

shadows() {
	n=0
	for f in /proc/[0-9]*/stat; do
		ppid=$(sed 's/.*) [A-Z] \([0-9]*\).*/\1/' "$f" 2>/dev/null) || continue
		[ "$ppid" = "$daemon" ] && n=$((n + 1))
	done
	echo $n
}

# Every shadow of hostcalld ends within 5 s: say so as "ok   $1", or FAIL.
shadows_end() {
	i=0
	while [ "$(shadows)" -gt 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ "$(shadows)" -eq 0 ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: no, $(shadows) shadow(s) still running"
		rc=1
	fi
}

finish() {
	kill -TERM $daemon
	wait $daemon
	st=$?
	[ $st -ne 0 ] && { echo "FAIL hostcalld exited $st"; tail -20 "$work/hostcalld.log"; rc=1; }
	[ "${VM_KEEP:-}" ] || rm -rf "$work"
	exit $rc
}

# follow_size: while QEMU runs, write the terminal's size (fd 3) to $work/winsize whenever
# it changes; the guest's init reads it through /host. A serial line carries no window
# size and the host's SIGWINCH goes to QEMU, so this is how the guest hears of a resize.
follow_size() {
	trap 'exit 0' TERM   # after the sleep in hand: nothing left behind
	last=$size
	while sleep 0.5; do
		now=$(stty size <&3 2>/dev/null) || continue
		[ "$now" = "$last" ] || { echo "$now" > "$work/winsize" && last=$now; }
	done
}

# ---- fsbench: hostfs over kvm: beside QEMU's 9p, one host directory, one boot ----

# The trees: a tarball of 350 entries and 12 MB (its top, 30 directories, 319 files of
# 512 B to 75 KB) that the guest copies to its RAM disk and extracts, and 3000 empty files
# in 30 directories that it finds.
fsbench_files() {
	t=$work/tree/t
	for d in $(seq 0 29); do mkdir -p "$t/d$d"; done
	i=0
	while [ $i -lt 319 ]; do
		head -c $((512 + i * 7919 % 75000)) /dev/urandom > "$t/d$((i % 30))/f$i"
		i=$((i + 1))
	done
	tar cf "$work/bench.tar" -C "$work/tree" t && rm -rf "$work/tree"
	for d in $(seq -w 0 29); do
		mkdir -p "$work/hostdir/find/$d" &&
			(cd "$work/hostdir/find/$d" && seq -f 'f%03g' 100 | xargs touch)
	done
	conf_extra="BENCH_TAR=$work/bench.tar
FIND_FILES=3000
"
}

# host_counters: hostcalld's shadows' CPU ticks and voluntary context switches (one per
# hostcall: each rings the doorbell once and the shadow sleeps in poll() between them),
# QEMU's vCPU thread's ticks (the TCG guest running) and its other threads' (9p, I/O).
host_counters() {
	files=
	for p in $(pgrep -P $daemon); do files="$files /proc/$p/stat /proc/$p/status"; done
	awk 'FILENAME ~ /status$/ { if ($1 == "voluntary_ctxt_switches:") vcs += $2; next }
		{
			comm = $0; sub(/^[^(]*\(/, "", comm); sub(/\).*/, "", comm)
			rest = $0; sub(/.*\) /, "", rest); split(rest, f, " "); t = f[12] + f[13]
			if (FILENAME !~ /task/) shadow += t
			else if (comm ~ /^CPU [0-9]+\/TCG$/) vcpu += t
			else other += t
		}
		END { printf "%d %d %d %d\n", shadow, vcs, vcpu, other }' \
		$files /proc/$1/task/*/stat 2>/dev/null
}

# sample_marks CONSOLE: at each new "fsbench-mark FS OP ROUND begin|end" of the guest,
# "FS OP ROUND begin|end" and the host's counters into $work/samples, until QEMU ends.
sample_marks() {
	i=0
	while [ ! -s "$work/qemu.pid" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	qpid=$(cat "$work/qemu.pid" 2>/dev/null) || return
	seen=0
	while kill -0 "$qpid" 2>/dev/null; do
		n=$(grep -c '^fsbench-mark' "$1")
		if [ "$n" -gt $seen ]; then
			c="$(host_counters "$qpid") $(cat "$work/qemu.trace" 2>/dev/null | wc -l)"
			grep '^fsbench-mark' "$1" | tr -d '\r' | sed -n "$((seen + 1)),${n}p" |
				while read -r _ fs op r be; do
					echo "$fs $op $r $be $c"
				done >> "$work/samples"
			seen=$n
		fi
		sleep 0.1
	done
}

# nine_p_requests: with FSBENCH_COUNT=1, the 9p requests QEMU traced during each operation
# (between the trace's lengths at its marks): "9p OP TOTAL REQUEST=N..."
nine_p_requests() {
	awk '$1 == "9p" { print $2, $4, $NF }' "$work/samples" | while read -r op be n; do
		if [ "$be" = begin ]; then
			from=$n
			continue
		fi
		sed -n "$((from + 1)),${n}p" "$work/qemu.trace" | grep -o 'v9fs_[a-z_]*' |
			grep -v -e '_return$' -e '^v9fs_rerror$' | sed 's/^v9fs_//' | sort | uniq -c |
			awk -v op="$op" '{ n += $1; s = s " " toupper($2) "=" $1 }
				END { print "9p", op, n + 0 s }'
	done
}

fsbench() {
	fsbench_files
	set --
	if [ "${FSBENCH_COUNT:-}" = 1 ]; then   # the requests each operation makes, not times
		set -- -trace 'enable=v9fs_*' -D "$work/qemu.trace"
		conf_extra="${conf_extra}FSBENCH_COUNT=1
"
	fi
	initrd fsbench
	: > "$work/samples"
	sample_marks "$work/console.fs" &
	sampler=$!
	KERNEL=build/vm/generic/vmlinuz boot "$work/console.fs" -no-reboot \
		-name fsbench,debug-threads=on -pidfile "$work/qemu.pid" \
		-fsdev local,id=fs0,path="$work/hostdir",security_model=none \
		-device virtio-9p-pci,fsdev=fs0,mount_tag=h9p "$@"
	wait $sampler
	grep -E '^fsbench:|^FAIL' "$work/console.fs"
	if [ "${FSBENCH_COUNT:-}" = 1 ]; then
		echo "requests per operation (FUSE requests to each hostfs mount; 9p requests QEMU served):"
		grep '^fsbench-ops' "$work/console.fs" | tr -d '\r' | cut -d" " -f2,3,5-
		nine_p_requests
	else
		awk -v accel=$accel -f tests/vm/fsbench.awk "$work/samples" "$work/console.fs"
	fi
	grep -q 'VM-RESULT: 0' "$work/console.fs" || { tail -40 "$work/console.fs"; return 1; }
}

rc=0
case "$mode" in
shell)
	size=$(stty size 2>/dev/null) || size=
	initrd shell
	poller=
	if [ -n "$size" ]; then
		echo "$size" > "$work/winsize"
		exec 3<&0
		follow_size &
		poller=$!
	fi
	qemu -no-reboot
	[ -n "$poller" ] && kill $poller && wait $poller 2>/dev/null
	finish
	;;
bench|fsbench)
	[ "$mode" = fsbench ] && { fsbench || rc=1; finish; }
	initrd bench
	boot "$work/console" -no-reboot
	grep '^bench ' "$work/console" | awk '
		$2 == "local" { local = $4; next }
		{ us[$2] = $4; mb[$2] = $6; wr[$2] = $8; mbin[$2] = $10 }
		END {
			printf "vm bench (in the guest, %s): null call kvm: %.1f us, tcp: %.1f us (%.1fx)\n", "'$accel'", us["kvm"], us["tcp"], us["tcp"] / us["kvm"]
			printf "vm bench: stream guest->host kvm: %.1f MB/s, tcp: %.1f MB/s (%.1fx)\n", mb["kvm"], mb["tcp"], mb["kvm"] / mb["tcp"]
			printf "vm bench: stream host->guest kvm: %.1f MB/s, tcp: %.1f MB/s (%.1fx)\n", mbin["kvm"], mbin["tcp"], mbin["kvm"] / mbin["tcp"]
			printf "vm bench: the guest alone, 64 KiB writes through a socketpair: %.1f MB/s (what a kvm: stream from the host copies twice)\n", local
			printf "vm bench: hc_write 1 MiB pieces kvm: %.1f MB/s, tcp: %.1f MB/s (%.1fx)\n", wr["kvm"], wr["tcp"], wr["kvm"] / wr["tcp"]
		}'
	# bench_stubs, once over kvm: and once over tcp:: its table and its zlib line
	tr -d '\r' <"$work/console" | sed -n '/^transport /,/ zlib -6 /p' | sed 's/^/vm bench: /'
	grep -q 'VM-RESULT: 0' "$work/console" || { cat "$work/console"; rc=1; }
	fsbench || rc=1
	finish
	;;
esac

# check: the first boot runs everything, leaves a session and reboots (QEMU stays);
# the second finds that session swept and powers off with another left open.
initrd check
start=$(date +%s)
boot "$work/console"
grep -E '^(ok|FAIL) |^  |VM-RESULT|^[a-z]+:.* failed$' "$work/console"
results=$(grep -c 'VM-RESULT: 0' "$work/console")
if [ "$results" -ne 2 ] || grep -q '^FAIL' "$work/console"; then
	echo "FAIL vm-check: expected two clean boots; the console:"
	tail -60 "$work/console"
	rc=1
fi
shadows_end "power-off: every shadow of the VM ended"

# Two VMs at once: two peers of one ivshmem server, each with its own channels and shadows.
mkdir -p "$work/hostdir/a" "$work/hostdir/b"
initrd pair a
initrd pair b
INITRD="$work/initrd.a" boot "$work/console.a" -no-reboot &
vm_a=$!
INITRD="$work/initrd.b" boot "$work/console.b" -no-reboot &
vm_b=$!
wait $vm_a $vm_b   # not hostcalld's
for v in a b; do
	grep -E '^(ok|FAIL) ' "$work/console.$v" | sed "s/^/vm $v: /"
	if ! grep -q 'VM-RESULT: 0' "$work/console.$v"; then
		echo "FAIL vm-check: VM $v of the pair; its console:"
		tail -40 "$work/console.$v"
		rc=1
	fi
done
if [ "$(grep -c 'peer [0-9]* joined' "$work/hostcalld.log")" -lt 3 ]; then
	echo "FAIL vm-check: hostcalld did not see the pair join as two more peers"
	rc=1
fi
shadows_end "two VMs at once: both served, every shadow ended"
if grep -q 'Sanitizer\|runtime error' "$work/hostcalld.log"; then
	echo "FAIL hostcalld reported a sanitizer error"
	rc=1
fi
echo "vm-check: $accel, $(($(date +%s) - start)) s"
finish
