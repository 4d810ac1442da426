#!/usr/bin/env bash
# Soak test of `sekisho serve` (issue 4; outside CI: it takes 10 minutes by default).
# Runs the gateway (default web ACL, 2 workers) in front of a real upstream on loopback
# (a private nginx) under a mixed load from client.py: valid requests (keep-alive or not,
# pipelined, Content-Length and chunked bodies, 100-continue, attacks that get 403),
# invalid ones (malformed heads, the smuggling family, garbage, oversized lines and
# headers) and slow clients (slowloris, silent connections, body trickle, clients that
# stop reading, clients that disconnect mid-body). Every SOAK_INTERVAL seconds it samples
# the gateway's RSS, open fds and connections from /proc. At the end it checks:
#   - the gateway is alive and /healthz answers 200,
#   - RSS did not grow past the highest RSS of the warm-up by more than SOAK_RSS_GROWTH_MB,
#   - after the clients stopped, no client connection is left and the fd count is back to
#     what it was before any connection (the upstream closes idle keep-alive connections
#     after 5 s, so the gateway's pool must let them go too),
#   - no scenario of the client failed (a valid request answered wrongly, an invalid one
#     answered 2xx or left open, a slowloris not cut),
#   - SIGTERM stops it cleanly (exit 0; with a sanitizer build, no report on stderr).
# Prints the series and exits 1 on any failure.
#
# usage: bench/soak/run.sh BUILD_DIR [SECONDS]      (default 600 s of load)
# env:   SOAK_RATE            valid scenarios started per second (default 15; each is 1 to 8
#                             requests: about 40 requests/s, what a shared 2-core machine
#                             takes beside other work)
#        SOAK_BAD_RATE        invalid requests per second (default 3)
#        SOAK_SLOW            slow clients at once (default 12)
#        SOAK_WORKERS         gateway worker threads (default 2)
#        SOAK_INTERVAL        seconds between samples (default 10)
#        SOAK_WARMUP          seconds of warm-up before RSS is judged (default 60, at most
#                             a third of the run)
#        SOAK_RSS_GROWTH_MB   allowed RSS growth after warm-up (default 16; 64 for a
#                             sanitizer build, whose quarantine holds freed memory)
#        SOAK_SEED            client seed (default 1)
# Writes BUILD_DIR/soak/ (upstream config, gateway stderr and log, samples, client summary).
set -euo pipefail

build=$(cd "${1:?usage: bench/soak/run.sh BUILD_DIR [SECONDS]}" && pwd)
secs=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
PYTHON=$py
dir=$build/soak
sekisho=$build/sekisho
interval=${SOAK_INTERVAL:-10}
warmup=${SOAK_WARMUP:-60}
[ "$warmup" -le $((secs / 3)) ] || warmup=$((secs / 3))
asan=
grep -qa __asan_init "$sekisho" && asan=1 # built with -fsanitize=address
growth=${SOAK_RSS_GROWTH_MB:-$([ -n "$asan" ] && echo 64 || echo 16)}
[ -x "$sekisho" ] || { echo "soak: $sekisho not found; build first (make)" >&2; exit 1; }

. "$here/../lib/nginx.sh"
bench_install soak nginx
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx) # nginx_start runs it

# Slow and idle clients hold descriptors in both processes.
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 65536 ] || ulimit -n 65536 2>/dev/null || true
if [ -n "$asan" ]; then
	# Leaks reported at exit; a smaller quarantine so RSS still means something.
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=32:abort_on_error=0}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
fi

rm -rf "$dir"
mkdir -p "$dir/upstream/tmp" "$dir/upstream/www"
up_port=$(free_port)
port=$(free_port)
admin=$(free_port)

