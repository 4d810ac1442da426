#!/usr/bin/env bash
# make bench: the engine, detection and proxy benchmarks (see docs/benchmarks.md for figures).
# usage: bench/run.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:-build}
secs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/../shared/corpus/benign-dev.jsonl
if [ ! -f "$corpus" ]; then
	echo "bench: $corpus not found (the shared corpora sit beside the project)" >&2
	exit 1
fi
echo "== engine: 100 custom rules mixing every statement type, one core"
"$build/bench/bench_engine" "$root/bench/acl100/acl.json" "$root/bench/acl100/resources" "$corpus" "$secs"
echo
echo "== engine: the built-in default web ACL, one core"
"$build/sekisho" acl default >"$build/default-acl.json"
"$build/bench/bench_engine" "$build/default-acl.json" - "$corpus" "$secs"
echo
echo "== engine: instructions per request (callgrind), steady on a shared machine"
bash "$root/bench/instructions.sh" "$build"
echo
echo "== sekisho check --jsonl on 104,000 requests (the corpus 13 times), JSON log records out"
tmp=$(mktemp)
for _ in $(seq 13); do cat "$corpus"; done >"$tmp"
start=$(date +%s.%N)
"$build/sekisho" check --format json --jsonl "$tmp" >/dev/null
end=$(date +%s.%N)
echo "104000 requests in $(echo "$end - $start" | bc) s"
rm -f "$tmp"
echo
echo "== detection: the corpora through sekisho and through nginx + ModSecurity + OWASP CRS"
bash "$root/bench/detect/run.sh" "$build"
echo
echo "== proxy: wrk through nginx, nginx + ModSecurity + CRS and sekisho serve, one worker each"
bash "$root/bench/proxy/run.sh" "$build"
echo
echo "== event store: 5,000 blocked requests a second for 60 s, with and without the store"
bash "$root/bench/events/run.sh" "$build" 5000 60
