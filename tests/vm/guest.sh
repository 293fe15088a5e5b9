#!/bin/sh
# guest.sh: inside the VM: guest_check, the API's integration tests and the dosh host scripts
# over kvm: and tcp:, the POSIX semantics suite and busybox's tar and cp on /host (hostfs
# over kvm:), a reboot that must not trouble hostcalld, and a session left running for the
# power-off (check);
# or the benchmarks (bench: calls and streams; fsbench: hostfs beside 9p, in fsbench.sh).
mode=$1
export DOSH_KEY=/key DOSH_ABS=/bin/dosh
failed=0

# The dosh host scripts: none assumes that guest and host share a filesystem.
host_scripts() {
	export DOSH_HOST="$1"
	for t in /tests/dosh/host/*.sh; do
		name=$(basename "$t" .sh)
		# the scripts cd to the same directory on both sides
		rm -rf "$HOSTDIR/sh" && mkdir -p "$HOSTDIR/sh"
		dosh -c "!rm -rf '$HOSTDIR/sh'; !mkdir -p '$HOSTDIR/sh'"
		(cd "$HOSTDIR/sh" && HOSTDIR="$HOSTDIR/sh" timeout 300 dosh "$t" 2>&1; echo "exit $?") |
			sed -e "s|$HOSTDIR/sh|HOSTDIR|g" -e "s|/tests/dosh/host/||g" \
			    -e "s|$DOSH_HOST|HOSTURL|g" > /tmp/$name.got
		if cmp -s "/tests/dosh/host/$name.out" /tmp/$name.got; then
			echo "ok   dosh host/$name ($1)"
		else
			echo "FAIL dosh host/$name ($1)"
			diff "/tests/dosh/host/$name.out" /tmp/$name.got | head -20
			failed=$((failed + 1))
		fi
	done
}

# The integration tests of the hostcall API, against the host's hostcalld at $1.
integration() {
	for t in test_session test_proc test_stream test_race test_hcgen; do
		out=$(HC_TEST_URL="$1" HC_TEST_KEY=/key HC_TEST_DIR="$HOSTDIR" timeout 600 $t 2>&1)
		if [ $? -eq 0 ]; then
			passed=$(echo "$out" | grep -c '^\[       OK \]')
			skipped=$(echo "$out" | grep '^\[  SKIPPED \] [a-z]' | sort -u | wc -l)
			echo "ok   integration $t ($1): $passed passed, $skipped skipped"
		else
			echo "FAIL integration $t ($1)"
			echo "$out" | grep -vE '^\[ RUN|OK \]' | tail -20
			failed=$((failed + 1))
		fi
	done
}

# suite_failed WHAT LOG DAEMON_LOG ST: the FAIL line, what the suite said, the mount's last words.
suite_failed() {
	echo "FAIL $1, exit $4"
	grep -E 'FAIL|ERROR|LINE|wanted|died|hung' "$2" | head -30
	tail -5 "$3"
	failed=$((failed + 1))
}

# The semantics suite on /host, compared with the host's own view through libhostcall.
hostfs_semantics() {
	dir="$HOSTDIR/semantics"
	[ "$HOST_UID" != 0 ] && unpriv=1 || unpriv=
	if ! grep -q ' /host fuse' /proc/mounts || ! mkdir -p "/host$dir"; then
		echo "FAIL hostfs: /host is not mounted"
		cat /tmp/hostfs.host.log
		failed=$((failed + 1))
		return
	fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	HOSTFS_MNT="/host$dir" HOSTFS_HOSTDIR="$dir" DOSH_HOST=kvm: HOSTFS_UNPRIV=$unpriv \
		HOSTFS_FULL=${FULL_DIR:+/host$FULL_DIR} timeout 900 fs_semantics > /tmp/semantics.log 2>&1
	st=$?
	t=$(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime)
	passed=$(grep -c '^\[       OK \]' /tmp/semantics.log)
	skipped=$(grep '^\[  SKIPPED \] [a-z]' /tmp/semantics.log | sort -u | wc -l)
	why=$(sed -n 's/^ *\(.*\): skipped$/\1/p' /tmp/semantics.log | sort | uniq -c | awk '{
		c = $1; $1 = ""
		printf "%s%s%s", (n++ ? ", " : ""), substr($0, 2), (c > 1 ? " x" c : "")
	}')
	if [ $st -eq 0 ]; then
		echo "ok   hostfs semantics on /host (kvm:): $passed passed," \
			"$skipped skipped${why:+ ($why)}, $t s"
	else
		suite_failed "hostfs semantics on /host (kvm:)" /tmp/semantics.log /tmp/hostfs.host.log $st
	fi
}

# The host pipes on /hostpipe: their host ends opened by host shadows through libhostcall.
hostfs_pipes() {
	if ! grep -q ' /hostpipe fuse' /proc/mounts; then
		echo "FAIL hostfs: /hostpipe is not mounted"
		cat /tmp/hostfs.hostpipe.log
		failed=$((failed + 1))
		return
	fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	HOSTPIPE_MNT=/hostpipe HOSTPIPE_HOSTDIR="$PIPE_DIR" DOSH_HOST=kvm: HOSTPIPE_BLOCKED=6 \
		timeout 900 pipe_check > /tmp/pipes.log 2>&1
	st=$?
	t=$(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime)
	if [ $st -eq 0 ]; then
		echo "ok   hostfs pipes on /hostpipe (kvm:): $(grep -c '^\[       OK \]' /tmp/pipes.log)" \
			"passed, $t s"
		grep 'MB/s' /tmp/pipes.log | sed 's/^ */     /'
	else
		suite_failed "hostfs pipes on /hostpipe (kvm:)" /tmp/pipes.log /tmp/hostfs.hostpipe.log $st
	fi
}

