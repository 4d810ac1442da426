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
# ModSecurity runs with the Debian recommended config (/etc/nginx/modsecurity.conf) except:
# SecRuleEngine On (blocking), no audit log, no response body inspection (the upstream only
# says "ok"), temporary files under BUILD_DIR/anchor, and the body-parsing refusals of that
# config (rules 200002-200004, 200007: status 400) answer 422 so they can be told apart from
# nginx's own 400. CRS is loaded as the package sets it up (crs-setup.conf: paranoia level 1,
# anomaly scoring with the default thresholds); the JSON and XML request body processors
# are switched on by rules 200000/200001 of the recommended config.
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
pkgs=(nginx libnginx-mod-http-modsecurity modsecurity-crs)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		echo "anchor: missing ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
		exit 3
	fi
	echo "anchor: installing ${missing[*]} (apt-get install -y --no-install-recommends)" >&2
	# Keep the package from starting the system nginx on port 80: a policy-rc.d that
	# refuses service starts, for the length of the install, unless one is there already.
	made_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}" >&2; } || rc=$?
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	[ $rc = 0 ] || { echo "anchor: apt-get install failed" >&2; exit 3; }
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
module=/usr/lib/nginx/modules/ngx_http_modsecurity_module.so
recommended=/etc/nginx/modsecurity.conf
[ -f "$recommended" ] || recommended=/usr/share/nginx/docs/modsecurity/modsecurity.conf
unicode=/etc/nginx/unicode.mapping
[ -f "$unicode" ] || unicode=/usr/share/nginx/docs/modsecurity/unicode.mapping
crs_setup=/etc/modsecurity/crs/crs-setup.conf
for f in "$nginx_bin" "$module" "$recommended" "$unicode" "$crs_setup"; do
	[ -e "$f" ] || { echo "anchor: $f not found after install" >&2; exit 3; }
done

# ---------------------------------------------------------------- config
free_port() {
	"$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=${DETECT_ANCHOR_PORT:-$(free_port)}
up=$(free_port)
[ "$up" != "$port" ] || up=$(free_port)

rm -rf "$a"
mkdir -p "$a/tmp" "$a/modsec"
sed -e 's/^SecRuleEngine .*/SecRuleEngine On/' \
	-e 's/^SecAuditEngine .*/SecAuditEngine Off/' \
	-e 's/^SecResponseBodyAccess .*/SecResponseBodyAccess Off/' \
	-e 's/^SecStatusEngine .*/SecStatusEngine Off/' \
	-e "s|^SecAuditLog .*|SecAuditLog $a/modsec_audit.log|" \
	-e "s|^SecTmpDir .*|SecTmpDir $a/modsec/|" \
	-e "s|^SecDataDir .*|SecDataDir $a/modsec/|" \
	-e "s|^SecUnicodeMapFile [^ ]*|SecUnicodeMapFile $unicode|" \
	-e 's/status:400/status:422/' \
	"$recommended" >"$a/modsecurity.conf"
grep -q '^SecRuleEngine On' "$a/modsecurity.conf" || { echo "anchor: could not enable SecRuleEngine" >&2; exit 3; }
# What owasp-crs.load includes, spelled for libmodsecurity (which has no IncludeOptional).
{
	echo "Include $a/modsecurity.conf"
	echo "Include $crs_setup"
	for f in /etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf \
		/usr/share/modsecurity-crs/rules/*.conf \
		/etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf; do
		[ -f "$f" ] && echo "Include $f"
	done
} >"$a/main.conf"

user_line=
[ "$(id -u)" = 0 ] && user_line="user root root;"
cat >"$a/nginx.conf" <<EOF
# Written by bench/detect/anchor.sh; listens on 127.0.0.1 only.
$user_line
load_module $module;
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

stop() {
	if [ -f "$a/nginx.pid" ]; then
		pid=$(cat "$a/nginx.pid")
		kill -QUIT "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
	fi
}
trap stop EXIT

"$nginx_bin" -e "$a/error.log" -p "$a" -c "$a/nginx.conf" -t >"$a/configtest.log" 2>&1 ||
	{ cat "$a/configtest.log" >&2; exit 3; }
"$nginx_bin" -e "$a/error.log" -p "$a" -c "$a/nginx.conf"

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
