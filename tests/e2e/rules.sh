#!/usr/bin/env bash
# Per managed rule: attack and benign examples (tests/data/rules/cases.jsonl).
# Each group is loaded with every rule overridden to Count, so all rules run
# and a case checks exactly whether its own rule matched.
set -uo pipefail
build=${1:?build folder}
root=$(cd "$(dirname "$0")/../.." && pwd)
exec python3 - "$build/sekisho" "$root" <<'PY'
import json, os, subprocess, sys, tempfile
sk, root = sys.argv[1], sys.argv[2]
cases = [json.loads(l) for l in open(os.path.join(root, "tests/data/rules/cases.jsonl"))]
groups = sorted({c["rule"].split("/")[0] for c in cases})
lists = tempfile.mkdtemp()  # empty lists folder: no warnings about missing lists matter here
n = 0
for g in groups:
    doc = json.load(open(os.path.join(root, "src/rules/groups", g + ".json")))
    acl = {"Name": "t", "DefaultAction": {"Allow": {}}, "Rules": [{
        "Name": g, "Priority": 0, "OverrideAction": {"None": {}},
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": g,
            "RuleActionOverrides": [{"Name": r["Name"], "ActionToUse": {"Count": {}}} for r in doc["Rules"]]}}}]}
    mine = [c for c in cases if c["rule"].startswith(g + "/")]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(acl, f)
        aclfile = f.name
    inp = "".join(json.dumps(c["request"]) + "\n" for c in mine)
    out = subprocess.run([sk, "check", "--acl", aclfile, "--lists", lists, "--format", "json", "--jsonl", "-"],
                         input=inp.encode(), capture_output=True).stdout.decode().splitlines()
    os.unlink(aclfile)
    for c, line in zip(mine + [None] * 0, out + [""] * (len(mine) - len(out))):
        n += 1
        rule = c["rule"].split("/")[1]
        try:
            rec = json.loads(line)
            matched = {m["ruleId"] for rg in rec.get("ruleGroupList", [])
                       for m in rg.get("nonTerminatingMatchingRules", [])}
        except Exception:
            print(f"not ok {n} - {c['rule']} {c['expect']}: no record ({line[:80]})")
            continue
        hit = rule in matched
        good = hit if c["expect"] == "block" else not hit
        print(f"{'ok' if good else 'not ok'} {n} - {c['rule']} {c['expect']}s {c['why']}")
PY