# compare NAME FILE FILE: "ok   NAME" if they are the same, else FAIL and how they differ.
compare() {
	if cmp -s "$2" "$3"; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		diff "$2" "$3" | head -10
		failed=$((failed + 1))
	fi
}

# busybox's tar and cp through /host: a tree from the guest's RAM disk onto the host and
# back, every name, mode, size, link and byte kept, and the host's own tools seeing it so.
hostfs_programs() {
	dir="$HOSTDIR/programs" tree="sh /bin/tree.sh"
	rm -rf /tmp/tree && mkdir -p /tmp/tree/back "/host$dir/tarx" && $tree make /tmp/tree/src &&
		$tree describe /tmp/tree/src > /tmp/tree/want && cp /bin/tree.sh "/host$dir/tree.sh" ||
		{ echo "FAIL hostfs programs: setup"; failed=$((failed + 1)); return; }
	t0=$(cut -d' ' -f1 /proc/uptime)
	tar cf - -C /tmp/tree src | tar xf - -C "/host$dir/tarx"
	$tree describe "/host$dir/tarx/src" > /tmp/tree/got 2>&1
	compare "hostfs programs: busybox tar x onto /host" /tmp/tree/want /tmp/tree/got
	tar cf - -C "/host$dir/tarx" src | tar xf - -C /tmp/tree/back
	$tree describe /tmp/tree/back/src > /tmp/tree/got 2>&1
	compare "hostfs programs: busybox tar c from /host" /tmp/tree/want /tmp/tree/got
	cp -a /tmp/tree/src "/host$dir/cpa"
	$tree describe "/host$dir/cpa" > /tmp/tree/got 2>&1
	compare "hostfs programs: busybox cp -a onto /host" /tmp/tree/want /tmp/tree/got
	dosh --host kvm: -c "!sh '$dir/tree.sh' describe '$dir/cpa'" > /tmp/tree/got 2>&1
	compare "hostfs programs: the host's own find, stat and sha256sum agree" \
		/tmp/tree/want /tmp/tree/got
	what="busybox cp, >>, wc, sha256sum, mv, rm -r"
	f="/host$dir"
	if cp /tmp/tree/src/a/b/big "$f/big" && echo hello > "$f/txt" && echo world >> "$f/txt" &&
	   [ "$(wc -l < "$f/txt")" -eq 2 ] &&
	   [ "$(sha256sum < "$f/big")" = "$(sha256sum < /tmp/tree/src/a/b/big)" ] &&
	   mv "$f/txt" "$f/txt2" && rm "$f/txt2" && [ ! -e "$f/txt2" ] && rm -r "$f" && [ ! -e "$f" ]
	then
		t=$(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime)
		echo "ok   hostfs programs: $what ($t s in all)"
	else
		echo "FAIL hostfs programs: $what"
		failed=$((failed + 1))
	fi
}

case "$mode" in
pair)
	# one of two VMs on the same hostcalld at once: a directory of its own on the host
	guest_check -k /key -s -d "$HOSTDIR/$VM_NAME" kvm: || failed=1
	exit $failed
	;;
bench)
	# under TCG the first seconds after boot are slow by fits (null calls of 200 us for
	# seconds, in 1 run of 5): measure a settled guest
	while [ "$(cut -d. -f1 /proc/uptime)" -lt 6 ]; do sleep 0.5; done
	guest_check -k /key -b "$TCP_URL" kvm: || failed=1
	for url in kvm: "$TCP_URL"; do   # hcgen's stubs, and zlib here beside zlib on the host
		HC_TEST_URL=$url HC_TEST_KEY=/key bench_stubs || failed=1
	done
	exit $failed
	;;
fsbench)
	exec sh /bin/fsbench.sh
	;;
esac

mkdir -p "$HOSTDIR"
if dosh --host kvm: -c "!test -e '$HOSTDIR/booted-once'"; then
	# the second boot: the first one's session is swept, its host child ended
	dosh --host kvm: -c '!echo served after the reboot' || failed=1
	gone=0
	for i in $(seq 50); do
		if ! dosh --host kvm: -c "!kill -0 \$(cat '$HOSTDIR/sleeper.pid') 2>/dev/null"; then
			gone=1
			break
		fi
		sleep 0.1
	done
	[ $gone = 1 ] && echo "ok   reboot: the last boot's host child is gone" ||
		{ echo "FAIL reboot: the last boot's host child lives"; failed=1; }
	[ -e "/host$HOSTDIR/booted-once" ] && echo "ok   reboot: /host mounted again" ||
		{ echo "FAIL reboot: /host does not show the host's files"; failed=1; }
	# left running: powering off must end it
	dosh --host kvm: -c "!sh -c 'echo \$\$ > $HOSTDIR/sleeper.pid; exec sleep 1000'" &
	sleep 1
	exit $failed
fi
for url in kvm: "$TCP_URL"; do
	guest_check -k /key -d "$HOSTDIR" "$url" || failed=$((failed + 1))
	integration "$url"
	host_scripts "$url"
done
hostfs_semantics
hostfs_programs
hostfs_pipes
if ! dosh --host kvm: -c "!touch '$HOSTDIR/booted-once'"; then
	echo "FAIL the host directory $HOSTDIR cannot be written: no reboot"
	exit 1
fi
dosh --host kvm: -c "!sh -c 'echo \$\$ > $HOSTDIR/sleeper.pid; exec sleep 1000'" &
sleep 1
touch /tmp/reboot
echo "rebooting with a session open"
exit $failed
