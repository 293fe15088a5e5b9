#!/bin/sh
# run.sh: dosh script tests: guest scripts against dash (same output, same status),
# host scripts against their expected output with a live hostcalld started here by PID,
# once over tcp: and once over a shared-memory channel (ivshmem:, as a VM's kvm: is served).
set -u
cd "$(dirname "$0")/../.."
DOSH="${DOSH:-build/bin/dosh}"
HOSTCALLD="${HOSTCALLD:-build/bin/hostcalld}"
REF="${REF_SHELL:-dash}"
work=$(mktemp -d)
passed=0
failed=0

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	[ -n "${2:-}" ] && diff -u "$2" "$3" | head -40
}

# ---- guest scripts: dosh must print and exit as dash does ----
if ! command -v "$REF" >/dev/null; then
	echo "run.sh: $REF is missing: scripts/deps.sh installs it" >&2
	exit 1
fi
for t in tests/dosh/guest/*.sh; do
	name=$(basename "$t" .sh)
	(cd "$work" && "$REF" "$OLDPWD/$t" > "$work/$name.ref" 2>/dev/null; echo "exit $?" >> "$work/$name.ref")
	(cd "$work" && timeout 60 "$OLDPWD/$DOSH" "$OLDPWD/$t" > "$work/$name.out" 2>"$work/$name.err"; echo "exit $?" >> "$work/$name.out")
	if cmp -s "$work/$name.ref" "$work/$name.out" && ! grep -q 'Sanitizer\|runtime error' "$work/$name.err"; then
		passed=$((passed + 1))
		echo "ok   guest/$name"
	else
		fail "guest/$name (dash vs dosh)" "$work/$name.ref" "$work/$name.out"
		cat "$work/$name.err" | head -20
	fi
done

# ---- host scripts: expected output, against a real hostcalld ----
"$HOSTCALLD" --listen tcp://127.0.0.1:0 --key "$work/key" --address-file "$work/addr" \
	--kvm "$work/kvm.sock" 2>"$work/hostcalld.log" &
daemon=$!
i=0
while [ ! -s "$work/addr" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
DOSH_KEY="$work/key"
HOSTDIR="$work/hostdir"
DOSH_ABS="$PWD/$DOSH"
export DOSH_KEY HOSTDIR DOSH_ABS
for DOSH_HOST in "$(head -1 "$work/addr")" "ivshmem:$work/kvm.sock"; do
	export DOSH_HOST
	rm -rf "$HOSTDIR"
	mkdir -p "$HOSTDIR"
	for t in tests/dosh/host/*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		label="host/$name (${DOSH_HOST%%:*})"
		expected="tests/dosh/host/$name.out"
		(cd "$HOSTDIR" && timeout 120 "$OLDPWD/$DOSH" "$OLDPWD/$t" 2>&1; echo "exit $?") |
			sed -e "s|$HOSTDIR|HOSTDIR|g" -e "s|$PWD/tests/dosh/host/||g" \
			    -e "s|$DOSH_HOST|HOSTURL|g" > "$work/$name.host"
		if cmp -s "$expected" "$work/$name.host"; then
			passed=$((passed + 1))
			echo "ok   $label"
		else
			fail "$label" "$expected" "$work/$name.host"
			if grep -q '^exit 124$' "$work/$name.host"; then   # timed out: what the host saw
				echo "  the last of hostcalld's log:"
				tail -15 "$work/hostcalld.log" | sed 's/^/  /'
			fi
		fi
	done
done
kill -TERM "$daemon"
wait "$daemon"
status=$?
if [ $status -ne 0 ] || grep -q 'Sanitizer\|runtime error' "$work/hostcalld.log"; then
	fail "hostcalld exited $status or reported a sanitizer error"
	tail -30 "$work/hostcalld.log"
fi
rm -rf "$work"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
