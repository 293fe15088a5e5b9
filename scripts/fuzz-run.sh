#!/bin/sh
# fuzz-run.sh: one libFuzzer target: replay its kept crashes, fuzz it for N seconds, keep what it finds.
#   FUZZ_OPTS='-max_len=…' scripts/fuzz-run.sh TARGET SECONDS [MORE SEED DIRS…]
# Prints one line, "TARGET: no crash in N s (R runs)", or what crashed (the rest: build/fuzz/TARGET.log);
# exits non-zero on a crash.
set -u
t=$1 secs=$2
shift 2
bin=build/fuzz/$t
work=build/fuzz/corpus/$t
artifacts=build/fuzz/artifacts/$t
kept=tests/fuzz/crashes/$t
log=build/fuzz/$t.log
opts=${FUZZ_OPTS:-}

mkdir -p "$work" "$artifacts"
rm -f "$artifacts"/*

# The sanitizer's or libFuzzer's first words on what went wrong in log $1.
why() {
	grep -m1 -A12 'runtime error\|ERROR:\|deadly signal' "$1"
}

# shellcheck disable=SC2086  # opts is a list of options
replay() {
	ls "$kept"/* >/dev/null 2>&1 || return 0
	if ! "$bin" $opts "$kept"/* > build/fuzz/$t.replay.log 2>&1; then
		echo "$t: a kept crash ($kept) crashes again: build/fuzz/$t.replay.log"
		why build/fuzz/$t.replay.log
		return 1
	fi
}

# Copy what libFuzzer left (crash-, leak-, timeout-, oom-) to the kept crashes, to be replayed.
keep() {
	mkdir -p "$kept"
	for f in "$artifacts"/*; do
		[ -f "$f" ] && cp "$f" "$kept/" && echo "$t: kept $kept/${f##*/}"
	done
}

replay || exit 1
seeds=""
[ -d tests/fuzz/corpus/$t ] && seeds=tests/fuzz/corpus/$t
# shellcheck disable=SC2086
"$bin" $opts -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$artifacts/" \
	"$work" $seeds "$@" > "$log" 2>&1
r=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
if [ $r -eq 0 ]; then
	echo "$t: no crash in $secs s (${runs:-?} runs)"
	exit 0
fi
echo "$t: CRASH (exit $r) after ${runs:-?} runs: $log"
why "$log"
keep
exit 1