# ---------------------------------------------------------------- upstream
# Echoes the request-target (so the client sees a response given to the wrong request),
# serves 1 MiB at /big and a gzip (chunked) text at /gz, reads and drops any body.
# keepalive_requests 100 and keepalive_timeout 5s: the upstream closes connections of
# the gateway's pool now and then, as real apps do, and the pool must cope.
head -c $((1 << 20)) /dev/urandom >"$dir/upstream/www/big"
for _ in $(seq 2000); do echo "line of text that compresses well, again and again"; done >"$dir/upstream/www/gz"
cat >"$dir/upstream/nginx.conf" <<EOF
# Written by bench/soak/run.sh; 127.0.0.1 only.
$(nginx_user_line)
worker_processes 1;
pid $dir/upstream/nginx.pid;
error_log $dir/upstream/error.log error;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $dir/upstream/tmp/body;
	proxy_temp_path $dir/upstream/tmp/proxy;
	fastcgi_temp_path $dir/upstream/tmp/fastcgi;
	uwsgi_temp_path $dir/upstream/tmp/uwsgi;
	scgi_temp_path $dir/upstream/tmp/scgi;
	client_max_body_size 0;
	keepalive_requests 100;
	keepalive_timeout 5s;
	server {
		listen 127.0.0.1:$up_port backlog=4096;
		default_type text/plain;
		location = /big { alias $dir/upstream/www/big; }
		location = /gz {
			alias $dir/upstream/www/gz;
			gzip on;
			gzip_min_length 0;
			gzip_proxied any;
		}
		location / { return 200 "\$request_uri\n"; }
	}
}
EOF

# ---------------------------------------------------------------- processes
sk_pid=
mon_pid=
cleanup() {
	[ -n "$mon_pid" ] && { touch "$dir/stop"; wait "$mon_pid" 2>/dev/null || true; }
	if [ -n "$sk_pid" ] && kill -0 "$sk_pid" 2>/dev/null; then
		kill -KILL "$sk_pid" 2>/dev/null || true
	fi
	nginx_stop "$dir/upstream"
}
trap cleanup EXIT

nginx_start soak "$dir/upstream"

"$sekisho" serve --workers "${SOAK_WORKERS:-2}" --listen "127.0.0.1:$port" \
	--upstream "http://127.0.0.1:$up_port" --admin "127.0.0.1:$admin" \
	--lists "$root/examples/lists" --log "$dir/waf-log.jsonl" \
	>"$dir/stdout.log" 2>"$dir/stderr.log" &
sk_pid=$!

healthz() { # prints the status of GET /healthz on the admin listener, 0 when none
	"$py" - "$admin" <<'EOF'
import sys, urllib.request
try:
    print(urllib.request.urlopen("http://127.0.0.1:%s/healthz" % sys.argv[1], timeout=5).status)
except Exception:
    print(0)
EOF
}
for _ in $(seq 200); do
	[ "$(healthz)" = 200 ] && break
	kill -0 "$sk_pid" 2>/dev/null || { echo "soak: the gateway exited at start:" >&2; cat "$dir/stderr.log" >&2; exit 1; }
	sleep 0.1
done
[ "$(healthz)" = 200 ] || { echo "soak: the gateway's /healthz does not answer" >&2; exit 1; }
sleep 1
read -r base_rss base_fds _ _ < <("$py" "$here/monitor.py" sample "$sk_pid" "$port" "$up_port")

echo "soak: sekisho serve pid $sk_pid on 127.0.0.1:$port (${SOAK_WORKERS:-2} workers${asan:+, sanitizer build}), upstream nginx on 127.0.0.1:$up_port"
echo "soak: $secs s of load: ${SOAK_RATE:-15} valid scenarios/s, ${SOAK_BAD_RATE:-3} invalid/s, ${SOAK_SLOW:-12} slow clients; sample every $interval s"
echo "soak: at start: RSS $((base_rss / 1024)) MB, $base_fds fds; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Sampling in the background for the whole run (bounded: the run plus 5 minutes).
"$py" "$here/monitor.py" watch "$sk_pid" "$port" "$up_port" "$dir/samples.txt" \
	--interval "$interval" --max $(((secs + 300) / interval + 1)) --stop "$dir/stop" &
mon_pid=$!

