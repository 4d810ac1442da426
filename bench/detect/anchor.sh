#!/usr/bin/env bash
# The detection anchor: nginx + ModSecurity v3 + OWASP CRS from Debian's packages, on
# 127.0.0.1 only, in front of a trivial upstream (a second nginx server answering 200).
#
# usage: bench/detect/anchor.sh BUILD_DIR REQUESTS INDEX OUT
#   installs nginx, libnginx-mod-http-modsecurity and modsecurity-crs if missing (root,
#   apt-get; says what it installs), writes its config under BUILD_DIR/anchor/, starts nginx,
#   sends every request with client.py, writes the answers to OUT and stops nginx.
# env: DETECT_ANCHOR_BUDGET  seconds the client may spend before it samples (default 600)
#      DETECT_ANCHOR_CONNS   client connections (default 2)
#      DETECT_ANCHOR_SAMPLE  send only this many requests (a fixed seeded sample of every file)
#
# ModSecurity runs with the Debian recommended config (/etc/nginx/modsecurity.conf), changed
# as bench/lib/nginx.sh (modsec_write_conf) says: blocking, no audit log, CRS as packaged
# (paranoia level 1), body-parsing refusals answer 422. bench/proxy/run.sh uses the same.
set -euo pipefail

build=$(cd "${1:?usage: anchor.sh BUILD_DIR REQUESTS INDEX OUT}" && pwd)
requests=${2:?}
index=${3:?}
out=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
budget=${DETECT_ANCHOR_BUDGET:-600}
conns=${DETECT_ANCHOR_CONNS:-2}
py=${DETECT_PYTHON:-python3}
a=$build/anchor

# ---------------------------------------------------------------- install
. "$here/../lib/nginx.sh"
PYTHON=$py
bench_install anchor nginx libnginx-mod-http-modsecurity modsecurity-crs
nginx_find anchor

# ---------------------------------------------------------------- config
port=${DETECT_ANCHOR_PORT:-$(free_port)}
up=$(free_port)
[ "$up" != "$port" ] || up=$(free_port)

rm -rf "$a"
mkdir -p "$a/tmp"
modsec_write_conf anchor "$a"

user_line=$(nginx_user_line)
cat >"$a/nginx.conf" <<EOF
# Written by bench/detect/anchor.sh; listens on 127.0.0.1 only.
$user_line
load_module $modsec_module;
worker_processes $(nproc);
pid $a/nginx.pid;
error_log $a/error.log error;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $a/tmp/body;
	proxy_temp_path $a/tmp/proxy;
	fastcgi_temp_path $a/tmp/fastcgi;
	uwsgi_temp_path $a/tmp/uwsgi;
	scgi_temp_path $a/tmp/scgi;
	client_max_body_size 16m;
	client_body_buffer_size 512k;
	keepalive_requests 1000000;
	keepalive_timeout 120s;

	upstream app {
		server 127.0.0.1:$up;
		keepalive 16;
	}
	# the application: answers 200 to everything
	server {
		listen 127.0.0.1:$up;
		location / { return 200 "ok\n"; }
	}
	# the WAF
	server {
		listen 127.0.0.1:$port;
		modsecurity on;
		modsecurity_rules_file $a/main.conf;
		location / {
			proxy_pass http://app;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
}
EOF

trap 'nginx_stop "$a"' EXIT
nginx_start anchor "$a"

# Ready, and really blocking? A plain request must pass and an obvious attack must get 403.
"$py" - "$port" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
def ask(target):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0\r\n"
               "Accept: */*\r\nConnection: close\r\n\r\n" % target).encode())
    data = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        data += d
    return int(data.split(b" ", 2)[1])
for _ in range(100):
    try:
        ok = ask("/?q=hello")
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("anchor: nginx did not come up")
bad = ask("/?q=%3Cscript%3Ealert(1)%3C/script%3E")
if ok != 200 or bad != 403:
    sys.exit("anchor: self-test failed (benign %d, attack %d; expected 200 and 403)" % (ok, bad))
EOF

versions=$(
	printf '{"nginx": "%s", "libmodsecurity3": "%s", "libnginx-mod-http-modsecurity": "%s", "modsecurity-crs": "%s"}' \
		"$(dpkg-query -W -f='${Version}' nginx 2>/dev/null)" \
		"$(dpkg-query -W -f='${Version}' libmodsecurity3 2>/dev/null)" \
		"$(dpkg-query -W -f='${Version}' libnginx-mod-http-modsecurity 2>/dev/null)" \
		"$(dpkg-query -W -f='${Version}' modsecurity-crs 2>/dev/null)"
)
printf '{"versions": %s, "port": %s, "workers": %s}\n' "$versions" "$port" "$(nproc)" \
	>"$(dirname "$out")/anchor-info.json"
echo "anchor: nginx $(dpkg-query -W -f='${Version}' nginx) + libmodsecurity3 $(dpkg-query -W -f='${Version}' libmodsecurity3) + CRS $(dpkg-query -W -f='${Version}' modsecurity-crs) on 127.0.0.1:$port, $(nproc) workers, $conns connections" >&2

"$py" "$here/client.py" "$requests" "$index" "$out" --port "$port" --conns "$conns" --budget "$budget" --limit "${DETECT_ANCHOR_SAMPLE:-0}"
