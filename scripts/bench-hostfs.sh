#!/bin/sh
# bench-hostfs.sh: real workloads on a local directory, hostfs (tcp: loopback) and sshfs, side by side.
#
# hostcalld (root, on this host) serves hostfs; socat serves Debian's sftp-server on loopback with
# TCP_NODELAY, and sshfs talks to it directly (-o directport, no ssh). Both file systems are mounted
# in a mount namespace of this script's own, so the host side never sees them. Everything started
# is stopped by PID, every mount unmounted and the one temporary directory removed, also on failure.
# HOSTCALLD, HOSTFS, PYTHON and SFTP_SERVER may be given in the environment; BENCH_CPU=N runs
# everything (daemons, servers, mounts and workloads) on vCPU N, the "same vCPU" placement of
# baselines.md, where no request waits for another vCPU to wake.
set -u
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.." || exit 1

PLACEMENTS="local hostfs always sshfs"   # always = hostfs -o cache=always
ROWS="tar compileall git_cold git_warm dd_write dd_read find_cold"
LONG_RUN_US=10000000                      # a first run longer than this is not repeated

# ---- small helpers ----

now_us() {
	echo $(($(date +%s%N) / 1000))
}

wait_for() {   # tries command...: poll every 50 ms until the command succeeds
	w_tries=$1
	shift
	while ! "$@" 2>/dev/null; do
		w_tries=$((w_tries - 1))
		[ "$w_tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

absolute() {   # path: the path, from the repository's root if relative
	case $1 in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}

is_running() {   # pid: alive and not a zombie waiting to be reaped
	[ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null || echo gone)" != Z ] &&
		[ -e "/proc/$1" ]
}

is_gone() {   # pid
	! is_running "$1"
}

stop_pid() {   # pid: SIGTERM, then SIGKILL after 5 s, and reap it
	if is_running "$1"; then
		kill "$1" 2>/dev/null
		wait_for 100 is_gone "$1" || kill -9 "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
	return 0
}

drop_caches() {
	sync
	[ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches
}

# ---- the data sets, made once, locally ----

# 350 entries: 30 directories and 320 files of 12 MB in all, sizes log-uniform in three tiers
# (70 % 200 B-16 KiB, 25 % 16-128 KiB, 5 % 128 KiB-1 MiB), contents random.
make_tar_tree() {   # dir
	mkdir -p "$1"
	awk 'BEGIN {
		srand(7)
		for (i = 0; i < 320; i++) {
			r = rand()
			if (r < 0.70) s = 200 * exp(rand() * log(82))
			else if (r < 0.95) s = 16384 * exp(rand() * log(8))
			else s = 131072 * exp(rand() * log(8))
			size[i] = s; total += s
		}
		for (i = 0; i < 320; i++) {
			d = i % 30
			dir = d < 10 ? sprintf("d%02d", d) : sprintf("d%02d/s%d", d % 10, int(d / 10))
			printf "%s f%03d %d\n", dir, i, int(size[i] * 12000000 / total)
		}
	}' | while read -r dir name size; do
		mkdir -p "$1/$dir"
		head -c "$size" /dev/urandom > "$1/$dir/$name"
	done
}

# 300 text files of 300 B to 30 KiB in 20 directories, committed with mtimes an hour old.
make_repo() {   # dir
	mkdir -p "$1"
	awk -v root="$1" 'BEGIN {
		srand(11)
		for (i = 0; i < 300; i++) {
			dir = sprintf("%s/src/m%02d", root, i % 20)
			if (i < 20) system("mkdir -p " dir)
			f = sprintf("%s/file%03d.c", dir, i)
			n = int(300 * exp(rand() * log(100)))
			for (b = 0; b < n; b += 32)
				printf "int v%d_%d = %d; /* %06d */\n", i, b, int(rand() * 1e6), b > f
			close(f)
		}
	}'
	find "$1" -type f -exec touch -d "@$(($(date +%s) - 3600))" {} +
	git -C "$1" init -q &&
		git -C "$1" add -A &&
		git -C "$1" -c user.name=bench -c user.email=bench@localhost commit -q -m data
}

# 700 small modules: 35 packages of an __init__.py and 19 modules of 3 to 12 functions.
make_py_tree() {   # dir
	awk -v root="$1" 'BEGIN {
		srand(13)
		for (p = 0; p < 35; p++) {
			dir = sprintf("%s/pkg%02d", root, p)
			system("mkdir -p " dir)
			print "\"\"\"package " p "\"\"\"" > (dir "/__init__.py"); close(dir "/__init__.py")
			for (m = 0; m < 19; m++) {
				f = sprintf("%s/mod%02d.py", dir, m)
				print "\"\"\"module " m "\"\"\"\nimport os\n" > f
				for (k = 0; k < 3 + int(rand() * 10); k++) {
					printf "def f%d(x, y=%d):\n    \"\"\"f%d\"\"\"\n", k, k, k > f
					printf "    z = [x * i + y for i in range(%d)]\n", int(rand() * 100) > f
					printf "    return sum(z) + len(os.sep)\n\n\n" > f
				}
				printf "class C%d:\n    def m(self):\n        return f0(%d)\n", m, m > f
				close(f)
			}
		}
	}'
}

