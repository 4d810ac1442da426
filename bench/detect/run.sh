#!/usr/bin/env bash
# Detection benchmark: the shared corpora through sekisho (the built-in default web ACL
# unless DETECT_ACL is set) and through the anchor (nginx + ModSecurity + OWASP CRS, PL1),
# per file and category, with true- and false-positive rates side by side.
#
# usage: bench/detect/run.sh BUILD_DIR [--no-anchor]
# env:   DETECT_CORPUS         corpus folder (default: ../shared/corpus beside the project)
#        DETECT_ACL            web ACL JSON for sekisho (default: built-in default ACL)
#        DETECT_ANCHOR=0       same as --no-anchor
#        DETECT_ANCHOR_BUDGET  seconds the anchor may take before it is sampled (default 600)
#        DETECT_ANCHOR_CONNS   connections to the anchor (default 2)
#        DETECT_ANCHOR_SAMPLE  send the anchor only this many requests (seeded sample)
# Writes: BUILD_DIR/detect/ (generated requests, cached; answers) and
#         BUILD_DIR/detect-results.json.
set -euo pipefail

build=${1:?usage: bench/detect/run.sh BUILD_DIR [--no-anchor]}
anchor=${DETECT_ANCHOR:-1}
[ "${2:-}" = "--no-anchor" ] && anchor=0
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$build" && pwd)
corpus=${DETECT_CORPUS:-$root/../shared/corpus}
out=$build/detect

if [ ! -x "$build/sekisho" ]; then
	echo "detect: $build/sekisho not found; build first (make)" >&2
	exit 1
fi
if [ ! -d "$corpus" ]; then
	echo "detect: corpus folder $corpus not found: the shared corpora sit beside the project" >&2
	echo "        (../shared/corpus), or set DETECT_CORPUS; skipping the detection benchmark" >&2
	exit 0
fi

# Debian's python3 with python3-yaml (the YAML test cases need it).
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 || true)
if [ -z "$py" ] || ! "$py" -c 'import yaml' 2>/dev/null; then
	echo "detect: needs python3 with python3-yaml: apt-get install -y python3 python3-yaml" >&2
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "detect: installing python3 python3-yaml" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-yaml >&2 ||
			{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y --no-install-recommends python3 python3-yaml >&2; }
		py=/usr/bin/python3
	else
		exit 1
	fi
fi
export DETECT_PYTHON=$py

now() { date +%s.%N; }
secs() { "$py" -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
mkdir -p "$out"

# 1. Requests, cached under BUILD_DIR/detect and rebuilt when the generator or a corpus
#    file changes.
t0=$(now)
fp=$( { sha256sum "$here/corpus.py"; cd "$corpus" && find . -type f -printf '%p %s %T@\n' | LC_ALL=C sort; } |
	sha256sum | cut -d' ' -f1)
if [ ! -f "$out/requests.jsonl" ] || [ "$(cat "$out/fingerprint" 2>/dev/null)" != "$fp" ]; then
	"$py" "$here/corpus.py" "$corpus" "$out"
	echo "$fp" >"$out/fingerprint"
else
	echo "detect: cached requests in $out/requests.jsonl ($(wc -l <"$out/requests.jsonl") lines)" >&2
fi
t1=$(now)

# 2. sekisho
acl_args=()
[ -n "${DETECT_ACL:-}" ] && acl_args=(--acl "$DETECT_ACL")
rc=0
"$build/sekisho" check --format json ${acl_args[@]+"${acl_args[@]}"} --jsonl "$out/requests.jsonl" \
	>"$out/sekisho.jsonl" 2>"$out/sekisho.stderr" || rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
	echo "detect: sekisho check failed ($rc):" >&2
	head -5 "$out/sekisho.stderr" >&2
	exit 1
fi
[ $rc -eq 2 ] && echo "detect: sekisho refused some lines (see $out/sekisho.stderr)" >&2
t2=$(now)

# 3. the anchor
rm -f "$out/anchor.json" "$out/anchor-info.json"
if [ "$anchor" != 0 ]; then
	arc=0
	bash "$here/anchor.sh" "$build" "$out/requests.jsonl" "$out/index.jsonl" "$out/anchor.json" || arc=$?
	if [ $arc -ne 0 ]; then
		echo "detect: the anchor did not run ($arc); reporting sekisho alone" >&2
		rm -f "$out/anchor.json"
	fi
fi
t3=$(now)

anchor_secs=null
[ "$anchor" != 0 ] && anchor_secs=$(secs "$t2" "$t3")
printf '{"generate": %s, "sekisho": %s, "anchor": %s}\n' \
	"$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$anchor_secs" >"$out/timings.json"

# 4. the tables
"$py" "$here/report.py" "$out" "$build/detect-results.json"
