#!/usr/bin/env python3
"""Opens N keep-alive connections to a proxy, one request each, keeps them open idle,
then reads the proxy's memory (VmRSS) and open fds from /proc.

usage: idle.py PORT N PID [--budget SECONDS] [--hold SECONDS]
  PORT     the proxy on 127.0.0.1
  N        connections (10,000 for the issue's target)
  PID      the process whose memory is read (for nginx: its worker)
Prints one line: IDLE wanted=N open=... answered=... rss_before_kb=... rss_kb=...
hwm_kb=... fds_before=... fds=... seconds=...
Connections are opened at most BATCH at a time (so the listen backlog never overflows
and no SYN is retried), and everything stops after --budget seconds whatever happened
(default 60). The process running this needs N + a few file descriptors: run.sh raises
`ulimit -n` first.
"""
import argparse
import os
import selectors
import socket
import sys
import time

BATCH = 256
REQ = (b"GET /account/orders?status=shipped HTTP/1.1\r\nHost: shop.example.com\r\n"
       b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36\r\n"
       b"Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-GB,en;q=0.9\r\n"
       b"Cookie: session=8f3b2c1d9e7a4f60; _ga=GA1.2.1234567890.1733300000\r\n\r\n")


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def response_done(buf):
    """Whether buf holds one whole response (Content-Length or chunked framing)."""
    i = buf.find(b"\r\n\r\n")
    if i < 0:
        return False
    head = buf[:i].lower()
    body = buf[i + 4:]
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    if b"transfer-encoding: chunked" in head:
        return body.endswith(b"0\r\n\r\n")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("pid", type=int)
    ap.add_argument("--budget", type=float, default=60)
    ap.add_argument("--hold", type=float, default=2)
    a = ap.parse_args()

    rss_before, fds_before = status_kb(a.pid, "VmRSS"), nfds(a.pid)
    sel = selectors.DefaultSelector()
    socks = []          # every connection, kept open to the end
    inflight = 0
    started = answered = failed = 0
    t0 = time.time()
    deadline = t0 + a.budget
    while (answered + failed) < a.n and time.time() < deadline:
        # Open more while fewer than BATCH are connecting or waiting for an answer.
        while inflight < BATCH and started < a.n:
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect_ex(("127.0.0.1", a.port))
            except OSError:
                s.close()
                failed += 1
                started += 1
                continue
            socks.append(s)
            sel.register(s, selectors.EVENT_WRITE, [b"", False])
            inflight += 1
            started += 1
        for key, ev in sel.select(timeout=0.5):
            s, st = key.fileobj, key.data
            try:
                if not st[1]:  # connected: send the one request
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, os.strerror(err))
                    s.sendall(REQ)  # small: fits the empty send buffer at once
                    st[1] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                d = s.recv(65536)
                if not d:
                    raise OSError("closed by the proxy")
                st[0] += d
                if response_done(st[0]):
                    ok = st[0].startswith(b"HTTP/1.1 200")
                    answered += ok
                    failed += not ok
                    sel.unregister(s)  # now idle: keep it open, stop watching it
                    inflight -= 1
            except OSError:
                sel.unregister(s)
                failed += 1
                inflight -= 1
    opened = time.time() - t0
    time.sleep(a.hold)  # let the proxy settle (freed buffers, timers) before reading
    alive = sum(1 for s in socks if s.fileno() >= 0)
    line = ("IDLE wanted=%d open=%d answered=%d failed=%d rss_before_kb=%d rss_kb=%d "
            "hwm_kb=%d fds_before=%d fds=%d seconds=%.1f"
            % (a.n, alive, answered, failed, rss_before, status_kb(a.pid, "VmRSS"),
               status_kb(a.pid, "VmHWM"), fds_before, nfds(a.pid), opened))
    print(line, flush=True)
    for s in socks:
        s.close()
    return 0 if answered == a.n else 1


sys.exit(main())
