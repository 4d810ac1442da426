#!/usr/bin/env python3
"""What the soak test reads of the gateway from /proc, and its verdict.

usage: monitor.py sample PID LISTEN_PORT UPSTREAM_PORT
         one line: rss_kb fds client_conns upstream_conns
       monitor.py watch PID LISTEN_PORT UPSTREAM_PORT OUT --interval S --max N --stop FILE
         appends "t rss_kb fds client_conns upstream_conns" to OUT every S seconds until
         FILE exists, the process is gone, or N samples were taken
       monitor.py report SAMPLES WARMUP_S GROWTH_MB BASELINE_FDS END_FDS END_CLIENTS
         prints the series and the RSS verdict; exit 1 when RSS grew past the bound

fds counts every descriptor of the process; client_conns the TCP sockets it holds whose
local port is the listener's (accepted client connections), upstream_conns those whose
remote port is the upstream's. The sockets are found by inode in /proc/net/tcp{,6}.
"""
import os
import sys
import time


def status_kb(pid, key="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def tcp_ports():
    """inode -> (local port, remote port) of every TCP socket of this namespace."""
    out = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    p = line.split()
                    out[p[9]] = (int(p[1].rsplit(":", 1)[1], 16), int(p[2].rsplit(":", 1)[1], 16),
                                 p[3])
        except FileNotFoundError:
            pass
    return out


def sample(pid, lport, uport):
    rss = status_kb(pid)
    fds = client = upstream = 0
    ports = None
    for fd in os.listdir("/proc/%d/fd" % pid):
        fds += 1
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            if ports is None:
                ports = tcp_ports()
            lp_rp = ports.get(link[8:-1])
            if lp_rp:
                # 0A is LISTEN: the listeners themselves are not connections.
                if lp_rp[0] == lport and lp_rp[2] != "0A":
                    client += 1
                elif lp_rp[1] == uport:
                    upstream += 1
    return rss, fds, client, upstream


def watch(pid, lport, uport, out, interval, nmax, stop):
    t0 = time.time()
    for i in range(nmax):
        if os.path.exists(stop):
            return
        try:
            rss, fds, c, u = sample(pid, lport, uport)
        except (FileNotFoundError, ProcessLookupError):
            with open(out, "a") as f:
                f.write("%d gone\n" % (time.time() - t0))
            return
        with open(out, "a") as f:
            f.write("%d %d %d %d %d\n" % (time.time() - t0, rss, fds, c, u))
        # Sleep to the next multiple of interval, in small steps so a stop is quick.
        nxt = t0 + (i + 1) * interval
        while time.time() < nxt and not os.path.exists(stop):
            time.sleep(min(0.5, max(0.0, nxt - time.time())))


def report(samples, warmup, growth_mb, base_fds, end_fds, end_clients):
    rows = []
    with open(samples) as f:
        for line in f:
            p = line.split()
            if len(p) == 5:
                rows.append([int(x) for x in p])
    if not rows:
        print("soak: no samples")
        return 1
    print("%6s %9s %6s %8s %9s" % ("t (s)", "RSS (MB)", "fds", "clients", "upstream"))
    for t, rss, fds, c, u in rows:
        print("%6d %9.1f %6d %8d %9d" % (t, rss / 1024, fds, c, u))
    warm = [r for r in rows if r[0] <= warmup]
    after = [r for r in rows if r[0] > warmup]
    status = 0
    if not warm or not after:
        print("soak: RSS: too few samples to judge growth after a %d s warm-up" % warmup)
        return 1
    # The bound is against the highest RSS of the warm-up: buffers of in-flight bodies
    # come and go, what must not happen is a steady climb past what warm-up needed.
    base = max(r[1] for r in warm)
    peak = max(r[1] for r in after)
    last = after[-1][1]
    # Growth over the run: the mean of the last third against the mean of the first
    # third after warm-up (a leak shows as a slope, noise does not).
    third = max(1, len(after) // 3)
    first_m = sum(r[1] for r in after[:third]) / third
    last_m = sum(r[1] for r in after[-third:]) / third
    ok = peak - base <= growth_mb * 1024
    print("soak: RSS after warm-up (%d s): highest %.1f MB, then highest %.1f MB, last %.1f MB;"
          " first-third mean %.1f MB, last-third mean %.1f MB (%+.1f MB); bound +%d MB: %s"
          % (warmup, base / 1024, peak / 1024, last / 1024, first_m / 1024, last_m / 1024,
             (last_m - first_m) / 1024, growth_mb, "ok" if ok else "FAILED"))
    if not ok:
        status = 1
    print("soak: fds: %d at start (no connection), %d at the end after the clients stopped"
          " (%d client connections still open)" % (base_fds, end_fds, end_clients))
    return status


def main():
    cmd = sys.argv[1]
    if cmd == "sample":
        pid, lport, uport = map(int, sys.argv[2:5])
        print("%d %d %d %d" % sample(pid, lport, uport))
        return 0
    if cmd == "watch":
        pid, lport, uport = map(int, sys.argv[2:5])
        out = sys.argv[5]
        args = dict(zip(sys.argv[6::2], sys.argv[7::2]))
        watch(pid, lport, uport, out, float(args["--interval"]), int(args["--max"]),
              args["--stop"])
        return 0
    if cmd == "report":
        return report(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
                      int(sys.argv[6]), int(sys.argv[7]))
    print(__doc__)
    return 2


sys.exit(main())
