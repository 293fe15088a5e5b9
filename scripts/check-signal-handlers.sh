#!/bin/sh
# check-signal-handlers.sh: every signal handler in FILES calls only async-signal-safe functions
# and writes only volatile sig_atomic_t variables. Prints each handler; fails on any other call.
set -u
# POSIX.1-2017's async-signal-safe functions that a handler here might want (signal-safety(7))
safe=" _exit abort accept alarm close dup dup2 fcntl getpid getppid kill open poll raise read \
recv send sigaction sigaddset sigdelset sigemptyset sigfillset sigismember signal sigprocmask \
tcgetpgrp tcsetpgrp waitpid write "
keywords=" if for while switch return sizeof "
handlers=0
bad=0
for f in "$@"; do
	names=$({ grep -o 'sa_\(handler\|sigaction\) *= *[A-Za-z_][A-Za-z0-9_]* *[;,}]' "$f" |
			sed 's/.*= *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/'
		grep -o '[^a-z_]signal(SIG[A-Z0-9]*, *[A-Za-z_][A-Za-z0-9_]*)' "$f" |
			sed 's/.*, *\([A-Za-z_][A-Za-z0-9_]*\))/\1/'; } | grep -v '^SIG_' | sort -u)
	for h in $names; do
		body=$(awk -v h="$h" '
			$0 ~ "^static void " h "\\(" { on = 1; next }
			on && /^}/ { exit }
			on { print }' "$f")
		if [ -z "$body" ]; then
			echo "$f: $h: handler not defined here" >&2
			bad=$((bad + 1))
			continue
		fi
		handlers=$((handlers + 1))
		before=$bad
		calls=$(printf '%s\n' "$body" | grep -o '[A-Za-z_][A-Za-z0-9_]* *(' | tr -d ' (' | sort -u)
		for c in $calls; do
			case "$keywords$safe" in
			*" $c "*) ;;
			*) echo "$f: $h calls $c, which is not async-signal-safe" >&2; bad=$((bad + 1)) ;;
			esac
		done
		# the variable of each assignment (=, +=, |= ...) or increment (x++, ++x) in the body
		written=$(printf '%s\n' "$body" |
			sed -n -e 's/^[[:space:]]*\(++\|--\)\([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' \
				-e 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)\(\[[^]]*\]\)\{0,1\} *\([-+*\/|&^]\{0,1\}=[^=]\|++\|--\).*/\1/p' |
			sort -u)
		for v in $written; do
			if ! grep -q "volatile sig_atomic_t $v\b" "$f"; then
				echo "$f: $h writes $v, which is not volatile sig_atomic_t" >&2
				bad=$((bad + 1))
			fi
		done
		[ "$bad" -eq "$before" ] && echo "$f: $h: calls only async-signal-safe functions"
	done
done
echo "$handlers signal handlers checked, $bad problems"
if [ -n "${HC_TRUST_FILE:-}" ]; then
	result=pass
	[ "$bad" -eq 0 ] || result=FAIL
	printf 'signal handlers: only async-signal-safe calls (scripts/check-signal-handlers.sh)\t%s handlers, %s problems\t0 problems\t%s\n' \
		"$handlers" "$bad" "$result" >> "$HC_TRUST_FILE"
fi
[ "$bad" -eq 0 ]
