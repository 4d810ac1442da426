#!/usr/bin/env bash
# Runs every test against one or more build folders and ends with the line
# "N passed, N failed". Each test reports in TAP ("ok ..." / "not ok ...");
# unit tests are cmocka executables, end-to-end tests are tests/e2e/*.sh,
# fuzz corpora replay through build/fuzz/replay_*.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
failed_names=()

count() { # name, output file
	local p f
	p=$(grep -cE '^ok ' "$2" || true)
	f=$(grep -cE '^not ok ' "$2" || true)
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		failed_names+=("$1")
		grep -E '^not ok |^# (ERROR|FAIL|Failure)|error:' "$2" | head -20 | sed 's/^/    /'
	fi
}

run_one() { # label, name, command...
	local label=$1 name=$2
	shift 2
	local out
	out=$(mktemp)
	if ! timeout 600 "$@" >"$out" 2>&1; then
		# A crash or a non-zero exit with no "not ok" line is still a failure.
		if ! grep -qE '^not ok ' "$out"; then
			echo "not ok - $name exited with failure" >>"$out"
			tail -20 "$out" | sed 's/^/    /'
		fi
	fi
	count "$label/$name" "$out"
	rm -f "$out"
}

for build in "$@"; do
	label=$(basename "$build")
	echo "== $label"
	export CMOCKA_MESSAGE_OUTPUT=TAP
	export SEKISHO="$build/sekisho"
	for t in "$build"/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		run_one "$label" "$(basename "$t")" "$t"
	done
	for t in "$root"/tests/e2e/*.sh; do
		[ -f "$t" ] || continue
		run_one "$label" "$(basename "$t")" bash "$t" "$build"
	done
	for r in "$build"/fuzz/replay_*; do
		[ -f "$r" ] && [ -x "$r" ] || continue
		name=${r##*/replay_}
		run_one "$label" "fuzz-replay-$name" "$r" "$root/fuzz/corpus/$name"
	done
	echo "   running total: $pass passed, $fail failed"
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed in: ${failed_names[*]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
