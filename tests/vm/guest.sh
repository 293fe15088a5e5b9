#!/bin/sh
# guest.sh: inside the VM: guest_check, the API's integration tests and the dosh host scripts
# over kvm: and tcp:, a reboot that must not trouble hostcalld, and a session left running
# for the power-off (check);
# or the benchmarks (bench).
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
	for t in test_session test_proc test_stream test_race; do
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
	exit $failed
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
if ! dosh --host kvm: -c "!touch '$HOSTDIR/booted-once'"; then
	echo "FAIL the host directory $HOSTDIR cannot be written: no reboot"
	exit 1
fi
dosh --host kvm: -c "!sh -c 'echo \$\$ > $HOSTDIR/sleeper.pid; exec sleep 1000'" &
sleep 1
touch /tmp/reboot
echo "rebooting with a session open"
exit $failed