# 10,000 one-line files in 100 directories.
make_many_files() {   # dir
	mkdir -p "$1"
	awk -v root="$1" 'BEGIN {
		for (d = 0; d < 100; d++) {
			system(sprintf("mkdir -p %s/d%02d", root, d))
			for (i = 0; i < 100; i++) {
				f = sprintf("%s/d%02d/f%04d", root, d, i)
				print d * 100 + i > f; close(f)
			}
		}
	}'
}

make_data() {
	mkdir -p "$work/data/empty" &&
		make_tar_tree "$work/data/tree" &&
		(cd "$work/data/tree" && tar cf ../tree.tar d*) &&
		make_many_files "$work/host/files" || return 1
	[ -z "$have_git" ] || make_repo "$work/data/repo" || return 1
	[ -z "$have_python" ] || make_py_tree "$work/data/py"
}

# ---- the host side: hostcalld and the sftp server ----

start_hostcalld() {
	"$HOSTCALLD" --listen tcp://127.0.0.1:0 --key "$work/key" --address-file "$work/addr" \
		--log-level warn 2>"$work/hostcalld.log" &
	hostcalld_pid=$!
	wait_for 200 grep -q '^tcp://' "$work/addr" || return 1
	host_url=$(grep '^tcp://' "$work/addr" | head -1)
}

port_is_free() {   # port
	[ -z "$(ss -Htln "sport = :$1")" ]
}

socat_listens() {   # port: 0 listening, 1 not yet, 2 socat died
	is_running "$socat_pid" || return 2
	[ -n "$(ss -Htln "sport = :$1")" ]
}

# socat forks one sftp-server per connection: each fresh sshfs mount gets its own.
start_sftp_server() {
	for _ in 1 2 3 4 5; do
		sftp_port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		port_is_free "$sftp_port" || continue
		socat "TCP-LISTEN:$sftp_port,bind=127.0.0.1,reuseaddr,nodelay,fork" \
			"EXEC:$SFTP_SERVER" 2>>"$work/socat.log" &
		socat_pid=$!
		s_i=0
		while [ $s_i -lt 100 ]; do
			socat_listens "$sftp_port"
			case $? in
			0) return 0 ;;
			2) break ;;
			esac
			sleep 0.05
			s_i=$((s_i + 1))
		done
		stop_pid "$socat_pid"
		socat_pid=
	done
	return 1
}

host_cleanup() {
	if [ -n "$guest_pid" ]; then   # it unmounts on its way out
		kill "$guest_pid" 2>/dev/null
		wait "$guest_pid"
	fi
	[ -n "$socat_pid" ] && stop_pid "$socat_pid"
	[ -n "$hostcalld_pid" ] && stop_pid "$hostcalld_pid"
	rm -rf "$work"
	[ -z "$started" ] || echo "bench-hostfs: $((($(now_us) - started) / 1000000)) s in all"
}

