#!/usr/bin/env python3
"""Expand the shared detection corpora into HTTP requests, one JSON object a line.

usage: corpus.py CORPUS_DIR OUT_DIR

Writes, in OUT_DIR:
  requests.jsonl  one request a line, in the form `sekisho check --jsonl` reads:
                  {"method", "path", "headers": [[name, value], ...], "body"}
  index.jsonl     line N describes request N: {"src", "set", "file", "cat", "kind",
                  "variant"}; kind is "attack" or "benign"
  meta.json       counts, and what was skipped and why

Corpora (see ../shared/corpus/README.md):
  libinjection/sqli-*.txt, xss-*.txt (attacks), false_positives.txt (benign): each
      non-comment line once as GET /?p=<payload> and once as a form POST with body
      p=<payload>; payload = urllib.parse.quote(line) with every %25 turned back into %.
  gotestwaf/testcases/<set>/<case>.yml: payload x encoder x placeholder, built the way
      GoTestWAF builds them; placeholders without an HTTP/1.1 form are skipped and counted.
  benign-dev.jsonl: used as it is; Host (and Content-Length when there is a body) are added
      when absent, as any HTTP/1.1 client would, so that both engines see the same request.

Every request this script builds carries the headers of an ordinary browser (Host,
User-Agent, Accept, Accept-Language) unless the test case sets them itself, so that rules
about missing headers do not decide the outcome. Random names (parameter names, multipart
boundaries) come from a generator seeded per file: the output is reproducible.
"""

import base64
import hashlib
import json
import os
import random
import sys
import urllib.parse

try:
    import yaml
except ImportError:  # run.sh checks first; this is for direct use
    sys.exit("corpus.py: the YAML module is missing: apt-get install -y python3-yaml")

# A real-looking name: "localhost" trips AWS's Host_localhost_HEADER and a numeric address
# trips CRS rule 920350, and neither rule is what this benchmark measures.
HOST = "app.example.com"
BROWSER_HEADERS = [
    ("Host", HOST),
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en-US,en;q=0.9"),
]
FORM_TYPE = "application/x-www-form-urlencoded"


# ---------------------------------------------------------------- requests

def make_request(method, target, extra_headers=(), body=""):
    """A request with the browser headers; extra_headers replace same-named ones."""
    extra = list(extra_headers)
    names = {n.lower() for n, _ in extra}
    headers = [[n, v] for n, v in BROWSER_HEADERS if n.lower() not in names]
    headers += [[n, v] for n, v in extra]
    return finish(method, target, headers, body)


def finish(method, target, headers, body):
    names = {n.lower() for n, _ in headers}
    if "host" not in names:
        headers.insert(0, ["Host", HOST])
    if body and "content-length" not in names and "transfer-encoding" not in names:
        headers.append(["Content-Length", str(len(body.encode("utf-8")))])
    return {"method": method, "path": target, "headers": headers, "body": body}


