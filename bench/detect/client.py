#!/usr/bin/env python3
"""Send the benchmark requests to a local HTTP server and record each response status.

usage: client.py REQUESTS INDEX OUT --port N [--conns N] [--budget SECONDS]
                 [--limit N] [--seed S]

REQUESTS and INDEX are the files corpus.py writes. Requests go, byte for byte as described
(request line, headers in order, body), over --conns keep-alive connections to 127.0.0.1
only.

The order is seeded and stratified so that every prefix of it is a sample of every corpus
file: first up to MIN_PER_FILE requests of each file (round robin), then the rest of each
file spread evenly through the run in a seeded random order. The client stops after
--budget seconds (or --limit requests, for a fixed sample); what was sent is then a seeded
random sample of every file, about the same fraction of each, and is reported as such.

OUT (JSON): {"status": [code or null for each request], "sampled": bool, "fraction",
"sent", "seconds", "rate", "errors"}; code 0 means no HTTP answer (connection error or
timeout).
"""

import argparse
import json
import random
import socket
import sys
import threading
import time

MIN_PER_FILE = 40
TIMEOUT = 30.0


def build(req):
    head = ["%s %s HTTP/1.1" % (req["method"], req["path"])]
    headers = req["headers"]
    if isinstance(headers, dict):
        headers = list(headers.items())
    for name, value in headers:
        head.append("%s: %s" % (name, value))
    body = (req.get("body") or "").encode("utf-8")
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body


class Conn:
    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buf = b""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by server")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def exchange(self, raw):
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(raw)
        status_line = self._line()
        parts = status_line.split(b" ", 2)
        status = int(parts[1])
        length, chunked, close = None, False, False
        while True:
            line = self._line()
            if not line:
                break
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
            elif name == b"connection" and value == b"close":
                close = True
        if chunked:
            while True:
                size = int(self._line().split(b";")[0], 16)
                self._take(size + 2)
                if size == 0:
                    break
        elif length is not None:
            self._take(length)
        else:
            close = True
        if close:
            self.close()
        return status


def stratified_order(files, seed):
    by_file = {}
    for i, name in enumerate(files):
        by_file.setdefault(name, []).append(i)
    keyed = []
    for name in sorted(by_file):
        members = list(by_file[name])
        random.Random(seed + "/" + name).shuffle(members)
        for r, i in enumerate(members):
            if r < MIN_PER_FILE:
                key = (0, r, name)
            else:
                key = (1, (r + 0.5) / len(members), name)
            keyed.append((key, i))
    keyed.sort()
    return [i for _, i in keyed]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("requests")
    ap.add_argument("index")
    ap.add_argument("out")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--conns", type=int, default=2)
    ap.add_argument("--budget", type=float, default=600.0)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", default="sekisho-detect")
    a = ap.parse_args()

    with open(a.requests, encoding="utf-8") as f:
        raws = [build(json.loads(line)) for line in f]
    with open(a.index, encoding="utf-8") as f:
        files = [json.loads(line)["file"] for line in f]
    n = len(raws)
    status = [None] * n
    errors = {}
    lock = threading.Lock()
    order = stratified_order(files, a.seed)
    if 0 < a.limit < n:
        order = order[:a.limit]
    start = time.monotonic()
    deadline = start + a.budget
    pos = [0]

    def worker():
        conn = Conn(a.port)
        while True:
            with lock:
                if pos[0] >= len(order) or time.monotonic() > deadline:
                    break
                i = order[pos[0]]
                pos[0] += 1
            code = 0
            for attempt in range(2):
                try:
                    code = conn.exchange(raws[i])
                    break
                except (OSError, ConnectionError, ValueError, IndexError) as e:
                    conn.close()
                    if attempt == 1:
                        with lock:
                            k = type(e).__name__ + ": " + str(e)[:80]
                            errors[k] = errors.get(k, 0) + 1
            status[i] = code
        conn.close()

    print("anchor: sending %d requests (budget %.0f s)" % (len(order), a.budget),
          file=sys.stderr, flush=True)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.conns)]
    for t in threads:
        t.start()
    last = start
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=1.0)
        now = time.monotonic()
        if now - last >= 30 and any(t.is_alive() for t in threads):
            last = now
            with lock:
                done = pos[0]
            r = done / (now - start)
            print("anchor: %d/%d sent, %.0f req/s, about %.0f s to go"
                  % (done, len(order), r, (len(order) - done) / max(r, 1e-3)),
                  file=sys.stderr, flush=True)
    secs = time.monotonic() - start
    sent = sum(1 for s in status if s is not None)
    sampled = sent < n
    if sampled:
        print("anchor: %s after %d of %d requests: the anchor figures are for a seeded sample "
              "(%.1f%% of each file, at least %d)"
              % ("time budget reached" if sent < len(order) else "limit reached", sent, n,
                 100.0 * sent / n, MIN_PER_FILE), file=sys.stderr)
    with open(a.out, "w") as f:
        json.dump({"status": status, "sampled": sampled, "fraction": sent / n, "sent": sent,
                   "seconds": round(secs, 1), "rate": round(sent / secs, 1), "errors": errors,
                   "conns": a.conns}, f)
    print("anchor: %d requests in %.0f s (%.0f req/s)" % (sent, secs, sent / secs), file=sys.stderr)


if __name__ == "__main__":
    main()
