#!/usr/bin/env bash
# The command line: exit codes, help, and one clear message for each kind
# of bad input (file, JSON path or line, and what was expected).
set -uo pipefail
build=${1:?build folder}
sk=$(cd "$build" && pwd)/sekisho
here=$(cd "$(dirname "$0")" && pwd)
bad=$here/bad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

# expect NAME WANT_EXIT PATTERN -- command...: runs it, checks the exit code
# and that stdout+stderr match the extended regex PATTERN.
expect() {
	local name=$1 want=$2 pat=$3
	shift 4
	local out rc
	out=$(timeout 60 "$@" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$out"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name: exit $rc (want $want)"
		head -5 <<<"$out" | sed 's/^/# /'
	fi
}

printf 'GET /?q=hello HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n' >"$tmp/ok.http"
printf 'GET /?q=1%%27%%20or%%201%%3D1-- HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n' >"$tmp/sqli.http"

expect "version" 0 '^sekisho [0-9]+\.[0-9]+' -- "$sk" --version
expect "help lists commands" 0 'check' -- "$sk" --help
expect "help check" 0 '--jsonl' -- "$sk" help check
expect "no command is a usage error" 2 'usage' -- "$sk"
expect "unknown command" 2 'unknown command "frobnicate"' -- "$sk" frobnicate
expect "unknown option" 2 'unknown option --bogus' -- "$sk" check --bogus "$tmp/ok.http"
expect "allowed request" 0 'ALLOW' -- "$sk" check "$tmp/ok.http"
expect "blocked request without --fail-on-block" 0 'BLOCK .*SQL injection' -- "$sk" check "$tmp/sqli.http"
expect "--fail-on-block exits 1" 1 'BLOCK' -- "$sk" check --fail-on-block "$tmp/sqli.http"
expect "--count-only turns blocks into counts" 0 'ALLOW .*counted: AWS-AWSManagedRulesSQLiRuleSet/SQLi_QUERYARGUMENTS' -- "$sk" check --count-only "$tmp/sqli.http"
expect "validate the default ACL" 0 '^OK .*capacity [0-9]+ WCU' -- bash -c "'$sk' acl default > '$tmp/d.json' && '$sk' acl validate '$tmp/d.json'"
expect "validate lists every problem" 2 'Rules\[1\]\.Statement\.ByteMatchStatement\.PositionalConstraint: expected one of EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS, CONTAINS_WORD, found "SOMEWHERE".*Rules\[2\]\.Statement: unknown statement "FancyMatchStatement"' -- bash -c "set -o pipefail; '$sk' acl validate '$bad/bad-position.json' 2>&1 | tr '\n' ' '"
expect "problems: invalid regex" 2 'Rules\[3\]\.Statement\.RegexMatchStatement\.RegexString: invalid regular expression at offset 3' -- "$sk" acl validate "$bad/bad-position.json"
expect "problems: missing resource" 2 'Rules\[4\]\.Statement\.IPSetReferenceStatement\.ARN: IP set .* not found: no resources folder' -- "$sk" acl validate "$bad/bad-position.json"
expect "check refuses a bad ACL" 2 'bad-position.json: Rules\[1\]' -- "$sk" check --acl "$bad/bad-position.json" "$tmp/ok.http"
expect "invalid base64 in a wrapped document" 2 'WebACL\.Rules\[0\]\.Statement\.ByteMatchStatement\.SearchString: expected base64' -- "$sk" acl validate "$bad/bad-base64.json"
expect "both SearchString and SearchStringBase64" 2 'not both' -- "$sk" acl validate "$bad/both-search.json"
expect "warning for a search string that looks like base64" 0 'decodes as base64 to printable text' -- "$sk" acl validate "$bad/looks-base64.json"
expect "--search-string-encoding base64 reads it as base64" 0 'BLOCK' -- bash -c "printf 'GET /admin HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n' > '$tmp/adm.http' && '$sk' check --search-string-encoding base64 --acl '$bad/looks-base64.json' '$tmp/adm.http'"
expect "invalid UTF-8 in the config" 2 'bad-utf8.json:1:[0-9]+: .*(UTF-8|decode)' -- "$sk" acl validate "$bad/bad-utf8.json"
expect "JSON syntax error with line and column" 2 'bad-syntax.json:2:[0-9]+:' -- "$sk" acl validate "$bad/bad-syntax.json"
expect "missing ACL file" 2 'nope.json: cannot open' -- "$sk" acl validate "$tmp/nope.json"
expect "missing resources folder" 2 'cannot open resources folder' -- "$sk" acl validate --resources "$tmp/nodir" "$bad/bad-position.json"
printf 'hello world\n' >"$tmp/text.http"
expect "a request file that is not HTTP" 2 'text.http: .*' -- "$sk" check "$tmp/text.http"
printf 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc' >"$tmp/short.http"
expect "a body shorter than Content-Length" 2 'short.http: not a complete HTTP request' -- "$sk" check "$tmp/short.http"
{ printf 'POST /upload HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\nContent-Type: application/octet-stream\r\nContent-Length: 104857600\r\n\r\n'; head -c 104857600 /dev/zero; } >"$tmp/big.http"
expect "a 100 MB body is evaluated, not refused" 0 'big.http: ALLOW' -- "$sk" check "$tmp/big.http"
rm -f "$tmp/big.http"
printf '{"method":"GET","path":"/?a=1","headers":{"User-Agent":"t"}}\n[1,2]\n{"path": 5}\nnot json\n{"method":"GET","path":"/x","headers":{"User-Agent":"t"}}\n' >"$tmp/mixed.jsonl"
expect "jsonl: bad lines named on stderr, the rest evaluated" 2 'mixed.jsonl:2: expected a JSON object' -- "$sk" check --jsonl "$tmp/mixed.jsonl"
expect "jsonl: output line N answers input line N" 0 '^5 1 3$' -- bash -c "'$sk' check --format json --jsonl '$tmp/mixed.jsonl' 2>/dev/null | awk 'END{print NR} /\"formatVersion\"/{a++} /\"error\"/{e++} END{}' | tr '\n' ' ' | sed 's/ \$//'; '$sk' check --format json --jsonl '$tmp/mixed.jsonl' 2>/dev/null | awk '/formatVersion/{a++} /\"error\"/{e++} END{printf \" %d %d\", a-1, e}'" 
expect "jsonl from stdin" 0 'ALLOW' -- bash -c "echo '{\"path\":\"/\",\"headers\":{\"User-Agent\":\"x\"}}' | '$sk' check --jsonl -"
expect "binary bytes in a request are inspected, not refused" 0 'ALLOW' -- bash -c "printf 'GET /?q=%%00%%ff HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\n\x00\xff\xfe\x01' > '$tmp/bin.http' && '$sk' check '$tmp/bin.http'"
