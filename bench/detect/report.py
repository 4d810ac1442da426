#!/usr/bin/env python3
"""Tally the detection benchmark and print sekisho and the anchor side by side.

usage: report.py DIR OUT_JSON

DIR holds what the other steps wrote: index.jsonl and meta.json (corpus.py), sekisho.jsonl
(`sekisho check --format json --jsonl`, one AWS WAF log record a line), anchor.json
(client.py; optional), anchor-info.json (anchor.sh; optional), timings.json (run.sh).

sekisho blocks a request when the record's action is anything but ALLOW. The anchor blocks
a request when it answers 403; any other answer than 200 or 403 (nginx refusing the message,
ModSecurity refusing a body it cannot parse or that is too large, no answer) is counted
apart, as "refused", never as a block.
"""

import json
import os
import sys
from collections import Counter, OrderedDict


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def sekisho_rule(rec):
    """The rule that decided, as Group:rule for managed rule groups."""
    for g in rec.get("ruleGroupList") or []:
        t = g.get("terminatingRule")
        if t and t.get("ruleId"):
            gid = str(g.get("ruleGroupId", "")).split("#")[-1].split(":")[-1]
            return "%s:%s" % (gid, t["ruleId"])
    return rec.get("terminatingRuleId") or "?"


class Tally:
    def __init__(self):
        self.n = 0
        self.sk_blocked = 0
        self.sk_errors = 0
        self.sk_rules = Counter()
        self.sent = 0          # sent to the anchor
        self.crs_blocked = 0
        self.crs_other = Counter()
        self.sk_blocked_sent = 0  # sekisho blocks among the requests sent to the anchor

    def add(self, sk, crs):
        self.n += 1
        if sk == "error":
            self.sk_errors += 1
        elif sk is not None:
            self.sk_blocked += 1
            self.sk_rules[sk] += 1
        if crs is not None:
            self.sent += 1
            if sk not in (None, "error"):
                self.sk_blocked_sent += 1
            if crs == 403:
                self.crs_blocked += 1
            elif crs != 200:
                self.crs_other[str(crs)] += 1

    def as_json(self, anchor):
        d = OrderedDict(total=self.n, sekisho_blocked=self.sk_blocked,
                        sekisho_rate=rate(self.sk_blocked, self.n))
        if self.sk_errors:
            d["sekisho_errors"] = self.sk_errors
        d["sekisho_top_rules"] = dict(self.sk_rules.most_common(5))
        if anchor:
            d.update(crs_sent=self.sent, crs_blocked=self.crs_blocked,
                     crs_rate=rate(self.crs_blocked, self.sent),
                     crs_refused=dict(sorted(self.crs_other.items())),
                     sekisho_rate_on_crs_sample=rate(self.sk_blocked_sent, self.sent))
        return d


def rate(a, b):
    return round(a / b, 4) if b else None


def pct(a, b):
    return "%6.1f%%" % (100.0 * a / b) if b else "     - "


