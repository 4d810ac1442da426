#!/usr/bin/env bash
# Proxy benchmark (issue 4): wrk through three reverse proxies, in one run, on loopback,
# all in front of the SAME upstream (a separate nginx answering a small static page with
# keep-alive):
#   1. nginx as a plain reverse proxy (1 worker process),
#   2. nginx + ModSecurity v3 + OWASP CRS (Debian packages, paranoia level 1, the same
#      config as the detection anchor: bench/lib/nginx.sh; 1 worker),
#   3. build/sekisho serve --workers 1, the built-in default web ACL (every default rule
#      on; the IP reputation lists of examples/lists), AWS WAF log records to a file.
# Prints requests/s and p50/p99 latency of each, the ratios and the issue's targets, and
# the proxy's CPU time (requests per CPU-second: the per-core figure); then
# opens 10,000 idle keep-alive connections to sekisho serve and reads its RSS.
#
# usage: bench/proxy/run.sh BUILD_DIR
# env:   PROXY_SECONDS  measured seconds per setup and round (default 10)
#        PROXY_WARMUP   warm-up seconds before each measurement (default 3)
#        PROXY_CONNS    wrk connections (default 50); wrk runs one thread
#        PROXY_ROUNDS   rounds of the three setups, interleaved (default 1); the ratios
#                       use each setup's best round (the machine is shared: noise only
#                       ever makes a run slower)
#        PROXY_IDLE     idle connections for the memory test (default 10000; 0: skip)
# Writes BUILD_DIR/proxy/ (configs, logs, wrk output). Exits 3 when the anchors cannot
# be installed, 1 when a run went wrong (a proxy did not come up, or answered non-2xx).
set -euo pipefail

