#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, growing its corpus in place.
# usage: fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/fuzz/artifacts"
for t in "$build"/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/fuzz_}
	echo "== fuzz $name for ${secs}s"
	dict=()
	[ -f "$root/fuzz/$name.dict" ] && dict=(-dict="$root/fuzz/$name.dict")
	ASAN_OPTIONS=detect_leaks=1 "$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$root/fuzz/artifacts/" "${dict[@]}" \
		"$root/fuzz/corpus/$name" 2>&1 | grep -E '^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|crash' | tail -5
done