# ---------------------------------------------------------------- load
status=0
client_rc=0
timeout $((secs + 200)) "$py" "$here/client.py" "$port" "$secs" --rate "${SOAK_RATE:-15}" \
	--bad-rate "${SOAK_BAD_RATE:-3}" --slow "${SOAK_SLOW:-12}" --seed "${SOAK_SEED:-1}" \
	--out "$dir/client.json" || client_rc=$?
echo "soak: load over; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- after
# The clients are gone: every client connection must close, and the idle upstream
# connections go when nginx closes them (5 s); 30 s at most.
end_fds=0 end_clients=0 end_up=0
for _ in $(seq 30); do
	kill -0 "$sk_pid" 2>/dev/null || break
	read -r _ end_fds end_clients end_up < <("$py" "$here/monitor.py" sample "$sk_pid" "$port" "$up_port")
	[ "$end_clients" = 0 ] && [ "$end_fds" -le "$base_fds" ] && break
	sleep 1
done
touch "$dir/stop"
wait "$mon_pid" 2>/dev/null || true
mon_pid=

echo
"$py" "$here/monitor.py" report "$dir/samples.txt" "$warmup" "$growth" "$base_fds" "$end_fds" "$end_clients" || status=1

if ! kill -0 "$sk_pid" 2>/dev/null; then
	echo "soak: FAILED: the gateway is not running any more"
	tail -20 "$dir/stderr.log"
	exit 1
fi
echo "soak: the gateway is alive"
if [ "$end_clients" != 0 ] || [ "$end_fds" -gt "$base_fds" ]; then
	echo "soak: FAILED: 30 s after the clients stopped: $end_clients client connections, $end_up upstream connections, $end_fds fds (at start: $base_fds)"
	# What is left, for the report: the sockets' states.
	ss -tanp 2>/dev/null | grep "pid=$sk_pid," | awk '{print $1, $4, $5}' | sort | uniq -c | sort -rn | head -10
	status=1
else
	echo "soak: no connection left: $end_fds fds, as at start"
fi
h=$(healthz)
if [ "$h" = 200 ]; then echo "soak: /healthz answers 200"; else echo "soak: FAILED: /healthz answered $h"; status=1; fi
"$py" - "$admin" <<'EOF' || true
import sys, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode()
lines = [l for l in text.splitlines() if l and not l.startswith("#") and "_bucket" not in l]
print("soak: metrics: " + "; ".join(lines[:14]))
EOF

# The client's view.
"$py" - "$dir/client.json" <<'EOF' || true
import json, sys
s = json.load(open(sys.argv[1]))
print("soak: client: %d scenarios, %d failed" % (s["scenarios"], s["failed"]))
for name, e in sorted(s["by_scenario"].items()):
    obs = "; ".join("%s: %d" % kv for kv in sorted(e["observed"].items()))
    print("  %-34s ran %5d  ok %5d  failed %4d  %s" % (name, e["ran"], e["ok"], e["failed"], obs[:150]))
    for ex in e["examples"]:
        print("      e.g. " + ex)
EOF
[ "$client_rc" = 0 ] || { echo "soak: FAILED: the client saw failures (exit $client_rc)"; status=1; }

# A clean stop: SIGTERM drains and exits 0 (with a sanitizer: no report).
kill -TERM "$sk_pid"
rc=0
for _ in $(seq 450); do kill -0 "$sk_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$sk_pid" 2>/dev/null; then
	echo "soak: FAILED: still running 45 s after SIGTERM"
	status=1
else
	wait "$sk_pid" || rc=$?
	sk_pid=
	if [ "$rc" != 0 ]; then echo "soak: FAILED: exit status $rc after SIGTERM"; status=1; fi
fi
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$dir/stderr.log"; then
	echo "soak: FAILED: sanitizer report in $dir/stderr.log:"
	grep -m5 -E 'ERROR|SUMMARY|runtime error:' "$dir/stderr.log"
	status=1
fi
[ $status = 0 ] && echo "soak: PASSED" || echo "soak: FAILED (details above; files in $dir)"
exit $status
