#!/usr/bin/env python3
"""Waits until a proxy answers, then checks it the way the benchmark needs it.

usage: probe.py PORT EXPECT_BENIGN [EXPECT_ATTACK]
Sends a benign browser-like GET (retrying for up to 15 s while the proxy starts),
expects EXPECT_BENIGN; with EXPECT_ATTACK, also sends an obvious XSS and expects that
status (403 from a WAF that is really on). Exits 1 with what it got otherwise.
"""
import socket
import sys
import time

HEAD = ("Host: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) probe\r\n"
        "Accept: text/html\r\nConnection: close\r\n\r\n")


def ask(port, target):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(("GET %s HTTP/1.1\r\n" % target + HEAD).encode())
        data = b""
        while b"\r\n" not in data:
            d = s.recv(4096)
            if not d:
                break
            data += d
        return int(data.split(b" ", 2)[1])
    finally:
        s.close()


def main():
    port, benign = int(sys.argv[1]), int(sys.argv[2])
    attack = int(sys.argv[3]) if len(sys.argv) > 3 else None
    deadline = time.time() + 15
    while True:
        try:
            got = ask(port, "/products?category=shoes")
            break
        except (OSError, ValueError, IndexError):
            if time.time() > deadline:
                sys.exit("probe: nothing answers on 127.0.0.1:%d" % port)
            time.sleep(0.1)
    if got != benign:
        sys.exit("probe: 127.0.0.1:%d answered %d to a benign request, expected %d"
                 % (port, got, benign))
    if attack is not None:
        got = ask(port, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
        if got != attack:
            sys.exit("probe: 127.0.0.1:%d answered %d to an XSS, expected %d"
                     % (port, got, attack))


main()