# ---- the guest side, in a mount namespace of its own: placements ----

# Every mount shows the whole of $work/host; each placement writes in a directory of its own
# there, and all of them read the one set of 10k files, $work/host/files.
mount_of() {   # placement: its mount point, or the host directory itself for local
	if [ "$1" = local ]; then echo "$work/host"; else echo "$work/mnt/$1"; fi
}

view() {   # placement: where the workload runs
	echo "$(mount_of "$1")/$1"
}

backing() {   # placement: the same directory, on the host
	echo "$work/host/$1"
}

is_ready() {   # placement
	[ "$1" = local ] || mountpoint -q "$work/mnt/$1"
}

mount_ready() {   # placement: wait until the mount answers, or its process has died
	m_i=0
	until is_ready "$1" && [ -d "$(view "$1")" ]; do
		is_running "$mnt_pid" && [ $m_i -lt 200 ] || return 1
		sleep 0.05
		m_i=$((m_i + 1))
	done
}

mount_placement() {   # placement
	case $1 in
	local) return 0 ;;
	hostfs | always)
		[ "$1" = hostfs ] && m_cache=auto || m_cache=always
		"$HOSTFS" --host "$host_url" --key "$work/key" --root "$work/host" -f \
			-o "cache=$m_cache" "$work/mnt/$1" 2>>"$work/hostfs.log" &
		;;
	sshfs)
		sshfs -f -o "directport=$sftp_port,reconnect" "127.0.0.1:$work/host" \
			"$work/mnt/sshfs" 2>>"$work/sshfs.log" &
		;;
	esac
	mnt_pid=$!
	mounted=$1
	mount_ready "$1"
}

unmount_placement() {
	[ -n "$mounted" ] || return 0
	fusermount3 -u "$work/mnt/$mounted" 2>>"$work/errors.log" ||
		fusermount3 -u -z "$work/mnt/$mounted" 2>>"$work/errors.log"
	wait_for 100 is_gone "$mnt_pid"
	stop_pid "$mnt_pid"
	mounted=
}

reopen_cold() {   # placement: a fresh mount on dropped caches
	unmount_placement
	drop_caches
	mount_placement "$1"
}

guest_cleanup() {
	unmount_placement
}

# ---- measuring ----

# Time one run of the command, in µs, into the row's results; "fail" if it failed or the
# placement was not mounted (then it may have run on the bare mount point).
record() {   # row placement command...
	r_file="$work/res/$1.$2"
	r_placement=$2
	shift 2
	r_start=$(now_us)
	"$@" >/dev/null 2>>"$work/errors.log"
	r_status=$?
	r_us=$(($(now_us) - r_start))
	if [ $r_status -ne 0 ] || ! is_ready "$r_placement"; then
		echo "$r_placement: '$*' failed ($r_status)" >> "$work/errors.log"
		echo fail >> "$r_file"
	else
		echo "$r_us" >> "$r_file"
	fi
	[ "$r_us" -gt "$longest" ] && longest=$r_us
	return 0
}

workload_tar() {   # placement run
	cat "$work/data/tree.tar" > /dev/null
	mkdir "$(view "$1")/tar.$2"
	sync
	record tar "$1" tar xf "$work/data/tree.tar" -C "$(view "$1")/tar.$2"
}

workload_compileall() {   # placement run: the fresh tree is put on the host side
	cp -a "$work/data/py" "$(backing "$1")/py.$2"
	"$PYTHON" -m compileall -q "$work/data/empty" > /dev/null
	sync
	record compileall "$1" "$PYTHON" -m compileall -q "$(view "$1")/py.$2"
}

workload_git() {   # placement run
	if [ "$2" -eq 1 ]; then   # the index then holds the stat data as this placement shows it
		cp -a "$work/data/repo" "$(backing "$1")/repo"
		git -C "$(view "$1")/repo" update-index -q --refresh
		git -C "$(view "$1")/repo" status > /dev/null
	fi
	reopen_cold "$1"
	git --version > /dev/null
	record git_cold "$1" git -C "$(view "$1")/repo" status
	record git_warm "$1" git -C "$(view "$1")/repo" status
}