def main():
    d, out_json = sys.argv[1], sys.argv[2]
    index = load_jsonl(os.path.join(d, "index.jsonl"))
    meta = load_json(os.path.join(d, "meta.json")) or {}
    timings = load_json(os.path.join(d, "timings.json")) or {}
    info = load_json(os.path.join(d, "anchor-info.json")) or {}
    records = load_jsonl(os.path.join(d, "sekisho.jsonl"))
    if len(records) != len(index):
        sys.exit("report.py: %d sekisho records for %d requests" % (len(records), len(index)))
    anchor = load_json(os.path.join(d, "anchor.json"))
    status = anchor["status"] if anchor else [None] * len(index)

    sk = []
    for rec in records:
        if "error" in rec:
            sk.append("error")
        elif rec.get("action", "ALLOW") != "ALLOW":
            sk.append(sekisho_rule(rec))
        else:
            sk.append(None)

    groups = OrderedDict()

    def add(key, i):
        groups.setdefault(key, Tally()).add(sk[i], status[i])

    for i, lab in enumerate(index):
        src, kind = lab["src"], lab["kind"]
        if src == "libinjection":
            add(("libinjection", lab["file"]), i)
            add(("libinjection", "all %s (%s)" % (lab["cat"], lab["variant"])), i)
            add(("libinjection", "all %s" % lab["cat"]), i)
        elif src == "gotestwaf":
            add(("gotestwaf", lab["file"]), i)
            add(("gotestwaf", "all %s" % lab["set"].split("/", 1)[1]), i)
            if kind == "attack":
                add(("gotestwaf placeholders (attacks)", lab["variant"].split("/")[0]), i)
        elif src == "benign-dev":
            add(("benign-dev", lab["cat"]), i)
            add(("benign-dev", "all benign-dev"), i)
        add(("summary", "%s %s" % (kind, src)), i)
        add(("summary", "%s (all)" % kind), i)

    # Order: per file, then roll-ups ("all ...") at the end of each section.
    sections = OrderedDict()
    for (sec, name), t in groups.items():
        sections.setdefault(sec, []).append((name, t))
    for sec in sections:
        sections[sec].sort(key=lambda x: (x[0].startswith("all"), x[0]))

    have_anchor = anchor is not None
    sampled = have_anchor and anchor.get("sampled")
    w = max(len(name) for rows in sections.values() for name, _ in rows)
    w = min(max(w, 30), 48)

    def header():
        if have_anchor:
            return ("%-*s %7s %16s  %16s %s" % (w, "", "n", "sekisho", "CRS PL1" + (" (sample)" if sampled else ""),
                                                "  CRS refused (status: n)"))
        return "%-*s %7s %16s" % (w, "", "n", "sekisho")

    def row(name, t):
        s = "%-*s %7d %7d %s" % (w, name[:w], t.n, t.sk_blocked, pct(t.sk_blocked, t.n))
        if t.sk_errors:
            s += " (%d bad lines)" % t.sk_errors
        if have_anchor:
            s += "  %7s %s" % ("%d/%d" % (t.crs_blocked, t.sent) if sampled else t.crs_blocked,
                               pct(t.crs_blocked, t.sent))
            if t.crs_other:
                s += "  " + " ".join("%s:%d" % kv for kv in sorted(t.crs_other.items()))
        return s

    print()
    print("== detection: blocked / total (sekisho: action not ALLOW; CRS: HTTP 403)")
    print(header())
    for sec, rows in sections.items():
        if sec == "summary":
            continue
        print("-- " + sec)
        for name, t in rows:
            print(row(name, t))

    summ = dict(sections.get("summary", []))
    print()
    print("== summary")
    print(header())

    def srow(label, key_list):
        t = Tally()
        for k in key_list:
            src = summ.get(k)
            if src is None:
                continue
            t.n += src.n
            t.sk_blocked += src.sk_blocked
            t.sk_errors += src.sk_errors
            t.sk_rules.update(src.sk_rules)
            t.sent += src.sent
            t.crs_blocked += src.crs_blocked
            t.crs_other.update(src.crs_other)
            t.sk_blocked_sent += src.sk_blocked_sent
        print(row(label, t))
        return t

    summary = OrderedDict()
    summary["tp_libinjection"] = srow("TP libinjection sqli+xss", ["attack libinjection"])
    summary["tp_gotestwaf"] = srow("TP gotestwaf attacks", ["attack gotestwaf"])
    summary["tp_all"] = srow("TP all attack sets", ["attack (all)"])
    summary["fp_benign_dev"] = srow("FP benign-dev", ["benign benign-dev"])
    summary["fp_gotestwaf"] = srow("FP gotestwaf false-pos", ["benign gotestwaf"])
    summary["fp_libinjection"] = srow("FP libinjection false_positives", ["benign libinjection"])
    summary["fp_all"] = srow("FP all benign sets", ["benign (all)"])
    if sampled:
        print("(CRS on a seeded sample: about %.1f%% of each file, at least 40; sekisho on the "
              "same sample: TP %s, FP %s)" % (100 * anchor["fraction"],
                                         pct(summary["tp_all"].sk_blocked_sent, summary["tp_all"].sent).strip(),
                                         pct(summary["fp_all"].sk_blocked_sent, summary["fp_all"].sent).strip()))

    print()
    print("== sekisho rules behind false positives (all benign sets)")
    fp_rules = summary["fp_all"].sk_rules.most_common(10)
    for r, c in fp_rules:
        print("  %6d  %s" % (c, r))
    if not fp_rules:
        print("  none")

    if have_anchor:
        allc = Counter(str(s) for s in status if s is not None)
        print()
        print("== anchor answers: " + ", ".join("%s: %d" % kv for kv in sorted(allc.items())))
        print("   403: blocked by ModSecurity+CRS. 422: ModSecurity refused a body it could not "
              "parse or one past\n   SecRequestBodyNoFilesLimit (128 KB) (the recommended "
              "config's 400, renumbered here). Other codes: nginx\n   refused the message "
              "(400 bad request, 414 URI too long, 413...); 0: no answer.")
        odd = [i for i, s in enumerate(status) if s not in (None, 200, 403)]
        if odd:
            reqs = {}
            want = set(odd[:12])
            with open(os.path.join(d, "requests.jsonl"), encoding="utf-8") as f:
                for i, line in enumerate(f):
                    if i in want:
                        reqs[i] = json.loads(line)
            print("   not 200 or 403 (first %d of %d):" % (len(want), len(odd)))
            for i in odd[:12]:
                r, lab = reqs[i], index[i]
                print("     %s  %s %s  %s %s" % (status[i], lab["file"], lab.get("variant", ""),
                                               r["method"], json.dumps(r["path"][:70])))
        if anchor.get("errors"):
            print("   client errors: " + json.dumps(anchor["errors"]))

    skipped = meta.get("skipped_placeholders") or {}
    print()
    print("== not sent")
    any_skipped = False
    for k, per_file in sorted(skipped.items()):
        any_skipped = True
        print("  placeholder %s: %d requests (%s)" % (
            k, sum(per_file.values()), ", ".join("%s %d" % kv for kv in sorted(per_file.items()))))
    for k, c in sorted((meta.get("unsendable") or {}).items()):
        any_skipped = True
        print("  %s: %d" % (k, c))
    for f in meta.get("skipped_files") or []:
        any_skipped = True
        print("  file " + f)
    for f in meta.get("missing") or []:
        any_skipped = True
        print("  missing " + f)
    if not any_skipped:
        print("  nothing")

    if timings:
        print()
        print("== time: " + ", ".join("%s %.1f s" % (k, v) if v is not None else "%s not run" % k
                                      for k, v in timings.items()))

    result = OrderedDict()
    result["requests"] = len(index)
    result["anchor"] = OrderedDict(
        present=have_anchor,
        what="nginx + ModSecurity v3 + OWASP CRS, paranoia level 1, blocking, anomaly thresholds "
             "at their defaults, JSON and XML body processors on; blocked = HTTP 403",
        versions=info.get("versions"),
        sampled=bool(sampled),
        fraction=anchor.get("fraction") if have_anchor else None,
        sent=anchor.get("sent") if have_anchor else 0,
        rate_per_s=anchor.get("rate") if have_anchor else None,
        connections=anchor.get("conns") if have_anchor else None,
        client_errors=anchor.get("errors") if have_anchor else None)
    result["summary"] = OrderedDict((k, t.as_json(have_anchor)) for k, t in summary.items())
    result["groups"] = OrderedDict()
    for sec, rows in sections.items():
        if sec == "summary":
            continue
        result["groups"][sec] = OrderedDict((name, t.as_json(have_anchor)) for name, t in rows)
    result["not_sent"] = OrderedDict(placeholders=skipped, unsendable=meta.get("unsendable") or {},
                                     files=meta.get("skipped_files") or [],
                                     missing=meta.get("missing") or [])
    result["timings_s"] = timings
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("\nresults: " + out_json)


if __name__ == "__main__":
    main()