# Bytes that cannot stand in an HTTP/1.1 request-target as they are.
def safe_target(target):
    out = []
    for b in target.encode("utf-8"):
        if b <= 0x20 or b >= 0x7F or b in b'#"<>\\^`{|}':
            out.append("%%%02X" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def header_ok(value):
    return not any(c in value for c in "\r\n\0")


# ---------------------------------------------------------------- libinjection

def readme_payload(line_bytes):
    """The README's rule: quote() the line, then turn every %25 back into %."""
    return urllib.parse.quote(line_bytes).replace("%25", "%")


def expand_libinjection(folder, emit, meta):
    names = sorted(os.listdir(folder))
    skipped = []
    for name in names:
        if not name.endswith(".txt"):
            continue
        if name.startswith("sqli-"):
            cat, kind = "sqli", "attack"
        elif name.startswith("xss-"):
            cat, kind = "xss", "attack"
        elif name == "false_positives.txt":
            cat, kind = "false_positives", "benign"
        else:
            skipped.append(name)
            continue
        n = 0
        with open(os.path.join(folder, name), "rb") as f:
            for raw in f:
                line = raw.rstrip(b"\r\n")
                if not line.strip() or line.startswith(b"#"):
                    continue
                p = readme_payload(line)
                label = {"src": "libinjection", "set": "libinjection", "file": name,
                         "cat": cat, "kind": kind}
                emit(make_request("GET", "/?p=" + p), dict(label, variant="GET"))
                emit(make_request("POST", "/", [("Content-Type", FORM_TYPE)], "p=" + p),
                     dict(label, variant="POST"))
                n += 1
        meta["libinjection_lines"][name] = n
    meta["skipped_files"] += ["libinjection/" + s + " (neither sqli-*, xss-* nor false_positives)"
                              for s in skipped]


# ---------------------------------------------------------------- GoTestWAF encoders

def enc_plain(s):
    return s


def enc_url(s):
    # Go's url.QueryEscape: unreserved bytes stay, space becomes '+', the rest %XX.
    return urllib.parse.quote_plus(s.encode("utf-8"), safe="")


def enc_base64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def enc_base64flat(s):
    return enc_base64(s).replace("=", "")


def enc_jsunicode(s):
    # Every UTF-16 code unit as \uXXXX (lower-case hex), as GoTestWAF writes it.
    u = s.encode("utf-16-be", "surrogatepass")
    return "".join("\\u%02x%02x" % (u[i], u[i + 1]) for i in range(0, len(u), 2))


def _xml_ok(cp):
    return (cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD
            or 0x10000 <= cp <= 0x10FFFF)


def enc_xmlentity(s):
    # GoTestWAF runs the string through Go's xml.Encoder: an element <string> whose text
    # has & < > " ' tab LF CR as character references or entities and characters not
    # allowed in XML replaced by U+FFFD.
    rep = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;",
           "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"}
    out = []
    for ch in s:
        if ch in rep:
            out.append(rep[ch])
        elif not _xml_ok(ord(ch)):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "<string>" + "".join(out) + "</string>"


ENCODERS = {
    "plain": enc_plain,
    "url": enc_url,
    "base64": enc_base64,
    "base64flat": enc_base64flat,
    "jsunicode": enc_jsunicode,
    "xmlentity": enc_xmlentity,
}


# ---------------------------------------------------------------- GoTestWAF placeholders
# Each returns a request, or raises Unsendable with a reason.

class Unsendable(Exception):
    pass


def rand_hex(rng, n):
    return "".join("%02x" % rng.randrange(256) for _ in range(n))


def ph_urlparam(p, conf, rng):
    return make_request("GET", safe_target("/?" + rand_hex(rng, 5) + "=" + p))


def ph_urlpath(p, conf, rng):
    return make_request("GET", safe_target("/" + p))


def ph_header(p, conf, rng):
    if not header_ok(p):
        raise Unsendable("CR, LF or NUL in a header value")
    return make_request("GET", "/", [("X-" + rand_hex(rng, 5), p)])


def ph_useragent(p, conf, rng):
    if not header_ok(p):
        raise Unsendable("CR, LF or NUL in a header value")
    return make_request("GET", "/", [("User-Agent", p)])


def ph_requestbody(p, conf, rng):
    return make_request("POST", "/", [], p)


def ph_jsonbody(p, conf, rng):
    return make_request("POST", "/", [("Content-Type", "application/json")], p)


def ph_jsonrequest(p, conf, rng):
    body = '{"test":true, "%s": "%s"}' % (rand_hex(rng, 5), enc_jsunicode(p))
    return make_request("POST", "/", [("Content-Type", "application/json")], body)


def ph_htmlform(p, conf, rng):
    return make_request("POST", "/", [("Content-Type", FORM_TYPE)], rand_hex(rng, 5) + "=" + p)


def ph_multipart(p, conf, rng):
    boundary = rand_hex(rng, 30)
    body = ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n--%s--\r\n"
            % (boundary, rand_hex(rng, 5), p, boundary))
    return make_request("POST", "/", [("Content-Type", "multipart/form-data; boundary=" + boundary)],
                        body)


