#!/usr/bin/env bash
# Golden end-to-end cases: each folder of tests/e2e/golden holds acl.json,
# an optional resources/ folder, requests.jsonl and/or requests/*.http, and
# the expected output of `sekisho check` in text (expected.txt) and as AWS
# WAF log records (expected.jsonl), plus the expected exit code (exit).
# Set GOLDEN_UPDATE=1 to rewrite the expected files (then review the diff).
set -uo pipefail
build=${1:?build folder}
sk=$(cd "$build" && pwd)/sekisho
root=$(cd "$(dirname "$0")" && pwd)
n=0
for dir in "$root"/golden/*/; do
	name=$(basename "$dir")
	cd "$dir" || exit 1
	args=(--acl acl.json --now 1700000000000)
	[ -d resources ] && args+=(--resources resources)
	inputs=()
	[ -d requests ] && inputs+=(requests/*.http)
	[ -f requests.jsonl ] && inputs+=(--jsonl requests.jsonl)
	for fmt in text json; do
		want=expected.txt
		[ $fmt = json ] && want=expected.jsonl
		got=$(mktemp)
		"$sk" check "${args[@]}" --format $fmt "${inputs[@]}" >"$got" 2>/dev/null
		rc=$?
		if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
			cp "$got" "$want"
			echo "$rc" >exit
		fi
		n=$((n + 1))
		if diff -u "$want" "$got" >/dev/null && [ "$rc" = "$(cat exit)" ]; then
			echo "ok $n - golden $name ($fmt)"
		else
			echo "not ok $n - golden $name ($fmt): exit $rc (want $(cat exit))"
			diff -u "$want" "$got" | head -20 | sed 's/^/# /'
		fi
		rm -f "$got"
	done
done
