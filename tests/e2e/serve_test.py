#!/usr/bin/env python3
"""End-to-end tests of `sekisho serve` with a real upstream on loopback.

The upstream is a small raw-socket HTTP/1.1 server in this process, so the
tests can see the exact bytes the gateway forwarded (the smuggling checks
need that) and can make it slow, close early, answer chunked or upgrade to
a WebSocket-like echo. Prints TAP. Usage: serve_test.py path/to/sekisho
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

SEKISHO = os.path.abspath(sys.argv[1])
# The default ACL blocks Host: localhost and requests without a User-Agent.
HOST = "Host: shop.example.com\r\nUser-Agent: serve-test/1.0"
TMP = tempfile.mkdtemp(prefix="sekisho-serve-")

results = []


def ok(cond, name, detail=""):
    results.append(bool(cond))
    n = len(results)
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, name), flush=True)
    if not cond and detail:
        for line in str(detail).splitlines()[:20]:
            print("#   " + line, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---------------------------------------------------------------- upstream


class Upstream:
    """Records every request's raw bytes; answers by path."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.requests = []  # (head bytes, body bytes)
        self.lock = threading.Lock()
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self.handle, args=(c,), daemon=True).start()

    @staticmethod
    def read_until(c, buf, token):
        while token not in buf:
            d = c.recv(65536)
            if not d:
                return None, buf
            buf += d
        i = buf.index(token) + len(token)
        return buf[:i], buf[i:]

    def read_body(self, c, head, buf):
        h = head.lower()
        if b"\r\ntransfer-encoding: chunked" in h:
            body = b""
            while True:
                line, buf = self.read_until(c, buf, b"\r\n")
                if line is None:
                    return None, buf
                size = int(line.strip().split(b";")[0], 16)
                if size == 0:
                    _, buf = self.read_until(c, buf, b"\r\n")
                    return body, buf
                while len(buf) < size + 2:
                    d = c.recv(65536)
                    if not d:
                        return None, buf
                    buf += d
                body += buf[:size]
                buf = buf[size + 2:]
        n = 0
        for line in h.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        while len(buf) < n:
            d = c.recv(65536)
            if not d:
                return None, buf
            buf += d
        return buf[:n], buf[n:]

    def handle(self, c):
        buf = b""
        reset_next = False  # after /reset-next, the next request on it gets a reset
        try:
            while True:
                head, buf = self.read_until(c, buf, b"\r\n\r\n")
                if head is None:
                    return
                if reset_next:
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                body, buf = self.read_body(c, head, buf)
                if body is None:
                    return
                with self.lock:
                    self.requests.append((head, body))
                if not self.answer(c, head, body):
                    return
                reset_next = head.split(b"\r\n")[0].split(b" ")[1].startswith(b"/reset-next")
        except (OSError, ValueError):
            pass
        finally:
            c.close()

    def answer(self, c, head, body):
        line = head.split(b"\r\n")[0].decode()
        method, target = line.split(" ")[0], line.split(" ")[1]
        path = target.split("?")[0]
        if path == "/slow":
            time.sleep(3)
        if path == "/slowish":
            time.sleep(0.5)
        if path == "/chunked":
            c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")
            return True
        if path == "/close":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
            return False
        if path == "/ws":
            c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      b"Connection: Upgrade\r\n\r\n")
            while True:
                d = c.recv(65536)
                if not d:
                    return False
                c.sendall(d)
        if path == "/big":
            data = b"x" * (1 << 20)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
            return True
        if path == "/smuggle":
            # A response with both framings: the gateway must refuse it.
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            return False
        out = json.dumps({"method": method, "target": target, "body_len": len(body)}).encode()
        extra = b""
        if method == "HEAD":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(out))
            return True
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra +
                  b"Content-Length: %d\r\n\r\n" % len(out) + out)
        return True

    def count(self):
        with self.lock:
            return len(self.requests)

    def last(self):
        with self.lock:
            return self.requests[-1] if self.requests else (b"", b"")


class Smtp:
    """An SMTP server on loopback that keeps (from, to, text) of each mail."""

    def __init__(self):
        import warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd
        box = self
        self.messages = []

        class S(smtpd.SMTPServer):
            def process_message(self, peer, mailfrom, rcpttos, data, **kw):
                text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
                box.messages.append((mailfrom, rcpttos, text))

        self.server = S(("127.0.0.1", 0), None, decode_data=False)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True).start()


class Hook:
    """A webhook receiver: records the bodies POSTed to it."""

    def __init__(self):
        import http.server
        hook = self
        self.messages = []
        self.fail_next = 0
        self.refused = 0

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if hook.fail_next:
                    hook.fail_next -= 1
                    hook.refused += 1
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                hook.messages.append(body.decode())
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---------------------------------------------------------------- gateway


class Gateway:
    def __init__(self, upstream_port, extra=(), config=None, name="gw"):
        self.port = free_port()
        self.admin = free_port()
        self.log = os.path.join(TMP, name + ".log")
        self.err = open(os.path.join(TMP, name + ".err"), "w+")
        args = [SEKISHO, "serve", "--listen", "127.0.0.1:%d" % self.port,
                "--upstream", "http://127.0.0.1:%d" % upstream_port,
                "--admin", "127.0.0.1:%d" % self.admin, "--log", self.log, "--workers", "2"]
        if config:
            path = os.path.join(TMP, name + ".yaml")
            with open(path, "w") as f:
                f.write(config)
            args += ["--config", path]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.err, cwd=TMP)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                socket.create_connection(("127.0.0.1", self.admin), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)

    def stderr(self):
        self.err.flush()
        with open(self.err.name) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log_records(self):
        time.sleep(0.3)  # records are flushed every 200 ms
        try:
            with open(self.log) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.settimeout(10)
    return s


