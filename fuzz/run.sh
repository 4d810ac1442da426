#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS. New inputs go to a working corpus
# under BUILD_DIR/corpus/<name> (libFuzzer writes to its first folder); the
# committed seeds in fuzz/corpus/<name> are read, never grown. Copy an input
# worth keeping into fuzz/corpus by hand.
# usage: fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/fuzz/artifacts"
for t in "$build"/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/fuzz_}
	mkdir -p "$build/corpus/$name"
	echo "== fuzz $name for ${secs}s"
	dict=()
	[ -f "$root/fuzz/$name.dict" ] && dict=(-dict="$root/fuzz/$name.dict")
	ASAN_OPTIONS=detect_leaks=1 "$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$root/fuzz/artifacts/" "${dict[@]}" \
		"$build/corpus/$name" "$root/fuzz/corpus/$name" 2>&1 | grep -E '^#[0-9]+.*(DONE|pulse)|ERROR|SUMMARY|crash' | tail -5
done