build=$(cd "${1:?usage: bench/proxy/run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${PROXY_SECONDS:-10}
warmup=${PROXY_WARMUP:-3}
conns=${PROXY_CONNS:-50}
rounds=${PROXY_ROUNDS:-1}
idle=${PROXY_IDLE:-10000}
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
PYTHON=$py
dir=$build/proxy
sekisho=$build/sekisho
[ -x "$sekisho" ] || { echo "proxy: $sekisho not found; build first (make)" >&2; exit 1; }

. "$here/../lib/nginx.sh"
bench_install proxy nginx libnginx-mod-http-modsecurity modsecurity-crs wrk
nginx_find proxy

# 10,000 idle connections need as many descriptors in sekisho and in the client (both
# children of this shell), plus the benchmark's own.
want_fds=$((idle + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
	ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi

rm -rf "$dir"
mkdir -p "$dir"
up_port=$(free_port)
plain_port=$(free_port)
modsec_port=$(free_port)
sk_port=$(free_port)
sk_admin=$(free_port)
user_line=$(nginx_user_line)

# ---------------------------------------------------------------- configs
# Common to every nginx instance: its own prefix, pid, temp folders; no access log
# (sekisho logs only blocked and counted requests by default, so none here either).
nginx_common() { # DIR
	cat <<EOF
$user_line
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log error;
EOF
}
nginx_http_common() { # DIR
	cat <<EOF
	access_log off;
	client_body_temp_path $1/tmp/body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fastcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
	keepalive_requests 1000000;
	keepalive_timeout 120s;
EOF
}
# What a reverse proxy in front of an app sets, as sekisho does: one HTTP/1.1
# keep-alive pool to the app, the client's Host, X-Forwarded-For/-Proto, a request id.
nginx_proxy_location() {
	cat <<EOF
		location / {
			proxy_pass http://app;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto \$scheme;
			proxy_set_header X-Request-Id \$request_id;
		}
EOF
}

# The upstream: a small static HTML page (about 600 bytes), keep-alive.
mkdir -p "$dir/upstream/tmp"
{
	nginx_common "$dir/upstream"
	cat <<EOF
events { worker_connections 4096; }
http {
$(nginx_http_common "$dir/upstream")
	server {
		listen 127.0.0.1:$up_port backlog=4096;
		default_type text/html;
		location / {
			return 200 '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title><link rel="stylesheet" href="/static/css/main.3f2a9c.css"></head><body><header><nav><a href="/">Home</a> <a href="/products">Products</a> <a href="/blog">Blog</a> <a href="/account">Account</a></nav></header><main><h1>Trail running shoes</h1><p>Light, grippy and made to last. Free returns within 30 days.</p><ul><li>Model A - 89 EUR</li><li>Model B - 119 EUR</li><li>Model C - 139 EUR</li></ul></main><footer>(c) 2026 Example Shop</footer></body></html>\n';
		}
	}
}
EOF
} >"$dir/upstream/nginx.conf"

# 1. plain nginx.
mkdir -p "$dir/plain/tmp"
{
	nginx_common "$dir/plain"
	cat <<EOF
events { worker_connections 4096; }
http {
$(nginx_http_common "$dir/plain")
	upstream app {
		server 127.0.0.1:$up_port;
		keepalive 64;
	}
	server {
		listen 127.0.0.1:$plain_port backlog=4096;
$(nginx_proxy_location)
	}
}
EOF
} >"$dir/plain/nginx.conf"

# 2. nginx + ModSecurity + CRS: the same, with the module on.
mkdir -p "$dir/modsec/tmp"
modsec_write_conf proxy "$dir/modsec"
{
	nginx_common "$dir/modsec"
	cat <<EOF
load_module $modsec_module;
events { worker_connections 4096; }
http {
$(nginx_http_common "$dir/modsec")
	upstream app {
		server 127.0.0.1:$up_port;
		keepalive 64;
	}
	server {
		listen 127.0.0.1:$modsec_port backlog=4096;
		modsecurity on;
		modsecurity_rules_file $dir/modsec/main.conf;
$(nginx_proxy_location)
	}
}
EOF
} >"$dir/modsec/nginx.conf"

# ---------------------------------------------------------------- processes
sk_pid=
stop_sekisho() {
	if [ -n "$sk_pid" ] && kill -0 "$sk_pid" 2>/dev/null; then
		kill -TERM "$sk_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$sk_pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$sk_pid" 2>/dev/null && kill -KILL "$sk_pid" 2>/dev/null || true
		wait "$sk_pid" 2>/dev/null || true
	fi
	sk_pid=
}
cleanup() {
	stop_sekisho
	for d in plain modsec upstream; do nginx_stop "$dir/$d"; done
}
trap cleanup EXIT

start_setup() { # NAME
	case $1 in
	plain)
		nginx_start proxy "$dir/plain"
		"$py" "$here/probe.py" "$plain_port" 200
		;;
	modsec)
		nginx_start proxy "$dir/modsec"
		"$py" "$here/probe.py" "$modsec_port" 200 403
		;;
	sekisho)
		mkdir -p "$dir/sekisho"
		"$sekisho" serve --workers 1 --listen "127.0.0.1:$sk_port" \
			--upstream "http://127.0.0.1:$up_port" --admin "127.0.0.1:$sk_admin" \
			--lists "$root/examples/lists" --log "$dir/sekisho/waf-log.jsonl" >>"$dir/sekisho/stdout.log" 2>>"$dir/sekisho/stderr.log" &
		sk_pid=$!
		"$py" "$here/probe.py" "$sk_port" 200 403 || {
			echo "proxy: sekisho serve did not come up:" >&2
			tail -5 "$dir/sekisho/stderr.log" >&2
			exit 1
		}
		;;
	esac
}
stop_setup() { # NAME
	case $1 in
	plain | modsec) nginx_stop "$dir/$1" ;;
	sekisho) stop_sekisho ;;
	esac
}
# CPU time (user + system, clock ticks) the proxy has used so far: the nginx master and
# its workers, or every thread of sekisho. Requests per CPU-second is the per-core
# figure that survives a shared machine best: wall-clock rates fall when others take
# the cores, the work done per request does not (much).
proxy_pids() { # NAME
	case $1 in
	plain | modsec)
		local m
		m=$(cat "$dir/$1/nginx.pid")
		echo "$m" $(cat "/proc/$m/task/$m/children" 2>/dev/null)
		;;
	sekisho) echo "$sk_pid" ;;
	esac
}
cpu_ticks() { # PID...
	local total=0 p line rest
	for p in "$@"; do
		read -r line <"/proc/$p/stat" || continue
		rest=${line##*) } # fields from the 3rd on: utime is the 14th, stime the 15th
		set -- $rest
		total=$((total + ${12} + ${13}))
	done
	echo "$total"
}
port_of() {
	case $1 in
	plain) echo "$plain_port" ;;
	modsec) echo "$modsec_port" ;;
	sekisho) echo "$sk_port" ;;
	esac
}

nginx_start proxy "$dir/upstream"
"$py" - "$up_port" <<'EOF' || { echo "proxy: the upstream did not come up" >&2; exit 1; }
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF

echo "proxy: $(anchor_versions), wrk $(dpkg-query -W -f='${Version}' wrk); $sekisho"
echo "proxy: upstream nginx on 127.0.0.1:$up_port; wrk -t1 -c$conns, ${warmup} s warm-up then ${secs} s, $rounds round(s)"
echo "proxy: load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# ---------------------------------------------------------------- wrk
# One proxy runs at a time (the others are stopped) so they never share the cores.
# Each run's RESULT line (see requests.lua) goes to $dir/NAME-ROUND.txt.
status=0
for r in $(seq "$rounds"); do
	for name in plain modsec sekisho; do
		start_setup "$name"
		url=http://127.0.0.1:$(port_of "$name")
		# Warm-up: connections, upstream pool, caches; its figures are thrown away.
		timeout $((warmup + 30)) wrk -t1 -c"$conns" -d"${warmup}s" -s "$here/requests.lua" "$url" >/dev/null
		pids=$(proxy_pids "$name")
		cpu0=$(cpu_ticks $pids)
		timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s -s "$here/requests.lua" "$url" \
			>"$dir/$name-$r.txt"
		echo "CPU ticks=$(($(cpu_ticks $pids) - cpu0)) hz=$(getconf CLK_TCK)" >>"$dir/$name-$r.txt"
		stop_setup "$name"
		line=$(grep '^RESULT ' "$dir/$name-$r.txt" || true)
		[ -n "$line" ] || { echo "proxy: no result from wrk for $name:" >&2; cat "$dir/$name-$r.txt" >&2; exit 1; }
		echo "proxy: round $r $name: ${line#RESULT }"
	done
