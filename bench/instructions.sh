#!/usr/bin/env bash
# Instructions per request of the engine, counted by callgrind: a figure that does not
# move with the load of a shared machine, unlike the wall-clock benchmarks beside it.
# It counts sk_http_parse_request and sk_evaluate only (what a request costs the engine),
# for four sets of requests:
#   - benign-dev.jsonl through the 100-rule ACL of bench/acl100,
#   - benign-dev.jsonl through the built-in default web ACL,
#   - the largest 1% of benign-dev.jsonl by body (the requests behind the p99 latency),
#   - the eight browser GETs of the proxy benchmark (bench/proxy/requests.lua).
# usage: bench/instructions.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: bench/instructions.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/../../shared/corpus/benign-dev.jsonl
[ -f "$corpus" ] || { echo "instructions: $corpus not found" >&2; exit 1; }
. "$here/lib/nginx.sh"
bench_install instructions valgrind

work=$build/instructions
mkdir -p "$work"
"$build/sekisho" acl default >"$work/default-acl.json"

python3 - "$corpus" "$work" <<'EOF'
import json, sys
corpus, work = sys.argv[1], sys.argv[2]
rows = [l for l in open(corpus) if l.strip()]
rows.sort(key=lambda l: -len(json.loads(l).get("body") or ""))
with open(work + "/largest.jsonl", "w") as f:
    f.writelines(rows[:max(1, len(rows) // 100)])
# The requests of bench/proxy/requests.lua, as JSON lines.
host = "shop.example.com"
paths = ["/", "/products?category=shoes&sort=price_asc&page=2",
         "/search?q=trail+running+shoes&ref=nav", "/static/css/main.3f2a9c.css",
         "/api/v1/cart?currency=EUR&include=items",
         "/blog/2026/11/how-we-ship-faster?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
         "/account/orders?status=shipped&page=1", "/images/hero-banner.webp?w=1200&q=80"]
headers = [["Host", host],
           ["User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                          "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"],
           ["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                      "image/webp,*/*;q=0.8"],
           ["Accept-Language", "en-GB,en;q=0.9,fr;q=0.8"], ["Accept-Encoding", "gzip, deflate, br"],
           ["Referer", "https://%s/" % host],
           ["Cookie", "session=8f3b2c1d9e7a4f60b5c3d2e1f0a9b8c7; _ga=GA1.2.1234567890.1733300000; "
                      "_gid=GA1.2.987654321.1733300000; cart=3; theme=dark"],
           ["Sec-Fetch-Mode", "navigate"], ["Upgrade-Insecure-Requests", "1"]]
with open(work + "/browser.jsonl", "w") as f:
    for i in range(125):
        for p in paths:
            f.write(json.dumps({"method": "GET", "path": p, "headers": headers,
                                "client_ip": "10.0.%d.%d" % (i // 200, i % 200 + 1)}) + "\n")
EOF

count() { # label acl resources requests
	local out n reqs
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
		--toggle-collect=sk_evaluate --toggle-collect=sk_http_parse_request \
		"$build/bench/bench_engine" "$2" "$3" "$4" x1 2>&1)
	n=$(echo "$out" | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -1)
	reqs=$(echo "$out" | sed -n 's/^requests *\([0-9]*\) distinct.*/\1/p')
	[ -n "$n" ] && [ -n "$reqs" ] || { echo "instructions: no count for $1:" >&2; echo "$out" | tail -5 >&2; exit 1; }
	printf '%-44s %8d requests %10d instructions/request\n' "$1" "$reqs" $((n / reqs))
}

echo "== instructions per request (callgrind; parse + evaluate)"
count "100-rule ACL, benign-dev.jsonl" "$here/acl100/acl.json" "$here/acl100/resources" "$corpus"
count "default ACL, benign-dev.jsonl" "$work/default-acl.json" - "$corpus"
count "default ACL, largest 1% of benign-dev" "$work/default-acl.json" - "$work/largest.jsonl"
count "default ACL, browser GETs of bench/proxy" "$work/default-acl.json" - "$work/browser.jsonl"
