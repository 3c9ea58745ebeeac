#!/usr/bin/env python3
"""What each arm of the benchmark comparison sampled: the share of drawn examples per dataset
(from the train lines of metrics.jsonl) and the final probabilities (the last line of
weights.jsonl), mean over seeds. Usage: summarise.py COMPARISON_DIR [ARM ...]"""
import json
import os
import sys

root = sys.argv[1]
arms = sys.argv[2:] or sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and d != "plots")
names = None
runs = {}
for arm in arms:
    seeds = sorted(s for s in os.listdir(os.path.join(root, arm)) if s.startswith("seed-") and os.path.isdir(os.path.join(root, arm, s)))
    runs[arm] = []
    for s in seeds:
        run = os.path.join(root, arm, s)
        if not os.path.exists(os.path.join(run, "eval.json")):
            continue
        counts = {}
        for line in open(os.path.join(run, "metrics.jsonl")):
            e = json.loads(line)
            if e.get("event") == "train":
                for k, v in e.get("examples", {}).items():
                    counts[k] = counts.get(k, 0) + v
        weights = [json.loads(l) for l in open(os.path.join(run, "weights.jsonl"))]
        first, last = weights[0]["probs"], weights[-1]["probs"]
        if names is None or len(first) > len(names):
            names = list(first)  # the widest mix: an `only` arm has one dataset
        runs[arm].append((counts, first, last))
rows = []
for arm in arms:
    if runs[arm]:
        k = len(runs[arm])
        drawn = [[c.get(n, 0) / sum(c.values()) for n in names] for c, _, _ in runs[arm]]
        final = [[l.get(n, 0.0) for n in names] for _, _, l in runs[arm]]
        moved = [0.5 * sum(abs(l.get(n, 0) - f.get(n, 0)) for n in names) for _, f, l in runs[arm]]
        rows.append((arm, k, [sum(d[i] for d in drawn) / k for i in range(len(names))],
                     [sum(f[i] for f in final) / k for i in range(len(names))], sum(moved) / k, max(moved)))

print("| arm | seeds | " + " | ".join(f"{n} drawn %" for n in names) + " | " + " | ".join(f"{n} final p" for n in names)
      + " | moved (TV, mean) | moved (TV, max) |")
print("|---|---:|" + "---:|" * (2 * len(names) + 2))
for arm, k, d, f, m, mx in rows:
    print(f"| {arm} | {k} | " + " | ".join(f"{100 * x:.1f}" for x in d) + " | " + " | ".join(f"{x:.3f}" for x in f)
          + f" | {m:.3f} | {mx:.3f} |")

# Held-out loss per dataset (nats per token of the responses), mean ± sample std over seeds.
import statistics

print()
print("| arm | seeds | " + " | ".join(f"{n} loss" for n in names) + " |")
print("|---|---:|" + "---:|" * len(names))
for arm in arms:
    per = {n: [] for n in names}
    for s in sorted(os.listdir(os.path.join(root, arm))):
        f = os.path.join(root, arm, s, "eval.json")
        if s.startswith("seed-") and os.path.exists(f):
            for r in json.load(open(f))["results"]:
                n = r["task"][len("heldout/"):] if r["task"].startswith("heldout/") else None
                if n in per and r["metric"] == "loss":
                    per[n].append(r["value"])
    k = max(len(v) for v in per.values())
    if k:
        cells = [(f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}" if len(v) > 1 else "–") for v in per.values()]
        print(f"| {arm} | {k} | " + " | ".join(cells) + " |")