done

# ---------------------------------------------------------------- report
"$py" - "$dir" "$rounds" <<'EOF' || status=1
import sys
d, rounds = sys.argv[1], int(sys.argv[2])
names = {"plain": "nginx, plain reverse proxy", "modsec": "nginx + ModSecurity + CRS (PL1)",
         "sekisho": "sekisho serve, default web ACL"}
best, bad = {}, []
for n in names:
    for r in range(1, rounds + 1):
        lines = open("%s/%s-%d.txt" % (d, n, r)).read().splitlines()
        res = next(l for l in lines if l.startswith("RESULT "))
        cpu = next(l for l in lines if l.startswith("CPU "))
        v = {k: int(x) for k, x in (f.split("=") for f in res.split()[1:] + cpu.split()[1:])}
        v["rps"] = v["requests"] / (v["duration_us"] / 1e6)
        v["cpu_s"] = v["ticks"] / v["hz"]
        v["per_cpu_s"] = v["requests"] / v["cpu_s"] if v["cpu_s"] else 0
        errors = v["connect"] + v["read"] + v["write"] + v["timeout"]
        if errors or v["status"]:
            bad.append("%s round %d: %d socket errors, %d non-2xx/3xx answers"
                       % (n, r, errors, v["status"]))
        if n not in best or v["rps"] > best[n]["rps"]:
            best[n] = v
print()
print("%-32s %11s %8s %8s %10s %11s" % ("", "requests/s", "p50 ms", "p99 ms", "proxy CPU",
                                         "req/CPU-s"))
for n, label in names.items():
    v = best[n]
    print("%-32s %11.0f %8.3f %8.3f %9.1fs %11.0f" % (label, v["rps"], v["p50_us"] / 1e3,
          v["p99_us"] / 1e3, v["cpu_s"], v["per_cpu_s"]))
p, m, s = best["plain"], best["modsec"], best["sekisho"]
r1, r2 = s["rps"] / p["rps"], s["rps"] / m["rps"]
dp99 = (s["p99_us"] - p["p99_us"]) / 1e3
print()
print("sekisho / plain nginx:             %.2f of its requests/s (target >= 0.80: %s)"
      % (r1, "met" if r1 >= 0.8 else "NOT met"))
print("sekisho p99 - plain nginx p99:     %+.3f ms (target <= 1 ms: %s)"
      % (dp99, "met" if dp99 <= 1 else "NOT met"))
print("sekisho / nginx + ModSecurity:     %.1fx its requests/s (target >= 20x: %s)"
      % (r2, "met" if r2 >= 20 else "NOT met"))
print("plain nginx / nginx + ModSecurity: %.1fx" % (p["rps"] / m["rps"]))
if p["per_cpu_s"] and m["per_cpu_s"]:
    print("per CPU-second of the proxy (less sensitive to a shared machine): sekisho / plain"
          " nginx %.2f, sekisho / nginx + ModSecurity %.1fx"
          % (s["per_cpu_s"] / p["per_cpu_s"], s["per_cpu_s"] / m["per_cpu_s"]))
if bad:
    print()
    for b in bad:
        print("proxy: " + b)
    sys.exit(1)
EOF

# ---------------------------------------------------------------- idle connections
if [ "$idle" -gt 0 ]; then
	echo
	echo "== $idle idle keep-alive connections to sekisho serve --workers 1 (one request each)"
	start_setup sekisho
	"$py" "$here/idle.py" "$sk_port" "$idle" "$sk_pid" --budget 60 >"$dir/idle.txt" || status=1
	cat "$dir/idle.txt"
	"$py" - "$dir/idle.txt" <<'EOF' || status=1
import sys
line = open(sys.argv[1]).read().split()
v = {k: float(x) for k, x in (f.split("=") for f in line[1:])}
mb = v["rss_kb"] / 1024
per = (v["rss_kb"] - v["rss_before_kb"]) / max(v["answered"], 1)
print("sekisho RSS with %d connections open: %.1f MB (%.1f MB before: %.2f KB per connection);"
      " target < 100 MB: %s" % (v["answered"], mb, v["rss_before_kb"] / 1024, per,
                                "met" if mb < 100 else "NOT met"))
sys.exit(0 if v["answered"] == v["wanted"] else 1)
EOF
	stop_sekisho
fi
echo "proxy: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
