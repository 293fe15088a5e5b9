#!/bin/sh
# run.sh: hcgen's tests: compile errors, generated code under the warnings and sanitizers, the
# interface hash, the loopback and hostile-block tests, and a short fuzz of each validator.
#   tests/hcgen/run.sh                 the sanitised build in build/san (made first)
#   B=build tests/hcgen/run.sh         the plain build
#   HCGEN_FUZZ_SECONDS=0               skip the fuzzing
set -u
cd "$(dirname "$0")/../.."
B="${B:-build/san}"
SAN=""
[ "$B" = build/san ] && SAN="SAN=1"
FUZZ_SECONDS="${HCGEN_FUZZ_SECONDS:-5}"
HCGEN="$B/bin/hcgen"
GEN="$B/gen/hcgen"
WARN="-Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes -Wold-style-definition
-Wundef -Wwrite-strings -Wsign-compare -Wimplicit-fallthrough -Werror"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

result() {   # name, status
	if [ "$2" -eq 0 ]; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

# shellcheck disable=SC2086 # $SAN is one word or none
make --no-print-directory -s B="$B" $SAN hcgen >"$work/make.log" 2>&1
r=$?
result "make B=$B hcgen" $r
[ $r -eq 0 ] || { cat "$work/make.log"; exit 1; }

# ---- compile errors: FILE:LINE: message on stderr, exit 1, nothing written ----
for hci in tests/hcgen/bad/*.hci; do
	name=$(basename "$hci" .hci)
	rm -rf "$work/out" && mkdir "$work/out"
	"$HCGEN" -o "$work/out" "$hci" 2>"$work/err"
	st=$?
	ok=0
	[ $st -eq 1 ] || ok=1
	cmp -s "$work/err" "${hci%.hci}.err" || ok=1
	[ -z "$(ls -A "$work/out")" ] || ok=1
	result "bad/$name: $(head -1 "${hci%.hci}.err" | cut -d: -f2-)" $ok
	[ $ok -eq 0 ] || { echo "  exit $st, stderr:"; sed 's/^/    /' "$work/err"; }
done

# ---- the generated code compiles cleanly: both compilers, -O0 and -O2, ASan+UBSan ----
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	for c in "$GEN"/*_guest.c "$GEN"/*_host.c; do
		ok=0
		for o in -O0 -O2; do
			# shellcheck disable=SC2086
			$cc -std=c11 -D_GNU_SOURCE $o -fPIC -Iinclude -Ihcgen -I"$GEN" $WARN \
				-fsanitize=address,undefined -c -o "$work/x.o" "$c" 2>>"$work/cc.log" || ok=1
		done
		result "$cc compiles $(basename "$c") (-O0, -O2, warnings, sanitizers)" $ok
	done
done

# ---- the interface hash: comments and layout do not change it, a declaration does ----
hash_of() {   # hci -> the HASH macro's bytes
	rm -rf "$work/h" && mkdir "$work/h" && "$HCGEN" -o "$work/h" "$1" &&
		sed -n '/_HASH {/,/}/p' "$work/h"/*_guest.h | tr -d ' \t\n\\'
}
sed -e 's|//.*||' -e 's|/\*.*\*/||' hcgen/examples/zlib.hci | tr -s ' \t\n' ' ' >"$work/zlib.hci"
h1=$(hash_of hcgen/examples/zlib.hci)
h2=$(hash_of "$work/zlib.hci")
result "hash: the same without comments and line breaks" "$([ -n "$h1" ] && [ "$h1" = "$h2" ]; echo $?)"
sed 's/max=1M] uint8 \*source/max=512K] uint8 *source/' "$work/zlib.hci" >"$work/zlib2.hci"
h3=$(hash_of "$work/zlib2.hci")
result "hash: another max= changes it" "$([ -n "$h3" ] && [ "$h1" != "$h3" ]; echo $?)"
sed 's/module zlib 1;/module zlib 2;/' "$work/zlib.hci" >"$work/zlib3.hci"
h4=$(hash_of "$work/zlib3.hci")
result "hash: another version changes it" "$([ -n "$h4" ] && [ "$h1" != "$h4" ]; echo $?)"
h5=$(hash_of tests/hcgen/good/arrays.hci)
sed 's/\[in\] uint8 key\[32\]/[in, count=32] uint8 *key/' tests/hcgen/good/arrays.hci >"$work/arrays.hci"
h6=$(hash_of "$work/arrays.hci")
result "hash: a fixed array differs from a count=N pointer" "$([ -n "$h5" ] && [ -n "$h6" ] && [ "$h5" != "$h6" ]; echo $?)"

# ---- the modules load as the shadow loads them: dlopen, hcg_module, ABI, bind ----
for so in "$B"/lib/hostcall/modules/*.so; do
	"$B/tests/hcgen/load_module" "$so" "$(basename "$so" .so)" >"$work/load.log" 2>&1
	r=$?
	result "$(basename "$so") loads and binds: $(cat "$work/load.log")" $r
done

# ---- loopback stubs against local libraries; hostile blocks against the validators ----
for t in "$B"/tests/hcgen/test_*; do
	case "$t" in *.o|*.d) continue ;; esac
	mkdir -p "$work/corpus/${t##*test_}"
	HCGEN_CORPUS="$work/corpus/${t##*test_}" "$t" >"$work/t.log" 2>&1
	r=$?
	result "$(basename "$t"): $(grep -c '^\[       OK' "$work/t.log") cases" $r
	[ $r -eq 0 ] || sed 's/^/    /' "$work/t.log"
done

# ---- a short fuzz of each module's validators (libFuzzer, clang) ----
if [ "$FUZZ_SECONDS" -gt 0 ] && command -v clang >/dev/null; then
	make --no-print-directory -s B="$B" hcgen-fuzz >"$work/fuzz.log" 2>&1
	result "make hcgen-fuzz" $?
	for f in build/fuzz/hcgen_*; do
		seeds="$work/corpus/${f##*hcgen_}"
		mkdir -p "$seeds"
		n=$(ls "$seeds" | wc -l)
		"$f" -max_total_time="$FUZZ_SECONDS" -max_len=70000 "$seeds" >"$work/fuzz.log" 2>&1
		r=$?
		result "$(basename "$f"): no crash in $FUZZ_SECONDS s, from $n valid blocks" $r
		[ $r -eq 0 ] || tail -20 "$work/fuzz.log"
	done
fi

echo
echo "hcgen: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
