#!/bin/sh
# Walkthrough of `sekisho check`: evaluate a few sample requests with the built-in default web ACL
# and explain each verdict, without running a server.
set -eu
sk=${1:-build/sekisho}
cd "$(dirname "$0")/.."
echo "sekisho checks each request in examples/requests against the built-in default web ACL"
echo "(with the sample IP lists in examples/lists; real ones come from sekisho lists update)"
echo "(print it with: $sk acl default) and says what it would do, and why:"
echo
for f in examples/requests/*.http; do
	echo "\$ head -1 $f"
	head -1 "$f" | tr -d '\r'
	"$sk" check --lists examples/lists "$f" | sed "s|^$f: |  => |"
	echo
done
echo "The same verdict as an AWS WAF log record:"
echo "\$ $sk check --format json examples/requests/02-sql-injection.http"
"$sk" check --lists examples/lists --format json examples/requests/02-sql-injection.http
echo
echo "Your own web ACL, as 'aws wafv2 get-web-acl' prints it, with IP sets, regex pattern"
echo "sets and rule groups in a folder of 'aws wafv2 get-*' JSON files:"
echo "\$ $sk check --acl examples/shop/acl.json --resources examples/shop/resources --jsonl examples/shop/requests.jsonl"
"$sk" check --acl examples/shop/acl.json --resources examples/shop/resources \
	--jsonl examples/shop/requests.jsonl 2>/dev/null | cut -c1-160 | head -9 || true
echo
echo "More: $sk --help, $sk help check, docs/quickstart.md"