workload_dd() {   # placement run
	dd_file="$(view "$1")/big.$2"
	sync
	record dd_write "$1" dd if=/dev/zero of="$dd_file" bs=1M count=256 conv=fsync status=none
	drop_caches
	record dd_read "$1" dd if="$dd_file" of=/dev/null bs=1M status=none
	rm -f "$dd_file"
}

workload_find() {   # placement run
	reopen_cold "$1"
	find / -maxdepth 0 > /dev/null
	record find_cold "$1" find "$(mount_of "$1")/files" -type f -printf '%s\n'
}

measure_one() {   # workload placement run
	if ! mount_placement "$2"; then
		echo "$2: mount failed; see $work/*.log" >> "$work/errors.log"
		unmount_placement
		return 1
	fi
	longest=0
	"workload_$1" "$2" "$3"
	unmount_placement
	[ "$3" -gt 1 ] || [ "$longest" -le $LONG_RUN_US ] || : > "$work/res/once.$1.$2"
}

# Run 1 on every placement in turn, then run 2 on every one, and so on, so that the load of
# the moment weighs on all of them alike. A placement whose first run was long runs once.
measure() {   # workload
	for m_run in 1 2 3; do
		for m_placement in $PLACEMENTS; do
			[ "$m_placement" = sshfs ] && [ -n "$sshfs_skip" ] && continue
			[ -e "$work/res/once.$1.$m_placement" ] && continue
			measure_one "$1" "$m_placement" "$m_run"
		done
	done
}

guest_main() {
	mounted=
	mnt_pid=
	trap guest_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	mkdir -p "$work/res"
	for m_placement in $PLACEMENTS; do
		mkdir -p "$(backing "$m_placement")"
	done
	for m_workload in tar compileall git dd find; do
		[ $m_workload = git ] && [ -z "$have_git" ] && continue
		[ $m_workload = compileall ] && [ -z "$have_python" ] && continue
		measure $m_workload
	done
}

# ---- the report ----

median_us() {   # row placement: the median, "fail", or nothing if not measured
	[ -s "$work/res/$1.$2" ] || return 0
	if grep -q fail "$work/res/$1.$2"; then echo fail; return 0; fi
	sort -n "$work/res/$1.$2" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

runs_of() {   # row placement
	[ -s "$work/res/$1.$2" ] && wc -l < "$work/res/$1.$2" | tr -d ' '
}

cell() {   # row placement: the median as a time, starred if from one run
	c_us=$(median_us "$1" "$2")
	case $c_us in
	"") echo "-" ;;
	fail) echo "failed" ;;
	*)
		[ "$(runs_of "$1" "$2")" -eq 1 ] && c_star="*" || c_star=""
		awk -v us="$c_us" -v star="$c_star" 'BEGIN {
			if (us < 10000) printf "%.1f ms%s", us / 1e3, star
			else if (us < 1e6) printf "%.0f ms%s", us / 1e3, star
			else printf "%.2f s%s", us / 1e6, star }'
		;;
	esac
}

verdict() {   # row placement baseline limit: "1.23x met" or "4.56x not met"
	v_ours=$(median_us "$1" "$2")
	v_base=$(median_us "$1" "$3")
	if [ -z "$v_ours" ] || [ -z "$v_base" ] || [ "$v_ours" = fail ] || [ "$v_base" = fail ]; then
		echo "-"
		return
	fi
	awk -v a="$v_ours" -v b="$v_base" -v limit="$4" 'BEGIN {
		r = a / b; printf "%.2fx %s", r, r <= limit ? "met" : "NOT met" }'
}

row_label() {   # row
	case $1 in
	tar) echo "tar x, 350 entries, 12 MB" ;;
	compileall) echo "compileall -q, 700 .py files" ;;
	git_cold) echo "git status, 300 files, cold" ;;
	git_warm) echo "git status, warm (2nd run)" ;;
	dd_write) echo "dd write 256 MiB, conv=fsync" ;;
	dd_read) echo "dd read 256 MiB, cold" ;;
	find_cold) echo "find + stat, 10k files, cold" ;;
	esac
}

