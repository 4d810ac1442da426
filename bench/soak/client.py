#!/usr/bin/env python3
"""Mixed load for the soak test of `sekisho serve` (bench/soak/run.sh).

usage: client.py PORT SECONDS [--rate R] [--bad-rate R] [--slow N] [--seed S] [--out FILE]

Three kinds of clients, each started by a launcher at a steady rate (so the load is the
same whatever the gateway's speed), with a bound on how many run at once:

  valid (--rate scenarios/s, at most 32 at once): keep-alive sequences, Connection:
      close, pipelined batches, Content-Length and chunked bodies (up to 2 MB, past the
      1 MB inspection limit), Expect: 100-continue, HEAD, a 1 MB response, a gzip
      (chunked) response, and attacks that must get 403. The upstream echoes the
      request-target, so a response given to the wrong request is seen.
  invalid (--bad-rate/s, at most 16 at once): malformed heads, the smuggling family
      (CL+TE, repeated CL, unknown codings, bad chunk sizes, obs-fold, space before the
      colon, bare CR), garbage bytes, oversized lines and headers. Each must get a 4xx/5xx
      or a close, never a 2xx, and the connection must be closed after it.
  slow (--slow at once): slowloris trickle, a connection that sends nothing, a body
      trickle, clients that stop reading a large response, clients that disconnect in
      the middle of a body or right after sending a request.

Every scenario has a time bound; after SECONDS no new one starts and those running get at
most 100 s to end (then they are cancelled). Prints a JSON summary (also to --out): per
scenario, how many ran, succeeded, failed and why (with a few examples), and what was
observed of the slow ones (how long the gateway took to close them). Exit 1 when a
scenario failed.
"""
import argparse
import asyncio
import json
import os
import random
import socket
import sys
import time

HOST = "shop.example.com"
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Safari/537.36")
BASE = ("Host: %s\r\nUser-Agent: %s\r\nAccept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
        "Accept-Language: en-GB,en;q=0.9\r\nCookie: session=8f3b2c1d9e7a4f60; theme=dark\r\n"
        % (HOST, UA))
PATHS = ["/", "/products?category=shoes&sort=price_asc&page=2", "/search?q=trail+running+shoes",
         "/api/v1/cart?currency=EUR", "/blog/2026/11/how-we-ship-faster?utm_source=newsletter",
         "/account/orders?status=shipped&page=1", "/static/css/main.3f2a9c.css",
         "/images/hero.webp?w=1200&q=80"]
WORDS = ("the quick brown fox jumps over lazy dog shoes trail running light grippy made "
         "to last free returns within days model price order shipped cart account blog "
         "post newsletter weekly update team ships faster every morning coffee").split()
ATTACKS = ["/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E",
           "/products?id=1%27%20OR%20%271%27=%271",
           "/products?id=1+UNION+SELECT+username,password+FROM+users--",
           "/download?file=../../../../etc/passwd",
           "/cgi-bin/test?cmd=;cat%20/etc/passwd"]
IO_TIMEOUT = 20  # seconds for any one read or write of a valid scenario


class Stats:
    def __init__(self):
        self.s = {}

    def get(self, name):
        return self.s.setdefault(name, {"ran": 0, "ok": 0, "failed": 0, "reasons": {},
                                        "examples": [], "observed": {}})

    def ok(self, name):
        e = self.get(name)
        e["ran"] += 1
        e["ok"] += 1

    def fail(self, name, reason, example=""):
        e = self.get(name)
        e["ran"] += 1
        e["failed"] += 1
        e["reasons"][reason] = e["reasons"].get(reason, 0) + 1
        if len(e["examples"]) < 5:
            e["examples"].append("%s: %s" % (reason, example[:300]))

    def observe(self, name, what):
        o = self.get(name)["observed"]
        o[what] = o.get(what, 0) + 1


class Fail(Exception):
    pass


def words(rng, n):
    out, size = [], 0
    while size < n:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:n]


async def connect(port):
    # A 2 MB line limit: the readers below only ever read heads this way.
    return await asyncio.open_connection("127.0.0.1", port, limit=1 << 21)


