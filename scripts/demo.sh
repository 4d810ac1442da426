#!/bin/sh
# make run: the gateway in front of its built-in demo app, on 127.0.0.1:8080,
# with three requests to try from another terminal.
set -eu
sk=${1:-build/sekisho}
port=${SEKISHO_DEMO_PORT:-8080}
cd "$(dirname "$0")/.."
log=build/demo-waf-log.jsonl
events=build/demo-events.db
cat <<MSG
sekisho serve --demo: the web application firewall in front of a small demo app,
with the built-in default web ACL (AWS managed rule groups, open equivalents).

Try, from another terminal:

  curl -i -H 'Host: shop.example.com' http://127.0.0.1:$port/
      passes: the demo app's page
  curl -i -H 'Host: shop.example.com' "http://127.0.0.1:$port/search?q=1'%20OR%20'1'='1"
      blocked (403): SQL injection; the reason is printed below
  curl -i -H 'Host: shop.example.com' "http://127.0.0.1:$port/view?file=../../../../etc/passwd"
      blocked (403): path traversal to a Linux system file

(The Host header matters: the default ACL blocks requests naming localhost, as
AWS's known-bad-inputs group does.) AWS WAF log records of the blocks go to
$log; the blocks are also in an event store:
  $sk events --events $events          (then: events show ID, events summary)
/metrics and /healthz are on http://127.0.0.1:9901.
Ctrl-C stops the gateway. The checks without a server: sh scripts/check-demo.sh

MSG
exec "$sk" serve --demo --listen "127.0.0.1:$port" --lists examples/lists --log "$log" \
	--events "$events"
