#!/usr/bin/env python3
"""Writes bench/acl100/acl.json and its resources (the wrapped rule group
stores search strings in base64, as the AWS CLI prints them): a web ACL of about 100
custom rules mixing every statement type, for the engine benchmark. Most
rules Count, so every request runs through all of them (the worst case)."""
import base64, json, os

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "acl100")
ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/{}/{}/{}"

def tx(*names):
    return [{"Priority": i, "Type": n} for i, n in enumerate(names or ["NONE"])]

def vis(name):
    return {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": name}

fields = [
    {"UriPath": {}}, {"QueryString": {}}, {"AllQueryArguments": {}},
    {"SingleQueryArgument": {"Name": "q"}}, {"SingleHeader": {"Name": "user-agent"}},
    {"SingleHeader": {"Name": "referer"}},
    {"Body": {"OversizeHandling": "CONTINUE"}},
    {"JsonBody": {"MatchPattern": {"All": {}}, "MatchScope": "VALUE",
                  "InvalidFallbackBehavior": "EVALUATE_AS_STRING", "OversizeHandling": "CONTINUE"}},
    {"Cookies": {"MatchPattern": {"All": {}}, "MatchScope": "VALUE", "OversizeHandling": "CONTINUE"}},
    {"Headers": {"MatchPattern": {"ExcludedHeaders": ["cookie"]}, "MatchScope": "VALUE",
                 "OversizeHandling": "CONTINUE"}},
]
chains = [tx("URL_DECODE"), tx("URL_DECODE", "LOWERCASE"), tx("LOWERCASE"),
          tx("URL_DECODE_UNI", "HTML_ENTITY_DECODE", "LOWERCASE"), tx("NONE"),
          tx("COMPRESS_WHITE_SPACE", "LOWERCASE")]
words = ["etc/passwd", "/bin/sh", "cmd.exe", "powershell", "wp-admin", "phpmyadmin", ".git/",
         "eval(", "base64_decode", "<?php", "document.cookie", "onerror", "sleep(", "benchmark(",
         "xp_cmdshell", "information_schema", "nessus", "nikto", "sqlmap", "masscan", "${jndi",
         "../..", "169.254.169.254", "file://", "gopher://", "/proc/self", ".env", "web.config"]
positions = ["CONTAINS", "CONTAINS_WORD", "STARTS_WITH", "ENDS_WITH", "EXACTLY"]
regexes = [r"(?i)union\s+(all\s+)?select", r"\bor\s+\d+\s*=\s*\d+", r"<script[^>]*>",
           r"(?i)on(error|load|mouseover)\s*=", r"\.\./\.\./", r"(?i)\b(select|insert|update|delete)\b.{0,40}\b(from|into|set)\b",
           r"[;&|]\s*(cat|ls|id|whoami|uname)\b", r"(?i)javascript\s*:", r"\$\{[^}]*\}", r"\x00",
           r"(?i)(?:wget|curl)\s+https?://", r"^/api/v[0-9]+/admin", r"(?i)\bexec(\s|\()",
           r"%[0-9a-f]{2}%[0-9a-f]{2}%[0-9a-f]{2}%[0-9a-f]{2}", r"(a+)+$"]

rules, prio = [], 0
def rule(name, stmt, action="Count", labels=None):
    global prio
    prio += 10
    r = {"Name": name, "Priority": prio, "Statement": stmt, "Action": {action: {}}, "VisibilityConfig": vis(name)}
    if labels:
        r["RuleLabels"] = [{"Name": l} for l in labels]
    rules.append(r)

for i in range(24):
    w = words[i % len(words)]
    pos = positions[i % len(positions)]
    if pos == "CONTAINS_WORD":
        w = "".join(c for c in w if c.isalnum() or c == "_") or "word"
    rule(f"byte_{i}", {"ByteMatchStatement": {"SearchString": w, "FieldToMatch": fields[i % len(fields)],
         "TextTransformations": chains[i % len(chains)], "PositionalConstraint": pos}},
         labels=[f"bench:byte:{i}"] if i % 4 == 0 else None)
for i, rx in enumerate(regexes):
    rule(f"regex_{i}", {"RegexMatchStatement": {"RegexString": rx, "FieldToMatch": fields[(i + 3) % len(fields)],
         "TextTransformations": chains[(i + 1) % len(chains)]}})
for i in range(4):
    rule(f"regexset_{i}", {"RegexPatternSetReferenceStatement": {"ARN": ARN.format("regexpatternset", "bench-set", "rs-1"),
         "FieldToMatch": fields[i * 2], "TextTransformations": chains[i]}})
for i in range(10):
    rule(f"sqli_{i}", {"SqliMatchStatement": {"FieldToMatch": fields[[2, 6, 7, 8, 3][i % 5]],
         "TextTransformations": chains[[0, 3][i % 2]], "SensitivityLevel": ["LOW", "HIGH"][i % 2]}},
         action="Block" if i < 2 else "Count")
for i in range(10):
    rule(f"xss_{i}", {"XssMatchStatement": {"FieldToMatch": fields[[2, 6, 7, 8, 0][i % 5]],
         "TextTransformations": chains[[3, 0][i % 2]]}}, action="Block" if i < 2 else "Count")
for i, (f, op, n) in enumerate([(0, "GT", 1024), (1, "GT", 2048), (6, "GT", 65536), (4, "EQ", 0),
                                (8, "GT", 4096), (3, "GE", 512), (5, "GT", 2048), (7, "LT", 0),
                                (9, "GT", 8192), (1, "NE", 5)]):
    rule(f"size_{i}", {"SizeConstraintStatement": {"FieldToMatch": fields[f], "ComparisonOperator": op,
         "Size": n, "TextTransformations": tx("NONE")}})
for i in range(5):
    st = {"ARN": ARN.format("ipset", "bench-ips", "ip-1")}
    if i % 2:
        st["IPSetForwardedIPConfig"] = {"HeaderName": "X-Forwarded-For", "FallbackBehavior": "NO_MATCH",
                                        "Position": ["FIRST", "LAST", "ANY"][i % 3]}
    rule(f"ipset_{i}", {"IPSetReferenceStatement": st}, action="Block" if i == 0 else "Count")
for i in range(3):
    rule(f"geo_{i}", {"GeoMatchStatement": {"CountryCodes": [["RU", "CN"], ["KP"], ["IR", "SY"]][i]}})
for i in range(5):
    rule(f"label_{i}", {"LabelMatchStatement": {"Scope": ["LABEL", "NAMESPACE"][i % 2],
         "Key": [f"bench:byte:{i * 4}", "bench:byte:"][i % 2]}})
for i in range(10):
    a = {"ByteMatchStatement": {"SearchString": "/api/", "FieldToMatch": {"UriPath": {}},
         "TextTransformations": tx("LOWERCASE"), "PositionalConstraint": "STARTS_WITH"}}
    b = {"SqliMatchStatement": {"FieldToMatch": fields[6], "TextTransformations": chains[0]}}
    c = {"SizeConstraintStatement": {"FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
         "ComparisonOperator": "GT", "Size": 16384, "TextTransformations": tx("NONE")}}
    kind = ["AndStatement", "OrStatement", "NotStatement"][i % 3]
    if kind == "NotStatement":
        stmt = {kind: {"Statement": {"AndStatement": {"Statements": [a, c]}}}}
    else:
        stmt = {kind: {"Statements": [a, b, c] if i % 2 else [a, c]}}
    rule(f"logic_{i}", stmt)
for i in range(3):
    st = {"Limit": 100000 + i, "AggregateKeyType": ["IP", "CONSTANT", "CUSTOM_KEYS"][i], "EvaluationWindowSec": 300}
    if i == 1:
        st["ScopeDownStatement"] = {"ByteMatchStatement": {"SearchString": "/login", "FieldToMatch": {"UriPath": {}},
                                    "TextTransformations": tx("LOWERCASE"), "PositionalConstraint": "STARTS_WITH"}}
    if i == 2:
        st["CustomKeys"] = [{"Header": {"Name": "user-agent", "TextTransformations": tx("NONE")}}, {"IP": {}}]
    rule(f"rate_{i}", {"RateBasedStatement": st}, action="Block")
for i in range(2):
    rule(f"group_{i}", {"RuleGroupReferenceStatement": {"ARN": ARN.format("rulegroup", "bench-group", "rg-1"),
         "ExcludedRules": [{"Name": "g_byte_1"}] if i else []}}, action=None)
    rules[-1].pop("Action")
    rules[-1]["OverrideAction"] = {"Count": {}} if i else {"None": {}}

acl = {"Name": "bench-acl100", "DefaultAction": {"Allow": {}}, "VisibilityConfig": vis("bench"),
       "Rules": rules}
group = {"Name": "bench-group", "Id": "rg-1", "ARN": ARN.format("rulegroup", "bench-group", "rg-1"),
         "Capacity": 200, "VisibilityConfig": vis("bench-group"),
         "Rules": [{"Name": f"g_byte_{i}", "Priority": i, "Action": {"Count": {}}, "VisibilityConfig": vis(f"g{i}"),
                    "Statement": {"ByteMatchStatement": {"SearchString": base64.b64encode(w.encode()).decode(), "FieldToMatch": {"QueryString": {}},
                                  "TextTransformations": tx("URL_DECODE", "LOWERCASE"), "PositionalConstraint": "CONTAINS"}}}
                   for i, w in enumerate(["alert(", "select ", "../", "<svg"])]}
ipset = {"Name": "bench-ips", "Id": "ip-1", "ARN": ARN.format("ipset", "bench-ips", "ip-1"),
         "IPAddressVersion": "IPV4", "Addresses": [f"203.0.{i}.0/24" for i in range(100)] + ["198.51.100.7/32"]}
rset = {"Name": "bench-set", "Id": "rs-1", "ARN": ARN.format("regexpatternset", "bench-set", "rs-1"),
        "RegularExpressionList": [{"RegexString": r} for r in regexes[:8]]}
os.makedirs(os.path.join(out, "resources"), exist_ok=True)
with open(os.path.join(out, "acl.json"), "w") as f:
    json.dump(acl, f, indent=1)
for name, doc in [("group.json", {"RuleGroup": group, "LockToken": "x"}), ("ipset.json", {"IPSet": ipset, "LockToken": "x"}),
                  ("regexset.json", {"RegexPatternSet": rset, "LockToken": "x"})]:
    with open(os.path.join(out, "resources", name), "w") as f:
        json.dump(doc, f, indent=1)
print(f"{len(rules)} rules written to {out}")
