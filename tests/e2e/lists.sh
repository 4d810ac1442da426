#!/usr/bin/env bash
# sekisho lists update against a real HTTP server on loopback: a good list
# is installed; a 404, an empty or a malformed download keeps the old list;
# the reputation group then blocks an address from the list.
set -uo pipefail
build=${1:?build folder}
sk=$(cd "$build" && pwd)/sekisho
tmp=$(mktemp -d)
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

mkdir -p "$tmp/www" "$tmp/lists"
printf '# reputation\n203.0.113.0/24 ; spam\n198.51.100.7\n2001:db8::/32\n' >"$tmp/www/good.txt"
printf '203.0.113.0/24\nthis is an error page\n' >"$tmp/www/bad.txt"
: >"$tmp/www/empty.txt"
# The server binds a port the system picks and writes it down: a port chosen
# at random here could be taken (the ephemeral range is in use by tests).
python3 - "$tmp/www" "$tmp/port" <<'PY' >/dev/null 2>&1 &
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
PY
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	[ -s "$tmp/port" ] && break
	sleep 0.1
done
port=$(cat "$tmp/port" 2>/dev/null || echo 1)

cat >"$tmp/good.yaml" <<YAML
lists:
  dir: $tmp/lists
  sources:
    ip-reputation: http://127.0.0.1:$port/good.txt
YAML
out=$("$sk" lists update --config "$tmp/good.yaml" 2>&1)
rc=$?
check "a good list is installed" '[ $rc -eq 0 ] && grep -q "ip-reputation: 3 address ranges" <<<"$out" && [ -f "$tmp/lists/ip-reputation.txt" ]'
before=$(cat "$tmp/lists/ip-reputation.txt")

for case in missing bad empty; do
	cat >"$tmp/$case.yaml" <<YAML
lists:
  dir: $tmp/lists
  sources:
    ip-reputation: http://127.0.0.1:$port/$case.txt
YAML
	out=$("$sk" lists update --config "$tmp/$case.yaml" 2>&1)
	rc=$?
	check "a $case download exits 2 and keeps the old list" '[ $rc -eq 2 ] && grep -q "the old list stays" <<<"$out" && [ "$(cat "$tmp/lists/ip-reputation.txt")" = "$before" ]'
done
check "no temporary files are left behind" '[ -z "$(ls -A "$tmp/lists" | grep -v "^ip-reputation.txt$")" ]'

printf 'GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: Mozilla/5.0\r\n\r\n' >"$tmp/r.http"
out=$("$sk" check --lists "$tmp/lists" --client-ip 203.0.113.50 "$tmp/r.http" 2>/dev/null)
check "an address on the list is blocked by the reputation group" 'grep -q "BLOCK .*AWSManagedIPReputationList" <<<"$out"'
out=$("$sk" check --lists "$tmp/lists" --client-ip 192.0.2.1 "$tmp/r.http" 2>/dev/null)
check "other addresses pass" 'grep -q "ALLOW" <<<"$out"'
out=$("$sk" check --lists "$tmp/lists" "$tmp/r.http" 2>&1 >/dev/null)
check "missing lists load empty, named in one warning" 'grep -q "IP lists not found in .*reconnaissance, ddos" <<<"$out"'
printf 'lists: [1, 2]\n' >"$tmp/broken.yaml"
out=$("$sk" lists update --config "$tmp/broken.yaml" 2>&1)
check "a malformed config names the key" 'grep -q "broken.yaml: lists: expected a mapping" <<<"$out"'
printf 'lists:\n  sources: {a: 1\n' >"$tmp/syntax.yaml"
out=$("$sk" lists update --config "$tmp/syntax.yaml" 2>&1)
check "a YAML syntax error names the line" 'grep -qE "syntax.yaml:[0-9]+:[0-9]+:" <<<"$out"'
