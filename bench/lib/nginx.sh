# Shared by the benchmarks that run nginx as an anchor (bench/detect/anchor.sh,
# bench/proxy/run.sh): installing Debian's packages, the ModSecurity + OWASP CRS
# config, free loopback ports, starting and stopping a private nginx instance.
# Sourced, not run: `. "$root/bench/lib/nginx.sh"`. Functions print to stderr and
# exit 3 (the anchors' "cannot run" code) when something is missing.

# bench_install TAG PKG...: installs the Debian packages that are missing, as root
# with apt-get (saying which), or tells the user the command and exits 3.
bench_install() {
	local tag=$1 p missing=() made_policy= rc=0
	shift
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		echo "$tag: missing ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
		exit 3
	fi
	echo "$tag: installing ${missing[*]} (apt-get install -y --no-install-recommends)" >&2
	# Keep the nginx package from starting the system nginx on port 80: a policy-rc.d
	# that refuses service starts, for the length of the install, unless one is there.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}" >&2; } || rc=$?
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	[ $rc = 0 ] || { echo "$tag: apt-get install failed" >&2; exit 3; }
}

# nginx_find TAG: sets nginx_bin, modsec_module, modsec_recommended, modsec_unicode,
# crs_setup to the installed files (needs nginx, libnginx-mod-http-modsecurity,
# modsecurity-crs).
nginx_find() {
	local tag=$1 f
	nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
	modsec_module=/usr/lib/nginx/modules/ngx_http_modsecurity_module.so
	modsec_recommended=/etc/nginx/modsecurity.conf
	[ -f "$modsec_recommended" ] || modsec_recommended=/usr/share/nginx/docs/modsecurity/modsecurity.conf
	modsec_unicode=/etc/nginx/unicode.mapping
	[ -f "$modsec_unicode" ] || modsec_unicode=/usr/share/nginx/docs/modsecurity/unicode.mapping
	crs_setup=/etc/modsecurity/crs/crs-setup.conf
	for f in "$nginx_bin" "$modsec_module" "$modsec_recommended" "$modsec_unicode" "$crs_setup"; do
		[ -e "$f" ] || { echo "$tag: $f not found after install" >&2; exit 3; }
	done
}

# modsec_write_conf TAG DIR: writes DIR/modsecurity.conf and DIR/main.conf (the file
# for `modsecurity_rules_file`). Debian's recommended ModSecurity config except:
# SecRuleEngine On (blocking), no audit log, no response body inspection (the upstream
# only says "ok"), temporary files under DIR/modsec, and the body-parsing refusals of
# that config (rules 200002-200004, 200007: status 400) answer 422 so they can be told
# apart from nginx's own 400. CRS is loaded as the package sets it up (crs-setup.conf:
# paranoia level 1, anomaly scoring with the default thresholds); the JSON and XML
# request body processors are switched on by rules 200000/200001 of that config.
modsec_write_conf() {
	local tag=$1 dir=$2 f
	mkdir -p "$dir/modsec"
	sed -e 's/^SecRuleEngine .*/SecRuleEngine On/' \
		-e 's/^SecAuditEngine .*/SecAuditEngine Off/' \
		-e 's/^SecResponseBodyAccess .*/SecResponseBodyAccess Off/' \
		-e 's/^SecStatusEngine .*/SecStatusEngine Off/' \
		-e "s|^SecAuditLog .*|SecAuditLog $dir/modsec_audit.log|" \
		-e "s|^SecTmpDir .*|SecTmpDir $dir/modsec/|" \
		-e "s|^SecDataDir .*|SecDataDir $dir/modsec/|" \
		-e "s|^SecUnicodeMapFile [^ ]*|SecUnicodeMapFile $modsec_unicode|" \
		-e 's/status:400/status:422/' \
		"$modsec_recommended" >"$dir/modsecurity.conf"
	grep -q '^SecRuleEngine On' "$dir/modsecurity.conf" ||
		{ echo "$tag: could not enable SecRuleEngine" >&2; exit 3; }
	# What owasp-crs.load includes, spelled for libmodsecurity (which has no IncludeOptional).
	{
		echo "Include $dir/modsecurity.conf"
		echo "Include $crs_setup"
		for f in /etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf \
			/usr/share/modsecurity-crs/rules/*.conf \
			/etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf; do
			[ -f "$f" ] && echo "Include $f"
		done
	} >"$dir/main.conf"
}

# The versions of the anchor's packages, one line for humans.
anchor_versions() {
	echo "nginx $(dpkg-query -W -f='${Version}' nginx 2>/dev/null)" \
		"+ libmodsecurity3 $(dpkg-query -W -f='${Version}' libmodsecurity3 2>/dev/null)" \
		"+ CRS $(dpkg-query -W -f='${Version}' modsecurity-crs 2>/dev/null)"
}

# free_port: a TCP port free on 127.0.0.1 now (the kernel picks it).
free_port() {
	"${PYTHON:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# nginx_user_line: nginx as root would switch its workers to nobody, who cannot read
# files under a root-owned build folder; keep them root (loopback only, a benchmark).
nginx_user_line() {
	[ "$(id -u)" = 0 ] && echo "user root root;" || true
}

# nginx_start TAG DIR: tests then starts nginx with DIR/nginx.conf (prefix DIR, pid
# file DIR/nginx.pid, errors to DIR/error.log).
nginx_start() {
	local tag=$1 dir=$2
	"$nginx_bin" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -t >"$dir/configtest.log" 2>&1 ||
		{ echo "$tag: nginx -t failed for $dir/nginx.conf:" >&2; cat "$dir/configtest.log" >&2; exit 3; }
	"$nginx_bin" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
}

# nginx_stop DIR: graceful stop (QUIT), then TERM after 5 s; by the pid in DIR/nginx.pid.
nginx_stop() {
	local dir=$1 pid
	[ -f "$dir/nginx.pid" ] || return 0
	pid=$(cat "$dir/nginx.pid")
	kill -QUIT "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
	rm -f "$dir/nginx.pid"
}
