#!/usr/bin/env bash
# sekisho replay over each log format (tests/data/replay), and --diff.
# Prints TAP. usage: tests/e2e/replay.sh BUILD_DIR
set -uo pipefail
sk=${1:-build}/sekisho
data=$(cd "$(dirname "$0")/../data/replay" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() { # name, condition (a command)
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else
		echo "not ok $n - $1"
		sed 's/^/#   /' "$tmp/out" "$tmp/err" | head -30
	fi
}
run() { "$sk" replay "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }

run "$data/combined.log"
check "combined log: 5 read, the bad line reported with its number" \
	'grep -q "^5 requests replayed" $tmp/out && grep -q "combined.log:5: expected the combined format" $tmp/err'
check "combined log: SQLi, traversal and XSS would be blocked, the rest not" \
	'grep -q "^3 would be blocked" $tmp/out && grep -q SQLi_QUERYARGUMENTS $tmp/out && grep -q GenericLFI_QUERYARGUMENTS $tmp/out && grep -q CrossSiteScripting_QUERYARGUMENTS $tmp/out'
check "combined log: blocks by client" 'grep -A3 "Blocked by client" $tmp/out | grep -q "2  198.51.100.9"'
run "$data/alb.log"
check "ALB log: the Log4j lookup is blocked, the client is the ALB's client field" \
	'grep -q "^1 would be blocked" $tmp/out && grep -q Log4JRCE_QUERYSTRING $tmp/out && grep -q "198.51.100.9" $tmp/out'
run "$data/app.har"
check "HAR: the XSS in a form body is blocked" \
	'grep -q "^2 requests replayed" $tmp/out && grep -q CrossSiteScripting_BODY $tmp/out'
run "$data/sekisho.jsonl"
check "sekisho JSON lines: a line that is not an object is reported, the rest evaluated" \
	'grep -q "^2 requests replayed" $tmp/out && grep -q "sekisho.jsonl:3: expected a JSON object" $tmp/err && grep -q "^1 would be blocked" $tmp/out'
run "$data/aws.jsonl"
check "AWS WAF log records: read back and evaluated" \
	'grep -q "^2 requests replayed" $tmp/out && grep -q "^1 would be blocked" $tmp/out'
cat >"$tmp/about.json" <<'ACL'
{"Name": "about", "DefaultAction": {"Allow": {}}, "Rules": [{"Name": "no-about", "Priority": 1,
 "Statement": {"ByteMatchStatement": {"SearchString": "/about", "FieldToMatch": {"UriPath": {}},
 "TextTransformations": [{"Priority": 0, "Type": "NONE"}], "PositionalConstraint": "EXACTLY"}},
 "Action": {"Block": {}}, "VisibilityConfig": {"SampledRequestsEnabled": false,
 "CloudWatchMetricsEnabled": false, "MetricName": "no-about"}}],
 "VisibilityConfig": {"SampledRequestsEnabled": false, "CloudWatchMetricsEnabled": false, "MetricName": "about"}}
ACL
run --diff "$tmp/about.json" "$data/combined.log"
check "--diff: what only the other ACL blocks, and what only the first does" \
	'grep -A2 "Blocked only with the other ACL" $tmp/out | grep -q "1  no-about" && grep -A2 "Blocked only with the first ACL" $tmp/out | grep -q SQLi_QUERYARGUMENTS'
run "$tmp/no-such-file.log"
check "a log that does not exist: exit 2 with its name" '[ "$(cat $tmp/rc)" = 2 ] && grep -q "no-such-file.log" $tmp/err'
run --format nope "$data/alb.log"
check "an unknown --format is a usage error" '[ "$(cat $tmp/rc)" = 2 ] && grep -q "expected auto, aws" $tmp/err'
