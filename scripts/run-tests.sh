#!/bin/sh
# run-tests.sh: run test binaries one by one with a time limit; print a summary line.
# Each binary gets HOSTCALLD (the daemon built alongside it) in its environment. An argument
# may be a whole command ("env HC_TEST_TRANSPORT=ivshmem BIN"): it is split on blanks.
set -u
: "${B:=build}"
HOSTCALLD="${HOSTCALLD:-$B/bin/hostcalld}"
export HOSTCALLD
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
passed=0
failed=0
failures=""
for t in "$@"; do
	echo "=== $t"
	# shellcheck disable=SC2086 # a command with its words
	if timeout 600 $t; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $t"
	fi
done
echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