async def read_response(r, head=False):
    """One response: (status, headers lowercase, body). Raises on a broken framing."""
    raw = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), IO_TIMEOUT)
    lines = raw[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise Fail("bad status line %r" % lines[0][:80])
    status = int(parts[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        hdrs[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    if head or status in (204, 304) or 100 <= status < 200:
        return status, hdrs, b""
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            line = await asyncio.wait_for(r.readuntil(b"\r\n"), IO_TIMEOUT)
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                while (await asyncio.wait_for(r.readuntil(b"\r\n"), IO_TIMEOUT)) != b"\r\n":
                    pass
                return status, hdrs, bytes(body)
            body += await asyncio.wait_for(r.readexactly(size), IO_TIMEOUT)
            if await asyncio.wait_for(r.readexactly(2), IO_TIMEOUT) != b"\r\n":
                raise Fail("bad chunk end")
    if "content-length" in hdrs:
        n = int(hdrs["content-length"])
        return status, hdrs, await asyncio.wait_for(r.readexactly(n), IO_TIMEOUT)
    return status, hdrs, await asyncio.wait_for(r.read(), IO_TIMEOUT)


def get(path, extra=""):
    return ("GET %s HTTP/1.1\r\n%s%s\r\n" % (path, BASE, extra)).encode()


def expect_echo(status, body, path):
    if status != 200:
        raise Fail("status %d for %s" % (status, path))
    if body != (path + "\n").encode():
        raise Fail("echo mismatch: asked %s, got %r" % (path, body[:100]))


async def closed_soon(r, secs):
    """Whether the peer closes within secs (what it sends before is ignored)."""
    try:
        async with asyncio.timeout(secs):
            while await r.read(65536):
                pass
        return True
    except (TimeoutError, asyncio.TimeoutError):
        return False
    except OSError:
        return True


def abort(w):
    """Closes with a RST (SO_LINGER 0), as a client that crashes would."""
    sock = w.get_extra_info("socket")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
    w.transport.abort()


# ---------------------------------------------------------------- valid

async def v_keepalive(port, rng):
    r, w = await connect(port)
    try:
        for _ in range(rng.randint(2, 8)):
            p = rng.choice(PATHS)
            w.write(get(p))
            await w.drain()
            st, _, body = await read_response(r)
            expect_echo(st, body, p)
    finally:
        w.close()


async def v_close(port, rng):
    r, w = await connect(port)
    try:
        p = rng.choice(PATHS)
        w.write(get(p, "Connection: close\r\n"))
        await w.drain()
        st, h, body = await read_response(r)
        expect_echo(st, body, p)
        if not await closed_soon(r, 5):
            raise Fail("Connection: close, still open 5 s after the response")
    finally:
        w.close()


async def v_pipelined(port, rng):
    r, w = await connect(port)
    try:
        paths = ["%s%sn=%d" % (p, "&" if "?" in p else "?", i)
                 for i, p in enumerate(rng.choice(PATHS) for _ in range(rng.randint(2, 6)))]
        batch = b""
        for p in paths:
            if rng.random() < 0.3:  # a POST in the batch
                body = words(rng, rng.randint(10, 3000)).encode()
                batch += ("POST %s HTTP/1.1\r\n%sContent-Type: text/plain\r\n"
                          "Content-Length: %d\r\n\r\n" % (p, BASE, len(body))).encode() + body
            else:
                batch += get(p)
        w.write(batch)
        await w.drain()
        for p in paths:
            st, _, body = await read_response(r)
            expect_echo(st, body, p)
    finally:
        w.close()


LIMIT = 1 << 20  # the default inspection limit: the default ACL blocks larger bodies


async def send_body(w, pieces):
    """Writes the body; the gateway may answer (403) and close before it is all sent,
    which is not an error here: the answer is read next."""
    try:
        for p in pieces:
            w.write(p)
            await asyncio.wait_for(w.drain(), IO_TIMEOUT)
    except (ConnectionError, BrokenPipeError):
        pass


def expect_post(status, body, path, size):
    """Bodies past the inspection limit get 403 from SizeRestrictions_BODY (default ACL)."""
    if size > LIMIT:
        if status != 403:
            raise Fail("status %d for a %d-byte body, expected 403 (SizeRestrictions_BODY)"
                       % (status, size))
        return
    expect_echo(status, body, path)


def body_size(rng):
    x = rng.random()
    if x < 0.6:
        return rng.randint(1, 4000)
    if x < 0.95:
        return rng.randint(4000, 200_000)
    return rng.randint(1_100_000, 2_000_000)  # past the 1 MB inspection limit: streamed


async def v_post_length(port, rng):
    r, w = await connect(port)
    try:
        p = "/api/v1/comments?post=%d" % rng.randint(1, 9999)
        n = body_size(rng)
        if rng.random() < 0.5:
            body = ("comment=" + words(rng, n).replace(" ", "+")).encode()
            ctype = "application/x-www-form-urlencoded"
        else:
            body = json.dumps({"comment": words(rng, n), "rating": 4}).encode()
            ctype = "application/json"
        w.write(("POST %s HTTP/1.1\r\n%sContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                 % (p, BASE, ctype, len(body))).encode())
        await send_body(w, (body[i:i + 65536] for i in range(0, len(body), 65536)))
        st, _, rb = await read_response(r)
        expect_post(st, rb, p, len(body))
    finally:
        w.close()


async def v_post_chunked(port, rng):
    r, w = await connect(port)
    try:
        p = "/api/v1/upload?part=%d" % rng.randint(1, 9999)
        w.write(("POST %s HTTP/1.1\r\n%sContent-Type: text/plain\r\nTransfer-Encoding: chunked"
                 "\r\n\r\n" % (p, BASE)).encode())
        total = body_size(rng)

        def chunks():
            left = total
            while left > 0:
                n = min(left, rng.choice([1, 7, 100, 1000, 8192, 65536]))
                chunk = words(rng, n).encode()
                yield b"%x\r\n%s\r\n" % (len(chunk), chunk)
                left -= n
            yield b"0\r\n\r\n"
        await send_body(w, chunks())
        st, _, rb = await read_response(r)
        expect_post(st, rb, p, total)
    finally:
        w.close()


async def v_expect(port, rng):
    r, w = await connect(port)
    try:
        p = "/api/v1/notes?id=%d" % rng.randint(1, 999)
        body = words(rng, rng.randint(100, 20000)).encode()
        w.write(("POST %s HTTP/1.1\r\n%sContent-Type: text/plain\r\nContent-Length: %d\r\n"
                 "Expect: 100-continue\r\n\r\n" % (p, BASE, len(body))).encode())
        await w.drain()
        st, _, _ = await read_response(r)
        if st != 100:
            raise Fail("Expect: 100-continue answered %d" % st)
        w.write(body)
        await w.drain()
        st, _, rb = await read_response(r)
        expect_echo(st, rb, p)
    finally:
        w.close()


async def v_head(port, rng):
    r, w = await connect(port)
    try:
        p = rng.choice(PATHS)
        w.write(("HEAD %s HTTP/1.1\r\n%s\r\n" % (p, BASE)).encode())
        await w.drain()
        st, _, _ = await read_response(r, head=True)
        if st != 200:
            raise Fail("HEAD: status %d" % st)
        w.write(get(p))  # the connection must still be in step after a HEAD
        await w.drain()
        st, _, body = await read_response(r)
        expect_echo(st, body, p)
    finally:
        w.close()


async def v_big(port, rng):
    r, w = await connect(port)
    try:
        path = rng.choice(["/big", "/gz"])
        w.write(get(path, "Accept-Encoding: gzip\r\n" if path == "/gz" else ""))
        await w.drain()
        st, h, body = await read_response(r)
        if st != 200:
            raise Fail("%s: status %d" % (path, st))
        if path == "/big" and len(body) != 1 << 20:
            raise Fail("/big: %d bytes, expected 1 MiB" % len(body))
        if path == "/gz" and not body:
            raise Fail("/gz: empty body")
    finally:
        w.close()


async def v_attack(port, rng):
    r, w = await connect(port)
    try:
        if rng.random() < 0.7:
            p = rng.choice(ATTACKS)
            w.write(get(p))
        else:
            p = "/login"
            body = b"user=admin&password=x%27+OR+%271%27%3D%271%27--+"
            w.write(("POST %s HTTP/1.1\r\n%sContent-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: %d\r\n\r\n" % (p, BASE, len(body))).encode() + body)
        await w.drain()
        st, _, _ = await read_response(r)
        if st != 403:
            raise Fail("attack %s answered %d, expected 403" % (p, st))
    finally:
        w.close()


VALID = [(v_keepalive, 25), (v_close, 10), (v_pipelined, 15), (v_post_length, 15),
         (v_post_chunked, 10), (v_expect, 5), (v_head, 5), (v_big, 5), (v_attack, 10)]

# ---------------------------------------------------------------- invalid

def long_header():
    return "X-Long: " + "a" * 70_000 + "\r\n"


BAD = {
    "no-colon": "GET / HTTP/1.1\r\nHost %s\r\n\r\n" % HOST,
    "space-before-colon": "GET / HTTP/1.1\r\nHost : %s\r\n\r\n" % HOST,
    "obs-fold": "GET / HTTP/1.1\r\n%sX-Folded: a\r\n b\r\n\r\n" % BASE,
    "bare-cr": "GET / HTTP/1.1\r\n%sX-A: a\rb\r\n\r\n" % BASE,
    "nul-in-value": "GET / HTTP/1.1\r\n%sX-A: a\x00b\r\n\r\n" % BASE,
    "cl-and-te": "POST / HTTP/1.1\r\n%sContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n" % BASE,
    "two-cl": "POST / HTTP/1.1\r\n%sContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" % BASE,
    "cl-not-number": "POST / HTTP/1.1\r\n%sContent-Length: 5x\r\n\r\nhello" % BASE,
    "cl-negative": "POST / HTTP/1.1\r\n%sContent-Length: -1\r\n\r\n" % BASE,
    "te-gzip": "POST / HTTP/1.1\r\n%sTransfer-Encoding: gzip\r\n\r\nxx" % BASE,
    "te-xchunked": "POST / HTTP/1.1\r\n%sTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" % BASE,
    "te-chunked-twice": "POST / HTTP/1.1\r\n%sTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"
                        % BASE,
    "te-space": "POST / HTTP/1.1\r\n%sTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" % BASE,
    "bad-chunk-size": "POST / HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
                      % BASE,
    "chunk-size-overflow": "POST / HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\n"
                           "fffffffffffffffffff1\r\nhello\r\n0\r\n\r\n" % BASE,
    "chunk-no-crlf": "POST / HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"
                     % BASE,
    "bad-request-line": "GET  / HTTP/1.1\r\n%s\r\n" % BASE,
    "bad-version": "GET / HTTP/9.9\r\n%s\r\n" % BASE,
    "lowercase-method-junk": "G\x01T / HTTP/1.1\r\n%s\r\n" % BASE,
    "http2-preface": "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "no-host": "GET / HTTP/1.1\r\nUser-Agent: %s\r\n\r\n" % UA,
    "two-hosts": "GET / HTTP/1.1\r\n%sHost: evil.example\r\n\r\n" % BASE,
    "long-url": "GET /%s HTTP/1.1\r\n%s\r\n" % ("a" * 20_000, BASE),
    "long-header": "GET / HTTP/1.1\r\n%s%s\r\n" % (BASE, long_header()),
    "many-headers": "GET / HTTP/1.1\r\n%s%s\r\n" % (BASE, "".join("X-H%d: v\r\n" % i
                                                                 for i in range(300))),
    "lf-only-with-cr-mix": "GET / HTTP/1.1\n%s\r\n" % BASE,
}


async def bad_one(port, rng):
    """Returns the scenario name it ran; raises Fail on a 2xx or a connection left open."""
    if rng.random() < 0.2:
        name = "garbage"
        raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000))) + b"\r\n\r\n"
    else:
        name = rng.choice(sorted(BAD))
        raw = BAD[name].encode("latin-1")
    r, w = await connect(port)
    try:
        try:
            w.write(raw)
            await w.drain()
        except OSError:
            return name, "closed while sending"
        try:
            st, _, _ = await read_response(r)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            return name, "closed without an answer"
        except (Fail, ValueError, asyncio.LimitOverrunError):
            raise Fail("%s: unreadable answer" % name)
        if st < 400:
            raise Fail("%s: answered %d" % (name, st))
        if not await closed_soon(r, 15):
            raise Fail("%s: answered %d but left the connection open 15 s" % (name, st))
        return name, "answered %d then closed" % st
    finally:
        w.close()


# ---------------------------------------------------------------- slow

async def s_slowloris(port, rng, stats):
    """Sends a head one byte a second: the header timeout (10 s) must cut it."""
    r, w = await connect(port)
    t0 = time.monotonic()
    try:
        w.write(b"GET / HTTP/1.1\r\n")
        trickle = (BASE + "X-Slow: " + "z" * 200 + "\r\n").encode()
        closed = False
        for b in trickle[:40]:  # 40 s at most
            try:
                w.write(bytes([b]))
                await w.drain()
            except OSError:
                closed = True
                break
            if await closed_soon(r, 1):
                closed = True
                break
        dt = time.monotonic() - t0
        if not closed:
            raise Fail("slowloris: still open after %.0f s" % dt)
        stats.observe("slow:s_slowloris", "closed after %d-%d s" % (int(dt) // 5 * 5, int(dt) // 5 * 5 + 5))
    finally:
        w.close()


async def s_silent(port, rng, stats):
    """Connects and sends nothing."""
    r, w = await connect(port)
    t0 = time.monotonic()
    try:
        if not await closed_soon(r, 75):
            raise Fail("silent connection: still open after 75 s")
        dt = time.monotonic() - t0
        stats.observe("slow:s_silent", "closed after %d-%d s" % (int(dt) // 5 * 5, int(dt) // 5 * 5 + 5))
    finally:
        w.close()


async def s_body_trickle(port, rng, stats):
    """Announces 5000 bytes of body, sends 10 a second: the body timeout must cut it."""
    r, w = await connect(port)
    t0 = time.monotonic()
    try:
        w.write(("POST /api/v1/comments HTTP/1.1\r\n%sContent-Type: text/plain\r\n"
                 "Content-Length: 5000\r\n\r\n" % BASE).encode())
        closed = False
        for _ in range(60):  # 60 s at most
            try:
                w.write(b"x" * 10)
                await w.drain()
            except OSError:
                closed = True
                break
            if await closed_soon(r, 1):
                closed = True
                break
        dt = time.monotonic() - t0
        what = "closed after %d-%d s" % (int(dt) // 5 * 5, int(dt) // 5 * 5 + 5) if closed \
            else "still open after 60 s (gave up)"
        stats.observe("slow:s_body_trickle", what)
    finally:
        w.close()


async def s_no_read(port, rng, stats):
    """Asks for 8 MB of responses and never reads them, then goes away (FIN or RST)."""
    r, w = await connect(port)
    try:
        sock = w.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        w.transport.pause_reading()
        w.write(get("/big") * 8)
        await w.drain()
        await asyncio.sleep(rng.uniform(5, 25))
        stats.observe("slow:s_no_read", "left after 5-25 s")
    finally:
        if rng.random() < 0.5:
            abort(w)
        else:
            w.close()


def gateway_side(gw_port, my_port):
    """(state, inode, unsent bytes) of the gateway's end of our connection, from
    /proc/net/tcp; inode 0 means the gateway closed it and the kernel still holds it
    (an orphan waiting to send what we never read), None that it is gone."""
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if (int(p[1].rsplit(":", 1)[1], 16) == gw_port and
                    int(p[2].rsplit(":", 1)[1], 16) == my_port):
                return p[3], p[9], int(p[4].split(":")[0], 16)
    return None


async def s_no_read_wait(port, rng, stats):
    """Stops reading a large response and waits up to 90 s for the gateway to give up.
    From this side the connection looks open even then: the gateway's FIN waits behind
    the data we do not read. So the gateway's end is looked up in /proc/net/tcp."""
    r, w = await connect(port)
    t0 = time.monotonic()
    try:
        sock = w.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        w.transport.pause_reading()
        w.write(get("/big") * 8)
        await w.drain()
        me = sock.getsockname()[1]
        what = "gave up after 90 s, the gateway kept it open"
        while time.monotonic() - t0 < 90:
            await asyncio.sleep(2)
            g = gateway_side(port, me)
            if g is None or g[1] == "0":
                dt = time.monotonic() - t0
                what = "the gateway closed it after %d-%d s" % (int(dt) // 10 * 10,
                                                               int(dt) // 10 * 10 + 10)
                break
        stats.observe("slow:s_no_read_wait", what)
    finally:
        abort(w)


async def s_mid_body(port, rng, stats):
    """Announces a body, sends part of it, disconnects (half the time with a RST)."""
    r, w = await connect(port)
    try:
        n = rng.randint(10_000, 3_000_000)
        part = rng.randint(0, min(n - 1, 500_000))
        if rng.random() < 0.5:
            w.write(("POST /api/v1/upload HTTP/1.1\r\n%sContent-Type: text/plain\r\n"
                     "Content-Length: %d\r\n\r\n" % (BASE, n)).encode())
            w.write(b"y" * part)
        else:
            w.write(("POST /api/v1/upload HTTP/1.1\r\n%sContent-Type: text/plain\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n%x\r\n" % (BASE, n)).encode())
            w.write(b"y" * part)
        try:
            await asyncio.wait_for(w.drain(), 10)
        except (OSError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(rng.uniform(0, 2))
        stats.observe("slow:s_mid_body", "disconnected")
    finally:
        if rng.random() < 0.5:
            abort(w)
        else:
            w.close()


async def s_hangup(port, rng, stats):
    """Sends a request and disconnects before the answer (a user closing the tab)."""
    r, w = await connect(port)
    try:
        w.write(get(rng.choice(["/big", "/gz"] + PATHS)))
        await w.drain()
        await asyncio.sleep(rng.choice([0, 0, 0.001, 0.01]))
        stats.observe("slow:s_hangup", "disconnected")
    finally:
        abort(w)


SLOW = [(s_slowloris, 20), (s_silent, 5), (s_body_trickle, 10), (s_no_read, 20),
        (s_no_read_wait, 5), (s_mid_body, 25), (s_hangup, 15)]

# ---------------------------------------------------------------- driver


def weighted(rng, table):
    total = sum(wt for _, wt in table)
    x = rng.uniform(0, total)
    for f, wt in table:
        x -= wt
        if x <= 0:
            return f
    return table[-1][0]


async def run_one(kind, f, port, rng, stats, sem):
    name = f.__name__
    try:
        if kind == "valid":
            async with asyncio.timeout(120):
                await f(port, rng)
            stats.ok(name)
        elif kind == "invalid":
            async with asyncio.timeout(60):
                bname, what = await f(port, rng)
            stats.ok("invalid:" + bname)
            stats.observe("invalid:" + bname, what)
        else:
            async with asyncio.timeout(120):
                await f(port, rng, stats)
            stats.ok("slow:" + name)
    except Fail as e:
        stats.fail(name if kind != "slow" else "slow:" + name, str(e).split(":")[0][:60], str(e))
    except (TimeoutError, asyncio.TimeoutError):
        stats.fail(name, "timeout", "no progress within its bound")
    except (asyncio.IncompleteReadError, ConnectionError, OSError, ValueError,
            asyncio.LimitOverrunError) as e:
        stats.fail(name, type(e).__name__, repr(e))
    finally:
        sem.release()


async def launcher(kind, rate, maxconc, table, port, rng, stats, deadline, tasks):
    """Starts one scenario every 1/rate s (fewer while maxconc are running)."""
    if rate <= 0:
        return
    sem = asyncio.Semaphore(maxconc)
    loop = asyncio.get_running_loop()
    nxt = loop.time()
    while loop.time() < deadline:
        await sem.acquire()
        f = table if callable(table) else weighted(rng, table)
        t = asyncio.create_task(run_one(kind, f, port, rng, stats, sem))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
        nxt = max(nxt + 1.0 / rate, loop.time() - 1.0)  # no burst to catch up
        await asyncio.sleep(max(0.0, nxt - loop.time()))


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("seconds", type=float)
    ap.add_argument("--rate", type=float, default=20, help="valid scenarios per second")
    ap.add_argument("--bad-rate", type=float, default=4, help="invalid requests per second")
    ap.add_argument("--slow", type=int, default=12, help="slow clients at once")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    stats = Stats()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + a.seconds
    tasks = set()
    t0 = time.time()
    await asyncio.gather(
        launcher("valid", a.rate, 32, VALID, a.port, rng, stats, deadline, tasks),
        launcher("invalid", a.bad_rate, 16, bad_one, a.port, rng, stats, deadline, tasks),
        launcher("slow", a.slow / 20.0, a.slow, SLOW, a.port, rng, stats, deadline, tasks))
    # The ones still running end by their own bounds; 100 s at most, then cancelled.
    if tasks:
        done, pending = await asyncio.wait(set(tasks), timeout=100)
        for t in pending:
            t.cancel()
        if pending:
            stats.fail("driver", "cancelled at the end", "%d scenarios still running" % len(pending))
            await asyncio.wait(pending, timeout=5)
    ran = sum(e["ran"] for e in stats.s.values())
    failed = sum(e["failed"] for e in stats.s.values())
    summary = {"seconds": round(time.time() - t0, 1), "scenarios": ran, "failed": failed,
               "by_scenario": stats.s}
    text = json.dumps(summary, indent=1, sort_keys=True)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print("client: %d scenarios in %.0f s, %d failed" % (ran, summary["seconds"], failed),
          flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
