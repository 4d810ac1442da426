#!/usr/bin/env bash
# Issue 5's load check: blocked requests at RATE per second for SECONDS,
# first with the event store (SQLite), then without, through the same
# gateway build; every block must be stored or counted as dropped, and the
# latency should not move. Loopback only; bounded in time.
# usage: bench/events/run.sh BUILD_DIR [RATE] [SECONDS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
rate=${2:-5000}
secs=${3:-60}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

one() { # label, extra serve flags...
	local label=$1
	shift
	local port admin
	port=$(free_port)
	admin=$(free_port)
	"$build/sekisho" serve --demo --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" \
		--workers 1 --log /dev/null "$@" 2>"$tmp/$label.err" &
	pid=$!
	for _ in $(seq 100); do
		curl -s "http://127.0.0.1:$admin/healthz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	echo "== $label: $rate blocked requests/s for $secs s"
	"$build/bench/blast" "$port" "$rate" "$secs" 8
	sleep 1
	curl -s "http://127.0.0.1:$admin/metrics" >"$tmp/$label.metrics"
	kill -TERM "$pid"
	wait "$pid" || true
	pid=
	local blocked written dropped
	blocked=$(awk '/^sekisho_requests_total\{action="BLOCK"\}/ {print $2}' "$tmp/$label.metrics")
	written=$(awk '/^sekisho_events_written_total/ {print $2}' "$tmp/$label.metrics")
	dropped=$(awk '/^sekisho_events_dropped_total/ {print $2}' "$tmp/$label.metrics")
	echo "blocked $blocked, events written $written, dropped $dropped"
	if [ -f "$tmp/events.db" ] && [ "$label" = "with-store" ]; then
		local stored
		stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$tmp/events.db")
		echo "rows in the store after shutdown: $stored (written + dropped = $((written + dropped)))"
	fi
}

one with-store --events "$tmp/events.db"
one without-store --no-events
