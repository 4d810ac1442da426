#!/usr/bin/env bash
# What each rule of a web ACL costs a request: the instructions per request (callgrind, parse +
# evaluate) of the ACL, less those of the same ACL without that rule, over the first N requests
# of a corpus. A rule's cost is what it alone makes the engine do: the transformations, scans
# and detector runs no other rule shares with it, and its own evaluation. Rules that share a
# lane look cheap one by one; their lane's cost shows when all of them go.
# usage: bench/rule_costs.sh BUILD_DIR ACL RESOURCES_DIR|- [CORPUS] [N]
set -euo pipefail
build=$(cd "${1:?usage: bench/rule_costs.sh BUILD_DIR ACL RESOURCES_DIR|- [CORPUS] [N]}" && pwd)
acl=${2:?ACL}
res=${3:?RESOURCES_DIR or -}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${4:-$here/../../shared/corpus/benign-dev.jsonl}
n=${5:-2000}
. "$here/lib/nginx.sh"
bench_install rule_costs valgrind

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n "$n" "$corpus" >"$work/requests.jsonl"
python3 - "$acl" "$work" <<'EOF'
import json, sys
acl_file, work = sys.argv[1], sys.argv[2]
doc = json.load(open(acl_file))
acl = doc["WebACL"] if "WebACL" in doc else doc
rules = acl["Rules"]
with open(work + "/names", "w") as names:
    for i, rule in enumerate(rules):
        names.write(rule["Name"] + "\n")
        acl["Rules"] = rules[:i] + rules[i + 1:]
        json.dump(doc, open("%s/without-%04d.json" % (work, i), "w"))
EOF

count() { # acl -> instructions over the requests
	valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
		--toggle-collect=sk_evaluate --toggle-collect=sk_http_parse_request \
		"$build/bench/bench_engine" "$1" "$res" "$work/requests.jsonl" x1 2>&1 |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -1
}

reqs=$(wc -l <"$work/requests.jsonl")
[ "$reqs" -gt 0 ] || { echo "rule_costs: no requests in $corpus" >&2; exit 1; }
all=$(count "$acl")
[ -n "$all" ] || { echo "rule_costs: bench_engine gave no count for $acl" >&2; exit 1; }
jobs=$(nproc)
for f in "$work"/without-*.json; do
	(echo "$(basename "$f" .json) $(count "$f")" >"$f.count") &
	while [ "$(jobs -r | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait
echo "== $acl: $((all / reqs)) instructions a request over $reqs requests; each rule's share"
i=0
while read -r name; do
	without=$(cut -s -d' ' -f2 "$work/without-$(printf %04d "$i").json.count")
	if [ -n "$without" ]; then
		printf '%8d  %s\n' $(((all - without) / reqs)) "$name"
	else
		printf '%8s  %s (no count: bench_engine failed without it)\n' '?' "$name"
	fi
	i=$((i + 1))
done <"$work/names" | sort -rn