row_skipped() {   # row: why it was not run, if it was not
	case $1 in
	compileall) [ -n "$have_python" ] || echo "skipped (python3 not installed)" ;;
	git_*) [ -n "$have_git" ] || echo "skipped (git not installed)" ;;
	esac
}

print_row() {   # row
	p_skip=$(row_skipped "$1")
	if [ -n "$p_skip" ]; then
		printf '%-30s %s\n' "$(row_label "$1")" "$p_skip"
		return
	fi
	if [ -n "$sshfs_skip" ]; then
		p_sshfs="skipped (${sshfs_skip%%:*})" p_vs_sshfs="-" p_vs_sshfs2="-"
	else
		p_sshfs=$(cell "$1" sshfs)
		p_vs_sshfs=$(verdict "$1" hostfs sshfs 0.5)
		p_vs_sshfs2=$(verdict "$1" always sshfs 0.5)
	fi
	printf '%-30s %9s %9s %9s  %-14s %-14s\n' "$(row_label "$1")" "$(cell "$1" local)" \
		"$(cell "$1" hostfs)" "$p_sshfs" "$(verdict "$1" hostfs local 3)" "$p_vs_sshfs"
	printf '%-30s %9s %9s %9s  %-14s %-14s\n' "  hostfs -o cache=always" "" \
		"$(cell "$1" always)" "" "$(verdict "$1" always local 3)" "$p_vs_sshfs2"
}

throughput() {   # row placement: MB/s of 256 MiB
	t_us=$(median_us "$1" "$2")
	case $t_us in
	"" | fail) echo "-" ;;
	*) awk -v us="$t_us" 'BEGIN { printf "%.0f MB/s", 256 * 1048576 / us }' ;;
	esac
}

machine_line() {   # taken before the benchmark starts, printed with the report
	m_start=$(now_us)
	m_i=0
	while [ $m_i -lt 200 ]; do /bin/true; m_i=$((m_i + 1)); done
	m_spawn=$(awk -v us="$(($(now_us) - m_start))" 'BEGIN { printf "%.2f", us / 200 / 1e3 }')
	echo "machine: $(getconf _NPROCESSORS_ONLN) vCPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start;" \
		"fork+exec of /bin/true from sh takes $m_spawn ms here (0.67 ms in baselines.md)."
	echo "It is shared and noisy: compare only the columns of one run, never figures of two."
	awk -v cpus="$(getconf _NPROCESSORS_ONLN)" '$1 > cpus { print "BUSY: the load average exceeds the vCPUs: " \
		"something else is running, and every figure below is slowed by it unevenly." }' /proc/loadavg
}

print_header() {
	echo
	echo "hostfs benchmark: each workload on a local directory, on hostfs over $host_url"
	echo "and on sshfs (sftp-server behind socat on loopback, TCP_NODELAY, no ssh), in one run;"
	if [ -n "${BENCH_CPU:-}" ]; then
		echo "placement: everything on vCPU $BENCH_CPU (taskset), each request woken on the vCPU it left."
	else
		echo "placement: no pinning (the scheduler spreads the processes over the vCPUs)."
	fi
	echo "$machine"
	echo "hostfs: cache=auto (its default), and cache=always on the second line of each workload."
	if [ -n "$sshfs_skip" ]; then
		echo "sshfs: skipped ($sshfs_skip)."
	else
		echo "sshfs: $(sshfs --version 2>&1 | sed -n 's/^SSHFS version //p'), its own defaults" \
			"(dir_cache=yes for 20 s, attr and entry timeouts 1 s, no kernel_cache)."
	fi
	if [ -w /proc/sys/vm/drop_caches ]; then
		echo "cold = sync and drop_caches (echo 3), and for hostfs and sshfs a fresh mount; the tool"
		echo "(git, find) runs once before, so its own binary is cached. dd reads after drop_caches."
	else
		echo "cold: NOT cold: /proc/sys/vm/drop_caches is not writable (run as root); fresh mounts only."
	fi
	echo "tar x and compileall on a warm cache (compileall's tree put on the host side just before)."
	echo "Times, lower is better: medians of 3 runs, taken in turn on each placement;"
	echo "* = 1 run (its first took over 10 s)."
	echo "target: hostfs at most 0.5x sshfs and at most 3x local."
	echo
}