SOAP_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
\txmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
\t<soapenv:Header>
\t\t<ns1:RequestHeader soapenv:actor="http://schemas.xmlsoap.org/soap/actor/next"
\t\t\tsoapenv:mustUnderstand="0" xmlns:ns1="https://www.google.com/apis/ads/publisher/v202002">
\t\t</ns1:RequestHeader>
\t</soapenv:Header>
\t<soapenv:Body>
\t\t<getAdUnitsByStatement xmlns="https://www.google.com/apis/ads/publisher/v202002">
\t\t\t<filterStatement>
\t\t\t\t<{tag}>{value}</{tag}>
\t\t\t</filterStatement>
\t\t</getAdUnitsByStatement>
\t</soapenv:Body>
</soapenv:Envelope>"""


def ph_soapbody(p, conf, rng):
    tag = "ab" + rand_hex(rng, 5)
    body = SOAP_TEMPLATE.replace("{tag}", tag).replace("{value}", enc_xmlentity(p))
    return make_request("POST", "/", [("SOAPAction", '"http://schemas.xmlsoap.org/soap/actor/next"'),
                                      ("Content-Type", "text/xml")], body)


def ph_xmlbody(p, conf, rng):
    return make_request("POST", "/", [("Content-Type", "text/xml")], p)


def ph_graphql(p, conf, rng):
    method = str((conf or {}).get("method", "GET")).upper()
    if method == "GET":
        # GoTestWAF sets query=<payload> through url.Values, which escapes it (again).
        return make_request("GET", "/graphql?query=" + enc_url(p))
    if method == "POST":
        return make_request("POST", "/graphql", [], p)
    raise Unsendable("GraphQL method " + method)


def ph_rawrequest(p, conf, rng):
    conf = conf or {}
    method = str(conf.get("method", "GET"))
    path = str(conf.get("path") or "/")
    target = "/" + path[1:] if path.startswith("/") else "/" + path
    target = safe_target(target.replace("{{payload}}", p))
    headers = []
    for k, v in (conf.get("headers") or {}).items():
        v = str(v).replace("{{payload}}", p)
        if not header_ok(v):
            raise Unsendable("CR, LF or NUL in a header value")
        headers.append((str(k), v))
    body = str(conf.get("body") or "").replace("{{payload}}", p)
    return make_request(method, target, headers, body)


PLACEHOLDERS = {
    "urlparam": ph_urlparam,
    "urlpath": ph_urlpath,
    "header": ph_header,
    "useragent": ph_useragent,
    "requestbody": ph_requestbody,
    "jsonbody": ph_jsonbody,
    "jsonrequest": ph_jsonrequest,
    "htmlform": ph_htmlform,
    "htmlmultipartform": ph_multipart,
    "soapbody": ph_soapbody,
    "xmlbody": ph_xmlbody,
    "graphql": ph_graphql,
    "rawrequest": ph_rawrequest,
}
# Placeholders with no HTTP/1.1 form: counted and skipped.
NO_HTTP1 = {"grpc": "gRPC needs HTTP/2"}


class GoTestWAFLoader(yaml.SafeLoader):
    """YAML as GoTestWAF's parser reads it: \\' is accepted in double-quoted strings."""


GoTestWAFLoader.ESCAPE_REPLACEMENTS = dict(yaml.SafeLoader.ESCAPE_REPLACEMENTS, **{"'": "'"})


def expand_gotestwaf(folder, emit, meta):
    skipped_ph = meta["skipped_placeholders"]
    unsendable = meta["unsendable"]
    for set_name in sorted(os.listdir(folder)):
        set_dir = os.path.join(folder, set_name)
        if not os.path.isdir(set_dir):
            continue
        kind = "benign" if "false" in set_name else "attack"
        for name in sorted(os.listdir(set_dir)):
            if not name.endswith((".yml", ".yaml")):
                continue
            rel = set_name + "/" + name
            try:
                with open(os.path.join(set_dir, name), encoding="utf-8") as f:
                    case = yaml.load(f, Loader=GoTestWAFLoader)
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                meta["skipped_files"].append("gotestwaf/%s (YAML: %s)" % (rel, str(e).splitlines()[0]))
                continue
            payloads = [str(x) for x in (case.get("payload") or [])]
            encoders = [str(x) for x in (case.get("encoder") or [])]
            placeholders = case.get("placeholder") or []
            rng = random.Random("gotestwaf/" + rel)
            label = {"src": "gotestwaf", "set": "gotestwaf/" + set_name, "file": rel,
                     "cat": set_name, "kind": kind, "type": str(case.get("type", ""))}
            for ph in placeholders:
                if isinstance(ph, dict):
                    ph_name, ph_conf = next(iter(ph.items()))
                    ph_conf = ph_conf if isinstance(ph_conf, dict) else {}
                else:
                    ph_name, ph_conf = str(ph), {}
                key = ph_name.lower()
                n_combos = len(payloads) * len(encoders)
                if key in NO_HTTP1 or key not in PLACEHOLDERS:
                    why = NO_HTTP1.get(key, "unknown placeholder")
                    k = "%s (%s)" % (ph_name, why)
                    skipped_ph.setdefault(k, {})
                    skipped_ph[k][rel] = skipped_ph[k].get(rel, 0) + n_combos
                    continue
                for enc_name in encoders:
                    enc = ENCODERS.get(enc_name.replace(" ", "").lower())
                    if enc is None:
                        k = "encoder %s (unknown)" % enc_name
                        skipped_ph.setdefault(k, {})
                        skipped_ph[k][rel] = skipped_ph[k].get(rel, 0) + len(payloads)
                        continue
                    for payload in payloads:
                        try:
                            req = PLACEHOLDERS[key](enc(payload), ph_conf, rng)
                        except Unsendable as e:
                            k = "%s/%s: %s" % (rel, ph_name, e)
                            unsendable[k] = unsendable.get(k, 0) + 1
                            continue
                        emit(req, dict(label, variant=ph_name + "/" + enc_name))


# ---------------------------------------------------------------- benign-dev

def expand_benign_dev(path, emit, meta):
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            d = json.loads(line)
            h = d.get("headers") or {}
            headers = [[k, v] for k, v in (h.items() if isinstance(h, dict) else h)]
            req = finish(d.get("method", "GET"), d.get("path", "/"), headers, d.get("body") or "")
            cat = d.get("cat", "uncategorised")
            emit(req, {"src": "benign-dev", "set": "benign-dev", "file": "benign-dev.jsonl",
                       "cat": cat, "kind": "benign", "variant": d.get("method", "GET")})


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: corpus.py CORPUS_DIR OUT_DIR")
    corpus, out = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        sys.exit("corpus.py: corpus folder %s not found (the shared corpora sit beside the "
                 "project, in ../shared/corpus)" % corpus)
    os.makedirs(out, exist_ok=True)
    meta = {"libinjection_lines": {}, "skipped_files": [], "skipped_placeholders": {},
            "unsendable": {}, "missing": [], "requests": 0}
    tmp_req = os.path.join(out, "requests.jsonl.tmp")
    tmp_idx = os.path.join(out, "index.jsonl.tmp")
    with open(tmp_req, "w", encoding="utf-8") as fr, open(tmp_idx, "w", encoding="utf-8") as fi:
        def emit(req, label):
            fr.write(json.dumps(req, ensure_ascii=False) + "\n")
            fi.write(json.dumps(label, ensure_ascii=False) + "\n")
            meta["requests"] += 1

        parts = [
            ("libinjection", os.path.join(corpus, "libinjection"), expand_libinjection, os.path.isdir),
            ("gotestwaf", os.path.join(corpus, "gotestwaf", "testcases"), expand_gotestwaf, os.path.isdir),
            ("benign-dev", os.path.join(corpus, "benign-dev.jsonl"), expand_benign_dev, os.path.isfile),
        ]
        for name, path, fn, exists in parts:
            if not exists(path):
                meta["missing"].append(path)
                print("corpus.py: %s not found, skipping %s" % (path, name), file=sys.stderr)
                continue
            fn(path, emit, meta)
    if meta["requests"] == 0:
        sys.exit("corpus.py: no requests generated from %s" % corpus)
    os.replace(tmp_req, os.path.join(out, "requests.jsonl"))
    os.replace(tmp_idx, os.path.join(out, "index.jsonl"))
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    print("corpus.py: %d requests in %s" % (meta["requests"], os.path.join(out, "requests.jsonl")),
          file=sys.stderr)


if __name__ == "__main__":
    main()