def read_response(s, buf=b"", head_only=False):
    """Reads one response; returns (status, headers dict, body, rest)."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return None, {}, b"", buf
        buf += d
    i = buf.index(b"\r\n\r\n")
    head, buf = buf[:i].decode("latin-1"), buf[i + 4:]
    lines = head.split("\r\n")
    status = int(lines[0].split(" ")[1])
    hdrs = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        hdrs[k.strip().lower()] = v.strip()
    if head_only or status in (101, 204, 304) or 100 <= status < 200:
        return status, hdrs, b"", buf
    if hdrs.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            while b"\r\n" not in buf:
                d = s.recv(65536)
                if not d:
                    return status, hdrs, body, buf
                buf += d
            j = buf.index(b"\r\n")
            size = int(buf[:j], 16)
            buf = buf[j + 2:]
            while len(buf) < size + 2:
                d = s.recv(65536)
                if not d:
                    return status, hdrs, body, buf
                buf += d
            if size == 0:
                return status, hdrs, body, buf[2:]
            body += buf[:size]
            buf = buf[size + 2:]
    if "content-length" in hdrs:
        n = int(hdrs["content-length"])
        while len(buf) < n:
            d = s.recv(65536)
            if not d:
                break
            buf += d
        return status, hdrs, buf[:n], buf[n:]
    while True:  # until close
        d = s.recv(65536)
        if not d:
            return status, hdrs, buf, b""
        buf += d


def request(port, raw):
    s = connect(port)
    try:
        s.sendall(raw)
        return read_response(s)
    finally:
        s.close()


def closed_after(s):
    """Whether the server closed the connection (after what it sent)."""
    try:
        s.settimeout(3)
        while True:
            d = s.recv(65536)
            if not d:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def get(path, extra=""):
    return ("GET %s HTTP/1.1\r\n%s\r\n%s\r\n" % (path, HOST, extra)).encode()


def allow_until_passes(port, request_id, args, probe):
    """Runs `sekisho allow REQUEST_ID ARGS` until the event is in the store (it lands a moment
    after the answer), then sends probe until the reloaded rules let it through (the reload
    takes its time, longer under the sanitizers on a busy machine). Gives up after 20 s.
    Returns allow's result and the probe's last status."""
    deadline = time.time() + 20
    while True:
        r = subprocess.run([SEKISHO, "allow", request_id] + args, capture_output=True, text=True,
                           timeout=60)
        if r.returncode == 0 or time.time() > deadline:
            break
        time.sleep(0.2)
    while True:
        st, _, _, _ = request(port, get(probe))
        if st == 200 or r.returncode != 0 or time.time() > deadline:
            return r, st
        time.sleep(0.2)


# ---------------------------------------------------------------- tests



def tea_acl():
    """A web ACL with one rule: Block paths starting with /tea, answering 418."""
    return {
        "Name": "custom", "DefaultAction": {"Allow": {}},
        "VisibilityConfig": {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                             "MetricName": "custom"},
        "CustomResponseBodies": {"teapot": {"ContentType": "APPLICATION_JSON",
                                            "Content": "{\"error\":\"no tea\"}"}},
        "Rules": [{
            "Name": "no-tea", "Priority": 1,
            "Statement": {"ByteMatchStatement": {
                "SearchString": "/tea", "FieldToMatch": {"UriPath": {}},
                "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                "PositionalConstraint": "STARTS_WITH"}},
            "Action": {"Block": {"CustomResponse": {
                "ResponseCode": 418, "CustomResponseBodyKey": "teapot",
                "ResponseHeaders": [{"Name": "X-Why", "Value": "tea"}]}}},
            "VisibilityConfig": {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                                 "MetricName": "no-tea"}}],
    }


def store_suite(up, store_of, acl):
    """What the event store must do, on SQLite or on PostgreSQL alike."""
    store = store_of("suite")
    kind = "postgres" if store.startswith("postgres") else "sqlite"
    gw = Gateway(up.port, ["--events", store], name="suite-" + str(abs(hash(store)) % 1000))
    sqli = "/search?q=1%27%20OR%20%271%27%3D%271"
    st, h, _, _ = request(gw.port, get(sqli))
    request(gw.port, get("/files?name=../../../etc/passwd", "X-Forwarded-For: 1.2.3.4\r\n"))
    request(gw.port, get("/fine"))
    # a header that is not UTF-8 (0xff): stored all the same, with U+FFFD
    request(gw.port, b"GET /bin?q=<script>alert(1)</script> HTTP/1.1\r\nHost: shop.example.com\r\n"
            b"User-Agent: Mozilla/5.0 \xff\xfe\r\n\r\n")
    restart = os.environ.get("SEKISHO_TEST_PG_RESTART")
    if restart:  # the store's server goes away and comes back: the gateway reconnects
        time.sleep(0.5)
        subprocess.run(restart, shell=True, capture_output=True, timeout=60)
        request(gw.port, get("/after-restart?q=<script>alert(2)</script>"))
    gw.stop()  # drains the event queue

    def events(*args):
        r = subprocess.run([SEKISHO, "events", "--events", store, "--json"] + list(args),
                           capture_output=True, text=True, timeout=30)
        return r, [json.loads(line) for line in r.stdout.splitlines() if line.strip()]

    r, evs = events()
    sqli_ev = [e for e in evs if "SQLi" in e["terminating_rule"]]
    want = 4 if restart else 3
    ok(r.returncode == 0 and len(evs) == want and sqli_ev and sqli_ev[0]["request_id"] ==
       h.get("x-request-id") and sqli_ev[0]["action"] == "BLOCK" and sqli_ev[0]["path"] == "/search"
       and "SQL injection" in sqli_ev[0]["reason"] and sqli_ev[0]["request"]["method"] == "GET",
       "[%s] blocked requests are stored with rule, reason and request (a non-UTF-8 header too%s); "
       "allowed ones not" % (kind, ", and across a restart of the server" if restart else ""),
       (r.stderr, evs))
    checks = [(["--rule", "SQLi_QUERYARGUMENTS"], 1), (["--label", "GenericLFI_QueryArguments"], 1),
              (["--path", "/fil"], 1), (["--ip", "127.0.0.1"], want), (["--action", "COUNT"], 0),
              (["--since", "1h"], want), (["--limit", "1"], 1), (["--rule", "SQLi_BODY"], 0)]
    got = [(a, len(events(*a)[1])) for a, _ in checks]
    ok(got == [(a, n) for a, n in checks], "[%s] filters: rule, label, path, ip, action, since, limit"
       % kind, got)
    r = subprocess.run([SEKISHO, "events", "show", str(sqli_ev[0]["id"] if sqli_ev else 0),
                        "--events", store], capture_output=True, text=True, timeout=20)
    ok(r.returncode == 0 and "SQLi_QUERYARGUMENTS" in r.stdout and 'query argument "q"' in r.stdout
       and "sekisho allow" in r.stdout, "[%s] events show tells the whole story" % kind,
       r.stdout + r.stderr)
    r = subprocess.run([SEKISHO, "events", "show", "999999", "--events", store],
                       capture_output=True, text=True, timeout=20)
    ok(r.returncode == 2 and "no event 999999" in r.stderr,
       "[%s] an event id that does not exist" % kind, r.stderr)
    r = subprocess.run([SEKISHO, "events", "summary", "--events", store], capture_output=True,
                       text=True, timeout=20)
    ok(r.returncode == 0 and ("%d events" % want) in r.stdout and "Top rules" in r.stdout,
       "[%s] events summary" % kind, r.stdout)

    # -- sekisho allow: the narrowest change, written, reloaded
    acl_file = os.path.join(TMP, "allow-acl.json")
    with open(acl_file, "w") as f:
        f.write(subprocess.run([SEKISHO, "acl", "default"], capture_output=True,
                               text=True).stdout)
    store = store_of("allow")
    gw = Gateway(up.port, ["--acl", acl_file, "--events", store], name="allow")
    attack = "/docs/search?q=select%20name%20from%20users%20where%20id%3D1%20or%201%3D1"
    st0, h0, _, _ = request(gw.port, get(attack))
    r, st1 = allow_until_passes(gw.port, h0.get("x-request-id", "none"),
                                ["--events", store, "--acl", acl_file, "--reload", "--admin",
                                 "127.0.0.1:%d" % gw.admin], attack)
    st2, _, _, _ = request(gw.port, get(attack.replace("/docs/search", "/other")))
    st3, _, _, _ = request(gw.port, get("/docs/search?q=<script>alert(1)</script>"))
    v = subprocess.run([SEKISHO, "acl", "validate", acl_file], capture_output=True, text=True)
    ok(st0 == 403 and r.returncode == 0 and "RuleActionOverrides" in r.stdout
       and "+++ " in r.stdout and st1 == 200 and st2 == 403 and st3 == 403
       and v.returncode == 0 and os.path.exists(acl_file + ".bak"),
       "sekisho allow (by request id): that request passes, the rule still blocks elsewhere, "
       "other attacks on the path stay blocked", (st0, r.returncode, r.stderr, st1, st2, st3,
                                                  v.stdout + v.stderr))
    r = subprocess.run([SEKISHO, "allow", "99999", "--events", store, "--acl", acl_file],
                       capture_output=True, text=True, timeout=30)
    ok(r.returncode == 2 and "no such event" in r.stderr, "allow: an event that does not exist",
       r.stderr)
    # --param: the exception follows one query argument's value, not the path
    attack2 = "/report?sort=id%20desc&q=1%27%20or%20%271%27%3D%271"
    st0, h0, _, _ = request(gw.port, get(attack2))
    r, st1 = allow_until_passes(gw.port, h0.get("x-request-id", "none"),
                                ["--events", store, "--acl", acl_file, "--param", "q",
                                 "--reload", "--admin", "127.0.0.1:%d" % gw.admin], attack2)
    st2, _, _, _ = request(gw.port, get("/report?q=1%27%20or%20%272%27%3D%272"))
    st3, _, _, _ = request(gw.port, get(attack2.replace("/report", "/other-report")))
    ok(st0 == 403 and r.returncode == 0 and "SingleQueryArgument" in r.stdout and st1 == 200
       and st2 == 403 and st3 == 403,
       "allow --param q: that value on that path passes; another value, or another path, not",
       (st0, r.returncode, r.stderr, st1, st2, st3))
    gw.stop()
    # a wrapped document (as get-web-acl prints it) with a plain rule: it stays wrapped and base64
    wrapped = {"WebACL": json.loads(json.dumps(acl)), "LockToken": "abc"}
    wrapped["WebACL"]["Rules"][0]["Statement"]["ByteMatchStatement"]["SearchString"] = "L3RlYQ=="
    wfile = os.path.join(TMP, "wrapped.json")
    with open(wfile, "w") as f:
        json.dump(wrapped, f)
    store = store_of("wrapped")
    gw = Gateway(up.port, ["--acl", wfile, "--events", store], name="wrapped")
    st0, _, _, _ = request(gw.port, get("/tea/green"))
    deadline = time.time() + 20
    while True:  # the event lands a moment after the answer
        first = subprocess.run([SEKISHO, "events", "--events", store, "--json"],
                               capture_output=True, text=True).stdout.splitlines()
        if first or time.time() > deadline:
            break
        time.sleep(0.2)
    eid = str(json.loads(first[0])["id"]) if first else "0"
    r = subprocess.run([SEKISHO, "allow", eid, "--events", store, "--acl", wfile, "--write"],
                       capture_output=True, text=True, timeout=60)
    gw.proc.send_signal(signal.SIGHUP)
    while True:  # the reload takes its time
        st1, _, _, _ = request(gw.port, get("/tea/green"))
        if st1 == 200 or r.returncode != 0 or time.time() > deadline:
            break
        time.sleep(0.2)
    st2, _, _, _ = request(gw.port, get("/tea/black"))
    doc = json.load(open(wfile))
    stmts = json.dumps(doc)
    ok(st0 == 418 and r.returncode == 0 and "WebACL" in doc and doc.get("LockToken") == "abc"
       and "L3RlYS9ncmVlbg==" in stmts and st1 == 200 and st2 == 418,
       "allow on a wrapped document: stays wrapped, search string in base64, the rule scoped off "
       "the path", (st0, r.returncode, r.stderr, st1, st2))
    gw.stop()



def main():
    up = Upstream()
    pg = os.environ.get("SEKISHO_TEST_PG")  # "postgres://.../" base URL: the store suite only
    if pg:
        store_suite(up, lambda name: pg + name, tea_acl())
        failed = results.count(False)
        print("# %d passed, %d failed" % (len(results) - failed, failed))
        return 1 if failed else 0
    acl_dir = os.path.join(TMP, "acl")
    os.makedirs(acl_dir)
    config = ("inspection:\n  body_limit: 32KiB\n  body_buffer: 64KiB\n"
              "timeouts:\n  upstream: 1s\n  header: 1s\n  body: 2s\n")
    gw = Gateway(up.port, config=config)
    port = gw.port

    # -- passing and blocked
    st, h, body, _ = request(port, get("/hello?x=1"))
    head, _ = up.last()
    ok(st == 200 and b'"/hello?x=1"' in body, "an ordinary request passes", (st, body))
    ok(b"\r\nX-Forwarded-For: 127.0.0.1\r\n" in head and b"\r\nX-Forwarded-Proto: http\r\n" in head,
       "the upstream gets X-Forwarded-For and X-Forwarded-Proto", head)
    ok(b"\r\nX-Request-Id: " in head, "the upstream gets a request id header", head)

    before = up.count()
    st, h, body, _ = request(port, get("/search?q=1%27%20OR%20%271%27%3D%271"))
    ok(st == 403 and up.count() == before, "SQL injection is blocked without contacting the upstream",
       (st, up.count(), before))
    recs = gw.log_records()
    blocked = [r for r in recs if r.get("action") == "BLOCK"]
    ok(blocked and blocked[-1]["httpRequest"]["requestId"] == h.get("x-request-id"),
       "a blocked request is logged as an AWS WAF record with its request id",
       json.dumps(recs[-1:])[:800])
    ok(blocked and "SQLi" in json.dumps(blocked[-1]["ruleGroupList"]),
       "the log record names the SQLi rule", json.dumps(blocked[-1:])[:800])
    ok(not [r for r in recs if r.get("action") == "ALLOW"], "allowed requests are not logged by default")

    # -- the event store (default: ./sekisho-events.db, here in TMP)
    time.sleep(0.3)
    r = subprocess.run([SEKISHO, "events", "--events", os.path.join(TMP, "sekisho-events.db"),
                        "--json"], capture_output=True, text=True, timeout=20)
    evs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    sqli = [e for e in evs if "SQLi" in e["terminating_rule"]]
    ok(r.returncode == 0 and sqli and sqli[-1]["request_id"] == h.get("x-request-id")
       and sqli[-1]["action"] == "BLOCK" and sqli[-1]["path"] == "/search"
       and "SQL injection" in sqli[-1]["reason"],
       "a blocked request is in the event store, with its rule and reason", (r.stderr, evs[-1:]))
    r = subprocess.run([SEKISHO, "events", "show", str(sqli[-1]["id"] if sqli else 0), "--events",
                        os.path.join(TMP, "sekisho-events.db")], capture_output=True, text=True,
                       timeout=20)
    ok(r.returncode == 0 and "SQLi_QUERYARGUMENTS" in r.stdout and 'query argument "q"' in r.stdout
       and "sekisho allow" in r.stdout, "sekisho events show tells the whole story", r.stdout)
    r = subprocess.run([SEKISHO, "events", "show", "999999", "--events",
                        os.path.join(TMP, "sekisho-events.db")], capture_output=True, text=True,
                       timeout=20)
    ok(r.returncode == 2 and "no event 999999" in r.stderr, "an event id that does not exist",
       r.stderr)

    # -- keep-alive and pipelining
    conns = up.connections
    s = connect(port)
    s.sendall(get("/a"))
    st1, _, b1, rest = read_response(s)
    s.sendall(get("/b"))
    st2, _, b2, rest = read_response(s, rest)
    ok(st1 == 200 and st2 == 200 and b'"/a"' in b1 and b'"/b"' in b2,
       "keep-alive: two requests on one client connection")
    s.sendall(get("/p1") + get("/p2") + get("/p3"))
    got = []
    for _ in range(3):
        st, _, b, rest = read_response(s, rest)
        got.append((st, b))
    ok([g[0] for g in got] == [200] * 3 and b'"/p1"' in got[0][1] and b'"/p3"' in got[2][1],
       "pipelining: three requests in one write, answered in order", got)
    s.close()
    ok(up.connections - conns <= 2, "upstream connections are pooled and reused",
       up.connections - conns)

    # A pooled connection the upstream resets when it is reused: the GET never
    # reached the app, so it goes again, once, on a new connection.
    s = connect(port)
    s.sendall(get("/reset-next"))
    st1, _, b1, rest = read_response(s)
    s.sendall(get("/after-reset"))
    st2, _, b2, rest = read_response(s, rest)
    s.close()
    ok(st1 == 200 and st2 == 200 and b'"/after-reset"' in b2,
       "a pooled upstream connection reset on reuse: the GET is sent again on a new one",
       (st1, st2, b2))

    # -- chunked both ways
    raw = ("POST /upload HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\n"
           "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" % HOST).encode()
    st, _, body, _ = request(port, raw)
    head, ubody = up.last()
    ok(st == 200 and ubody == b"hello world" and b"Content-Length: 11\r\n" in head
       and b"chunked" not in head.lower(),
       "a chunked request body reaches the upstream decoded, with one Content-Length", (head, ubody))
    st, h, body, _ = request(port, get("/chunked"))
    ok(st == 200 and body == b"hello, world" and h.get("transfer-encoding") == "chunked",
       "a chunked response is relayed chunked", (st, h, body))
    st, h, body, _ = request(port, get("/close"))
    ok(st == 200 and body == b"until the end", "a response delimited by close is relayed whole",
       (st, h, body))
    st, h, body, _ = request(port, get("/big"))
    ok(st == 200 and len(body) == 1 << 20, "a 1 MiB response is relayed whole", len(body))

    # -- HEAD, Expect: 100-continue
    s = connect(port)
    s.sendall(("HEAD /h HTTP/1.1\r\n%s\r\n\r\n" % HOST).encode())
    st, h, body, rest = read_response(s, head_only=True)
    s.sendall(get("/after-head"))
    st2, _, b2, _ = read_response(s, rest)
    ok(st == 200 and body == b"" and st2 == 200 and b'"/after-head"' in b2,
       "HEAD: no body follows, and the connection goes on", (st, h, st2, b2))
    s.close()
    s = connect(port)
    s.sendall(("POST /e HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n" % HOST).encode())
    st, _, _, rest = read_response(s)
    s.sendall(b"hello")
    st2, _, b2, _ = read_response(s, rest)
    ok(st == 100 and st2 == 200 and b'"body_len": 5' in b2, "Expect: 100-continue", (st, st2, b2))
    s.close()

    # -- headers are judged before the body comes: no 100 Continue for a blocked head
    s = connect(port)
    s.sendall(("POST /tea-time HTTP/1.1\r\nHost: shop.example.com\r\nContent-Type: text/plain\r\n"
               "Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n").encode())
    st, _, _, _ = read_response(s)  # no User-Agent: NoUserAgent_HEADER decides on the head
    s.close()
    before = up.count()
    ok(st == 403 and up.count() == before,
       "a request blocked on its head is answered before its body (no 100 Continue)", st)
    s = connect(port)
    s.sendall(("POST /e2 HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
               "Expect: 100-continue\r\n\r\n" % HOST).encode())
    st, _, _, rest = read_response(s)
    s.sendall(b"hello")
    st2, _, _, _ = read_response(s, rest)
    s.close()
    ok(st == 100 and st2 == 200, "a head the rules pass still gets 100 Continue", (st, st2))

    # -- bodies past the inspection limit
    big_text = b"a=" + b"lorem ipsum " * 20000
    raw = (("POST /form HTTP/1.1\r\n%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(big_text))).encode() + big_text)
    before = up.count()
    st, _, _, _ = request(port, raw)
    ok(st == 403 and up.count() == before,
       "a text body past the buffer is blocked by SizeRestrictions_BODY", st)
    # The answer comes before the client has sent its body: it must still
    # read a 403, not a reset (the gateway lingers, reading and dropping).
    big_text = b"a=" + b"lorem ipsum " * 400000
    s = connect(port)
    s.sendall(("POST /form HTTP/1.1\r\n%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               "Content-Length: %d\r\n\r\n" % (HOST, len(big_text))).encode())
    sent = 0
    try:
        for i in range(0, len(big_text), 65536):
            s.sendall(big_text[i:i + 65536])
            sent += 65536
    except OSError:
        pass
    try:
        st, _, _, _ = read_response(s)
    except OSError as e:
        st = str(e)
    s.close()
    ok(st == 403, "a client still sending a refused body reads its 403", (st, sent))
    blob = bytes(range(256)) * 1024  # 256 KiB of binary
    raw = (("POST /file HTTP/1.1\r\n%s\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(blob))).encode() + blob)
    st, _, body, _ = request(port, raw)
    head, ubody = up.last()
    ok(st == 200 and ubody == blob, "a binary body past the buffer streams through whole",
       (st, len(ubody)))
    chunks = b"".join(b"%x\r\n" % 4096 + blob[i:i + 4096] + b"\r\n" for i in range(0, len(blob), 4096))
    raw = (("POST /file2 HTTP/1.1\r\n%s\r\nContent-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" % HOST).encode() + chunks + b"0\r\n\r\n")
    st, _, body, _ = request(port, raw)
    head, ubody = up.last()
    ok(st == 200 and ubody == blob and b"transfer-encoding: chunked" in head.lower(),
       "a long chunked body streams through re-chunked", (st, len(ubody)))

    # -- compressed bodies: inspected inflated, forwarded as sent
    import gzip
    import zlib
    attack = gzip.compress(b"q=1' UNION SELECT password FROM users--")
    raw = (("POST /gz HTTP/1.1\r\n%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % (HOST, len(attack))).encode()
           + attack)
    before = up.count()
    st, _, _, _ = request(port, raw)
    ok(st == 403 and up.count() == before, "an attack inside a gzip body is blocked", st)
    plain = zlib.compress(b"comment=Nice+shoes%2C+thanks")
    raw = (("POST /df HTTP/1.1\r\n%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Encoding: deflate\r\nContent-Length: %d\r\n\r\n" % (HOST, len(plain))).encode()
           + plain)
    st, _, _, _ = request(port, raw)
    head, ubody = up.last()
    ok(st == 200 and ubody == plain and b"Content-Encoding: deflate" in head,
       "a benign deflate body passes and is forwarded compressed", (st, head))
    bomb = gzip.compress(b"a" * (8 << 20))
    raw = (("POST /bomb HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(bomb))).encode() + bomb)
    st, _, _, _ = request(port, raw)
    ok(st == 413, "a decompression bomb is refused with 413", st)
    raw = (("POST /br HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\nContent-Encoding: br\r\n"
            "Content-Length: 3\r\n\r\nabc" % HOST).encode())
    st, _, _, _ = request(port, raw)
    ok(st == 415, "a body in a coding that cannot be inspected gets 415", st)
    raw = (("POST /bad HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
            "Content-Length: 5\r\n\r\nhello" % HOST).encode())
    st, _, _, _ = request(port, raw)
    ok(st == 400, "a body that is not valid gzip gets 400", st)

    # -- multipart: an upload passes, an ambiguous body is refused
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    mp = (b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy cat\r\n"
          b"--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"cat.png\"\r\n"
          b"Content-Type: image/png\r\n\r\n" + png + b"\r\n--XyZ--\r\n")
    raw = (("POST /upload HTTP/1.1\r\n%s\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(mp))).encode() + mp)
    st, _, _, _ = request(port, raw)
    head, ubody = up.last()
    ok(st == 200 and ubody == mp, "a multipart image upload passes whole", st)
    amb = mp.replace(b"\r\n--XyZ--\r\n", b"\r\n")  # no closing boundary
    raw = (("POST /upload HTTP/1.1\r\n%s\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(amb))).encode() + amb)
    st, _, _, _ = request(port, raw)
    ok(st == 400, "a multipart body without its closing boundary is refused", st)
    amb = mp.replace(b'name="title"', b'name="title"; name="other"')
    raw = (("POST /upload HTTP/1.1\r\n%s\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(amb))).encode() + amb)
    st, _, _, _ = request(port, raw)
    ok(st == 400, "a multipart part with a repeated name parameter is refused", st)

    # -- the request-smuggling family: refused with 400 and a close
    bad = {
        "Content-Length and Transfer-Encoding":
            "POST / HTTP/1.1\r\n%s\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "two Content-Length headers":
            "POST / HTTP/1.1\r\n%s\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        "Content-Length list": "POST / HTTP/1.1\r\n%s\r\nContent-Length: 1, 1\r\n\r\nx",
        "Content-Length with a sign": "POST / HTTP/1.1\r\n%s\r\nContent-Length: +1\r\n\r\nx",
        "unknown transfer coding": "POST / HTTP/1.1\r\n%s\r\nTransfer-Encoding: gzip\r\n\r\n",
        "chunked twice": "POST / HTTP/1.1\r\n%s\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding repeated":
            "POST / HTTP/1.1\r\n%s\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "bad chunk size": "POST / HTTP/1.1\r\n%s\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "chunk size with junk": "POST / HTTP/1.1\r\n%s\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n",
        "chunk data without CRLF": "POST / HTTP/1.1\r\n%s\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhelloX\r\n0\r\n\r\n",
        "obs-fold": "GET / HTTP/1.1\r\n%s\r\nX-A: one\r\n two\r\n\r\n",
        "whitespace before the colon": "GET / HTTP/1.1\r\n%s\r\nContent-Length : 0\r\n\r\n",
        "bare CR": "GET / HTTP/1.1\r\n%s\r\nX-A: a\rb\r\n\r\n",
        "bare LF": "GET / HTTP/1.1\n%s\n\n",
        "invalid character in a name": "GET / HTTP/1.1\r\n%s\r\nX(A): 1\r\n\r\n",
        "no Host": "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n%s",
        "two Host headers": "GET / HTTP/1.1\r\n%s\r\nHost: other.example\r\n\r\n",
        "Transfer-Encoding in HTTP/1.0": "POST / HTTP/1.0\r\n%s\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    }
    before = up.count()
    for name, tmpl in bad.items():
        s = connect(port)
        s.sendall((tmpl % HOST if "%s" in tmpl else tmpl).encode())
        st, _, body, rest = read_response(s)
        closed = closed_after(s)
        s.close()
        ok(st in (400, 501) and closed, "refused: " + name, (st, body, closed))
    ok(up.count() == before, "no refused message reached the upstream", up.count() - before)
    s = connect(port)
    s.sendall(("GET / HTTP/1.1\r\n%s\r\nX-Long: %s\r\n\r\n" % (HOST, "a" * 40000)).encode())
    st, _, _, _ = read_response(s)
    s.close()
    ok(st == 431, "an oversized header section gets 431", st)

    # -- what the review of the first version found, kept found
    s = connect(port)  # a deep pipeline of blocked requests behind a slow one
    s.sendall(get("/slowish") + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 8000)
    got = 0
    rest = b""
    try:
        while got < 8001:
            st, _, _, rest = read_response(s, rest)
            if st is None:
                break
            got += 1
    except OSError:
        pass
    s.close()
    st, _, _, _ = request(port, get("/still-alive"))
    ok(got == 8001 and st == 200, "8,000 pipelined blocked requests: all answered, no crash",
       (got, st))
    big = bytes(range(256)) * (12 * 1024)  # 3 MiB, well past the 64 KiB buffer
    raw = (("PUT /big-upload HTTP/1.1\r\n%s\r\nContent-Type: application/octet-stream\r\n"
            "Content-Length: %d\r\n\r\n" % (HOST, len(big))).encode() + big)
    st, _, _, _ = request(port, raw)
    _, ubody = up.last()
    ok(st == 200 and ubody == big, "a 3 MiB upload streams through whole (backpressure)",
       (st, len(ubody)))
    before = up.count()
    st, _, _, _ = request(port, ("GET http://admin.internal/x HTTP/1.1\r\n%s\r\n\r\n"
                                 % HOST).encode())
    ok(st == 400 and up.count() == before,
       "an absolute-form target naming another host than Host is refused", st)
    st, _, _, _ = request(port, ("GET http://shop.example.com/abs?q=1 HTTP/1.1\r\n%s\r\n\r\n"
                                 % HOST).encode())
    head, _ = up.last()
    ok(st == 200 and head.startswith(b"GET /abs?q=1 HTTP/1.1\r\n"),
       "an absolute-form target goes upstream in origin form", head[:80])
    st, _, _, _ = request(port, ("CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432"
                                 "\r\nUser-Agent: t\r\n\r\n").encode())
    ok(st == 405, "CONNECT gets 405", st)
    st, _, _, _ = request(port, ("GET /up2 HTTP/1.1\r\n%s\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                                 "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"
                                 % HOST).encode())
    head, _ = up.last()
    ok(st == 200 and b"h2c" not in head.lower() and b"upgrade" not in head.lower(),
       "an h2c upgrade is not passed on (only WebSocket is tunnelled)", head)
    st, _, _, _ = request(port, b"GET /old HTTP/1.0\r\nUser-Agent: t\r\n\r\n")
    head, _ = up.last()
    ok(st == 200 and b"\r\nHost: 127.0.0.1:" in head, "HTTP/1.0 without Host gets one upstream",
       head)
    s = connect(port)
    s.sendall(get("/half-close"))
    s.shutdown(socket.SHUT_WR)
    st, _, body, _ = read_response(s)
    s.close()
    ok(st == 200 and b'"/half-close"' in body, "a half-closed client still gets its answer", st)
    s = connect(port)
    s.sendall(get("/hc1") + get("/hc2") + get("/hc3"))
    s.shutdown(socket.SHUT_WR)
    got = []
    rest = b""
    for _ in range(3):
        st, _, body, rest = read_response(s, rest)
        got.append(st)
    s.close()
    ok(got == [200, 200, 200], "a half-closed client gets every pipelined answer", got)
    many = "".join("Connection: x%d\r\n" % i for i in range(10))
    st, _, _, _ = request(port, ("GET /many-conn HTTP/1.1\r\n%s\r\n%sConnection: X-Foo\r\n"
                                 "X-Foo: 1\r\n\r\n" % (HOST, many)).encode())
    head, _ = up.last()
    ok(st == 200 and b"x-foo" not in head.lower(),
       "a header named in the 11th Connection header is still removed", head)
    st, _, _, _ = request(port, ("GET /conn-host HTTP/1.1\r\n%s\r\nConnection: Host, Cookie\r\n"
                                 "Cookie: a=b\r\n\r\n" % HOST).encode())
    head, _ = up.last()
    ok(st == 200 and b"\r\nHost: shop.example.com" in head and b"Cookie: a=b" in head,
       "Connection cannot strip Host or Cookie", head)

    # -- what the upstream receives is what was inspected
    raw = ("POST /n?q=1 HTTP/1.1\r\n%s\r\nConnection: keep-alive, X-Secret\r\nX-Secret: drop me\r\n"
           "Keep-Alive: timeout=5\r\nTE: trailers\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
           "X-Forwarded-For: 6.6.6.6\r\n\r\nabc" % HOST).encode()
    st, _, _, _ = request(port, raw)
    head, ubody = up.last()
    lower = head.lower()
    ok(st == 200 and head.startswith(b"POST /n?q=1 HTTP/1.1\r\n") and ubody == b"abc"
       and b"x-secret" not in lower and b"keep-alive:" not in lower and b"\r\nte:" not in lower
       and b"6.6.6.6" not in lower and lower.count(b"content-length") == 1,
       "hop-by-hop and Connection-named headers are removed; an untrusted X-Forwarded-For is replaced",
       head)

    # -- upstream errors
    st, _, body, _ = request(port, get("/slow"))
    ok(st == 504, "a slow upstream gets 504", (st, body))
    st, _, body, _ = request(port, get("/smuggle"))
    ok(st == 502, "an upstream response with both framings gets 502", (st, body))
    down = Gateway(free_port(), name="down")
    st, _, body, _ = request(down.port, get("/"))
    ok(st == 502, "an upstream that is down gets 502", (st, body))
    down.stop()

    # -- WebSocket-style upgrade, echo through the tunnel
    s = connect(port)
    s.sendall(("GET /ws HTTP/1.1\r\n%s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
               % HOST).encode())
    st, h, _, rest = read_response(s)
    s.sendall(b"\x81\x05hello")
    got = rest
    while len(got) < 7:
        d = s.recv(100)
        if not d:
            break
        got += d
    s.close()
    ok(st == 101 and got == b"\x81\x05hello", "an upgraded connection echoes through the proxy",
       (st, got))
    s = connect(port)
    s.sendall(("GET /ws?x=<script>alert(1)</script> HTTP/1.1\r\n%s\r\nConnection: Upgrade\r\n"
               "Upgrade: websocket\r\n\r\n" % HOST).encode())
    st, _, _, _ = read_response(s)
    s.close()
    ok(st == 403, "an upgrade handshake is inspected (XSS in it is blocked)", st)

    # -- slow clients
    s = connect(port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: shop.exa")
    time.sleep(1.5)
    st, _, _, _ = read_response(s)
    s.close()
    ok(st == 408, "a client that does not finish its head in time gets 408", st)

    s = connect(port)  # a slow POST: 10 bytes every 0.3 s, under the 500 bytes/s minimum
    s.sendall(("POST /slow-post HTTP/1.1\r\n%s\r\nContent-Type: text/plain\r\n"
               "Content-Length: 5000\r\n\r\n" % HOST).encode())
    t0 = time.time()
    st = None
    try:
        s.settimeout(0.3)
        for _ in range(40):
            s.sendall(b"x" * 10)
            try:
                d = s.recv(4096)
                if d:
                    st = int(d.split(b" ")[1])
                    break
            except socket.timeout:
                pass
    except OSError:
        pass
    s.close()
    took = time.time() - t0
    ok(st == 408, "a body trickled below timeouts.body_min_rate is cut (408 after %.1f s)" % took,
       (st, took))

    # -- admin
    st, _, body, _ = request(gw.admin, b"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
    ok(st == 200 and body == b"ok\n", "/healthz", (st, body))
    st, _, body, _ = request(gw.admin, b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
    ok(st == 200 and b'sekisho_requests_total{action="BLOCK"}' in body
       and b"sekisho_rule_matches_total{rule=" in body and b"sekisho_request_duration_seconds_bucket" in body,
       "/metrics in the Prometheus format", body[:300])

    rc = gw.stop()
    ok(rc == 0, "SIGTERM stops the gateway cleanly", (rc, gw.stderr()[-2000:]))

    # -- custom responses, trusted proxies, count-only
    acl = tea_acl()
    acl_path = os.path.join(acl_dir, "acl.json")
    with open(acl_path, "w") as f:
        json.dump(acl, f)
    gw = Gateway(up.port, ["--acl", acl_path, "--trusted-proxies",
                           "192.168.0.0/16,127.0.0.0/8,10.0.0.0/8"], name="custom")
    st, h, body, _ = request(gw.port, get("/tea/pot", "X-Forwarded-For: 203.0.113.9\r\n"))
    ok(st == 418 and body == b'{"error":"no tea"}' and h.get("x-why") == "tea"
       and h.get("content-type") == "application/json",
       "a custom response: code, body, content type and header", (st, h, body))
    recs = gw.log_records()
    ok(recs and recs[-1]["httpRequest"]["clientIp"] == "203.0.113.9",
       "behind a trusted proxy the client is the X-Forwarded-For address", json.dumps(recs[-1:])[:500])
    st, _, _, _ = request(gw.port, get("/coffee"))
    head, _ = up.last()
    ok(st == 200 and b"X-Forwarded-For: 127.0.0.1\r\n" in head, "other paths pass", (st, head))

    # -- reload: under load, a bad ACL refused, a good one taken
    stop = threading.Event()
    failures = []
    done = [0]

    def load():
        while not stop.is_set():
            try:
                st, _, _, _ = request(gw.port, get("/coffee"))
                if st != 200:
                    failures.append(st)
                done[0] += 1
            except OSError as e:
                failures.append(str(e))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(5):
        time.sleep(0.2)
        gw.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    ok(not failures and done[0] > 20, "five reloads under load: no failed request (%d sent)" % done[0],
       failures[:5])
    with open(acl_path, "w") as f:
        f.write('{"Name": "broken", "Rules": [')
    gw.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    st, _, _, _ = request(gw.port, get("/tea"))
    ok(st == 418 and "reload refused" in gw.stderr(), "a broken ACL is refused and the old one runs on",
       (st, gw.stderr()[-500:]))
    acl["Rules"][0]["Statement"]["ByteMatchStatement"]["SearchString"] = "/coffee"
    with open(acl_path, "w") as f:
        json.dump(acl, f)
    subprocess.run([SEKISHO, "reload", "--admin", "127.0.0.1:%d" % gw.admin], capture_output=True)
    time.sleep(0.5)
    st1, _, _, _ = request(gw.port, get("/coffee"))
    st2, _, _, _ = request(gw.port, get("/tea"))
    ok(st1 == 418 and st2 == 200, "sekisho reload takes a new ACL", (st1, st2))

    # -- a request in flight across a reload is inspected by the old rules
    s = connect(gw.port)
    s.sendall(b"GET /coffee HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: t\r\n")
    time.sleep(0.2)
    gw.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    for _ in range(4):  # other requests move the workers to the new generation
        request(gw.port, get("/x"))
    s.sendall(b"\r\n")
    st, _, _, _ = read_response(s)
    s.close()
    ok(st == 418, "a request begun before a reload is judged by the rules it began under", st)

    # -- graceful shutdown: in-flight requests finish, new connections are refused
    result = {}

    def slow():
        result["r"] = request(gw.port, get("/slowish"))

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    gw.proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    try:
        socket.create_connection(("127.0.0.1", gw.port), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    t.join()
    rc = gw.proc.wait(timeout=20)
    ok(result.get("r", (0,))[0] == 200 and refused and rc == 0,
       "SIGTERM: new connections refused at once, the request in flight finishes",
       (result.get("r"), refused, rc))

    # -- count-only: blocks become counts, logged
    gw = Gateway(up.port, ["--count-only"], name="count")
    st, _, _, _ = request(gw.port, get("/search?q=1%27%20OR%20%271%27%3D%271"))
    recs = gw.log_records()
    ok(st == 200 and recs and recs[-1]["action"] == "ALLOW"
       and recs[-1]["nonTerminatingMatchingRules"] + recs[-1]["ruleGroupList"],
       "--count-only passes the attack and logs what would have blocked it", (st, recs[-1:]))
    gw.stop()

    # -- TLS on the listener
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=shop.example.com", "-keyout", key, "-out", cert],
                       capture_output=True)
    gw = Gateway(up.port, ["--tls-cert", cert, "--tls-key", key], name="tls")
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE

    def tls_request(raw):
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", gw.port), timeout=10))
        try:
            s.sendall(raw)
            return read_response(s)
        finally:
            s.close()

    st1, _, b1, _ = tls_request(get("/over-tls"))
    head, _ = up.last()
    st2, _, _, _ = tls_request(get("/x?q=<script>alert(1)</script>"))
    ok(r.returncode == 0 and st1 == 200 and b'"/over-tls"' in b1 and st2 == 403
       and b"X-Forwarded-Proto: https" in head,
       "TLS: requests are served, inspected and forwarded as https", (st1, st2, head))
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", gw.port), timeout=10))
    s.sendall(get("/k1"))
    a1, _, _, rest = read_response(s)
    s.sendall(get("/k2"))
    a2, _, b2, _ = read_response(s, rest)
    s.close()
    ok(a1 == 200 and a2 == 200 and b'"/k2"' in b2, "TLS: keep-alive", (a1, a2))
    st, _, _, _ = request(gw.port, get("/plain-to-tls"))
    ok(st is None, "plain HTTP to the TLS port gets no HTTP answer", st)
    ok(gw.stop() == 0, "TLS gateway stops cleanly", gw.stderr()[-500:])
    r = subprocess.run([SEKISHO, "serve", "--upstream", "http://127.0.0.1:1", "--tls-cert", cert,
                        "--tls-key", cert, "--no-admin", "--listen", "127.0.0.1:%d" % free_port()],
                       capture_output=True, text=True, timeout=20)
    ok(r.returncode == 2 and "tls:" in r.stderr, "a TLS key that does not load is a clear error",
       r.stderr)

    # -- alerts: a local webhook receiver stands in for Slack
    hook = Hook()
    # A window long enough that the burst surely fits in it, even on a slow machine.
    conf = ("notify:\n  window: 8s\n  silence:\n    labels: [NoUserAgent_Header]\n"
            "    paths: ['/junk/*']\n")
    gw = Gateway(up.port, ["--notify-webhook", "http://127.0.0.1:%d/hook" % hook.port],
                 config=conf, name="alerts")
    sqli = "/search?q=1%27%20OR%20%271%27%3D%271&x=<!channel>"
    t0 = time.time()
    for _ in range(100):
        request(gw.port, get(sqli))
    while not hook.messages and time.time() - t0 < 5:
        time.sleep(0.05)
    first_after = time.time() - t0
    time.sleep(1)
    burst = list(hook.messages)
    text = json.loads(burst[0])["text"] if burst else ""
    ok(len(burst) == 1 and "SQLi_QUERYARGUMENTS" in text and "sekisho allow" in text,
       "a burst of 100 identical blocks: one Slack-format message (first in %.1f s)" % first_after,
       burst[:3])
    ok("<!channel>" not in text and "&lt;!channel&gt;" in text,
       "request text is escaped for Slack (no <!channel> mention)", text)
    while len(hook.messages) < 2 and time.time() - t0 < 20:  # the window ends at 8 s
        time.sleep(0.2)
    follow = hook.messages[1:]
    ok(len(follow) == 1 and "99 more" in json.loads(follow[0])["text"],
       "the repeats are summed up in one follow-up message after the window", follow)
    n = len(hook.messages)
    request(gw.port, ("GET /quiet?q=<script>alert(1)</script> HTTP/1.1\r\nHost: shop.example.com"
                      "\r\n\r\n").encode())  # no User-Agent: NoUserAgent_HEADER, silenced
    request(gw.port, get("/junk/x?q=<script>alert(1)</script>"))
    time.sleep(1)
    ok(len(hook.messages) == n, "silenced label and path: blocked, but no alert",
       hook.messages[n:])
    hook.fail_next = 1  # a 429 with Retry-After: 1, then the retry succeeds
    request(gw.port, get("/retry?q=<script>alert(1)</script>"))
    t0 = time.time()
    while len(hook.messages) == n and time.time() - t0 < 6:
        time.sleep(0.1)
    ok(len(hook.messages) == n + 1 and hook.refused == 1,
       "a 429 from the webhook is retried", (hook.refused, hook.messages[n:]))
    gw.stop()
    r = subprocess.run([SEKISHO, "notify", "test", "--notify-webhook",
                        "http://127.0.0.1:%d/hook" % hook.port], capture_output=True, text=True,
                       timeout=30)
    ok(r.returncode == 0 and "test message" in hook.messages[-1],
       "sekisho notify test sends a test message", r.stderr)
    r = subprocess.run([SEKISHO, "notify", "test", "--notify-webhook",
                        "http://127.0.0.1:%d/hook" % free_port()], capture_output=True, text=True,
                       timeout=60)
    ok(r.returncode == 2 and "failed" in r.stderr, "an unreachable webhook: a clear error", r.stderr)

    # -- the events section of sekisho.yaml
    store = os.path.join(TMP, "from-yaml.db")
    gw = Gateway(up.port, [], config="events:\n  store: %s\n  retention: 7d\n"
                 "  sample_allowed: 1\n" % store, name="yamlevents")
    request(gw.port, get("/x?q=<script>alert(1)</script>"))
    request(gw.port, get("/an-allowed-one"))
    gw.stop()
    r = subprocess.run([SEKISHO, "events", "--events", store, "--json"], capture_output=True,
                       text=True, timeout=20)
    evs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    ok(r.returncode == 0 and "CrossSiteScripting_QUERYARGUMENTS" in r.stdout
       and [e["action"] for e in evs] == ["BLOCK", "ALLOW"],
       "events.store in sekisho.yaml is where events go; sample_allowed 1 keeps allowed ones too",
       (r.stdout[:300], r.stderr))

    store_suite(up, lambda name: os.path.join(TMP, name + ".db"), acl)

    # -- a locked event store: blocks are counted as dropped, requests unaffected
    import sqlite3
    locked = os.path.join(TMP, "locked.db")
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE x (a)")
    holder.execute("BEGIN EXCLUSIVE")
    gw = Gateway(up.port, ["--events", locked], name="locked")
    t0 = time.time()
    st1, _, _, _ = request(gw.port, get("/search?q=1%27%20OR%20%271%27%3D%271"))
    st2, _, _, _ = request(gw.port, get("/fine"))
    took = time.time() - t0
    time.sleep(0.3)
    _, _, metrics, _ = request(gw.admin, b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
    holder.rollback() if holder.in_transaction else None
    holder.close()
    ok(st1 == 403 and st2 == 200 and b"sekisho_events_dropped_total 1" in metrics,
       "a locked event store: the block is counted as dropped, requests unaffected (%.2f s)" % took,
       (st1, st2, gw.stderr()[-300:], metrics[-400:]))
    gw.stop()

    # -- alerts by email, to a local SMTP server
    smtp = Smtp()
    gw = Gateway(up.port, [], config="notify:\n  email:\n    smtp_url: smtp://127.0.0.1:%d\n"
                 "    from: waf@example.com\n    to: [ops@example.com]\n" % smtp.port, name="mail")
    request(gw.port, get("/mail?q=<script>alert(1)</script>"))
    t0 = time.time()
    while not smtp.messages and time.time() - t0 < 5:
        time.sleep(0.1)
    gw.stop()
    mail = smtp.messages[0] if smtp.messages else ("", [], "")
    ok(mail[0] == "waf@example.com" and mail[1] == ["ops@example.com"]
       and "CrossSiteScripting_QUERYARGUMENTS" in mail[2] and "Subject: sekisho" in mail[2],
       "an alert by email over SMTP", mail)

    # -- an event store that cannot be opened: the gateway warns and serves
    ro = os.path.join(TMP, "readonly")
    os.makedirs(ro)
    with open(os.path.join(ro, "events.db"), "w") as f:
        f.write("this is not a database")
    gw = Gateway(up.port, ["--events", os.path.join(ro, "events.db")], name="nostore")
    st1, _, _, _ = request(gw.port, get("/fine"))
    st2, _, _, _ = request(gw.port, get("/search?q=1%27%20OR%20%271%27%3D%271"))
    time.sleep(0.2)
    _, _, metrics, _ = request(gw.admin, b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
    ok(st1 == 200 and st2 == 403 and "serving without an event store" in gw.stderr()
       and b"sekisho_events_dropped_total 1" in metrics,
       "a corrupt event store: the gateway warns, serves, and counts the event as dropped",
       (st1, st2, gw.stderr()[-400:]))
    gw.stop()

    # -- bad configuration: one clear message, exit 2
    bad_cfg = os.path.join(TMP, "bad.yaml")
    with open(bad_cfg, "w") as f:
        f.write("timeouts:\n  upstream: soon\n")
    r = subprocess.run([SEKISHO, "serve", "--config", bad_cfg, "--upstream", "http://127.0.0.1:1"],
                       capture_output=True, text=True, timeout=20)
    ok(r.returncode == 2 and "timeouts.upstream" in r.stderr and "duration" in r.stderr,
       "a bad config value is named with its key", (r.returncode, r.stderr))
    with open(bad_cfg, "w") as f:
        f.write("listen: 127.0.0.1:8080\nupstreem: x\n")
    r = subprocess.run([SEKISHO, "serve", "--config", bad_cfg], capture_output=True, text=True,
                       timeout=20)
    ok(r.returncode == 2 and "upstreem" in r.stderr and "unknown key" in r.stderr,
       "an unknown config key is refused", (r.returncode, r.stderr))
    r = subprocess.run([SEKISHO, "serve"], capture_output=True, text=True, timeout=20)
    ok(r.returncode == 2 and "no upstream" in r.stderr, "no upstream: a clear message", r.stderr)

    # Under ASan and UBSan, every gateway's stderr must be free of reports.
    reports = []
    for name in sorted(os.listdir(TMP)):
        if name.endswith(".err"):
            with open(os.path.join(TMP, name)) as f:
                text = f.read()
            if "Sanitizer" in text or "runtime error" in text:
                reports.append(name + ": " + text[-3000:])
    ok(not reports, "no sanitizer report from any gateway", "\n".join(reports))

    failed = results.count(False)
    print("# %d passed, %d failed" % (len(results) - failed, failed))
    if not failed:
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