report() {
	print_header
	printf '%-30s %9s %9s %9s  %-14s %-14s\n' workload local hostfs sshfs hostfs/local hostfs/sshfs
	for p_row in $ROWS; do
		print_row "$p_row"
	done
	echo
	for p_row in dd_write dd_read; do
		printf '%s: local %s, hostfs %s, cache=always %s, sshfs %s\n' "$(row_label $p_row)" \
			"$(throughput $p_row local)" "$(throughput $p_row hostfs)" \
			"$(throughput $p_row always)" "$(throughput $p_row sshfs)"
	done
	if [ -s "$work/errors.log" ]; then
		echo
		echo "errors:"
		head -20 "$work/errors.log"
	fi
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- main ----

find_tools() {
	have_git=$(command -v git || true)
	have_python=$PYTHON
	[ -x "$have_python" ] || have_python=$(command -v "$PYTHON" || true)
	sshfs_skip=""
	for t in sshfs socat fusermount3; do
		command -v $t > /dev/null || sshfs_skip="$sshfs_skip $t"
	done
	[ -x "$SFTP_SERVER" ] || sshfs_skip="$sshfs_skip $SFTP_SERVER"
	[ -z "$sshfs_skip" ] || sshfs_skip="not installed:$sshfs_skip"
}

host_main() {
	started=$(now_us)
	machine=$(machine_line)
	work=$(mktemp -d /tmp/bench-hostfs.XXXXXX) || exit 1
	hostcalld_pid=
	socat_pid=
	guest_pid=
	trap host_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	export work have_git have_python HOSTFS PYTHON
	export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home"
	unset PYTHONDONTWRITEBYTECODE
	mkdir -p "$work/home" "$work/mnt/hostfs" "$work/mnt/always" "$work/mnt/sshfs"
	if ! make_data; then
		echo "bench-hostfs: cannot make the data sets" >&2
		exit 1
	fi
	if ! start_hostcalld; then
		echo "bench-hostfs: hostcalld did not start:" >&2
		cat "$work/hostcalld.log" >&2
		exit 1
	fi
	if [ -z "$sshfs_skip" ] && ! start_sftp_server; then
		sshfs_skip="socat could not listen: $(tail -1 "$work/socat.log")"
	fi
	export host_url sftp_port sshfs_skip
	unshare -m --propagation private sh "$self" guest &
	guest_pid=$!
	wait "$guest_pid"
	guest_pid=
	report
}

HOSTCALLD=$(absolute "${HOSTCALLD:-build/bin/hostcalld}")
HOSTFS=$(absolute "${HOSTFS:-build/bin/hostfs}")
SFTP_SERVER=${SFTP_SERVER:-/usr/lib/openssh/sftp-server}
if [ -z "${PYTHON:-}" ]; then
	PYTHON=python3
	[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi
if [ "${1:-}" = guest ]; then
	guest_main
	exit 0
fi
if [ -n "${BENCH_CPU:-}" ] && [ -z "${BENCH_PINNED:-}" ]; then
	case $BENCH_CPU in
	*[!0-9]* | "") echo "bench-hostfs: BENCH_CPU=$BENCH_CPU: give a vCPU number" >&2; exit 2 ;;
	esac
	BENCH_PINNED=1 exec taskset -c "$BENCH_CPU" sh "$self"
fi
for b in "$HOSTCALLD" "$HOSTFS"; do
	[ -x "$b" ] || { echo "bench-hostfs: no $b (set HOSTCALLD and HOSTFS)" >&2; exit 1; }
done
find_tools
host_main
