#!/usr/bin/env bash
# The event store on a real PostgreSQL server: the same store suite as on
# SQLite (serve_test.py store_suite). Starts its own server on 127.0.0.1,
# in a temporary folder, as the postgres user (the server refuses root),
# and stops it after. Prints TAP. usage: tests/e2e/events_pg.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
	echo "not ok 1 - PostgreSQL server binaries not found (make deps installs postgresql)"
	exit 1
fi
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
dir=$(mktemp -d)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
	as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
if ! as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1; then
	echo "not ok 1 - initdb failed"
	sed 's/^/#   /' "$dir/initdb.log" | tail -20
	exit 1
fi
if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null 2>&1; then
	echo "not ok 1 - the PostgreSQL server did not start"
	sed 's/^/#   /' "$dir/server.log" | tail -20
	exit 1
fi
for db in suite allow wrapped; do
	as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db" || {
		echo "not ok 1 - createdb $db failed"
		exit 1
	}
done
restart="$bin/pg_ctl -D $dir/data -l $dir/server.log -w -t 60 -m fast restart"
[ "$(id -u)" = 0 ] && restart="runuser -u postgres -- $restart"
SEKISHO_TEST_PG="postgres://postgres@127.0.0.1:$port/" SEKISHO_TEST_PG_RESTART="$restart" \
	python3 "$here/serve_test.py" "$build/sekisho"
