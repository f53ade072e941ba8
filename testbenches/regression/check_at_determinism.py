#!/usr/bin/python3
"""Approximately-timed runs are deterministic: the same run twice gives the same report figures.

Runs energon-vp twice per policy in --timing at (one layer of bert-base-128 at a reduced sequence
length) and compares the cycles, latency, DRAM traffic and DRAM model statistics of the two --json
reports. Usage: check_at_determinism.py ENERGON_VP DIR
"""
import json
import os
import subprocess
import sys

vp, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")


def figures(tree, prefix=""):
    """Every leaf value under the timing-relevant sections, by path."""
    out = {}
    for key, node in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(node, dict) and "value" in node:
            out[path] = node["value"]
        elif isinstance(node, dict):
            out.update(figures(node, path))
    return out


def run(policy, i):
    out = os.path.join(work, f"{policy}-{i}.json")
    subprocess.run([vp, "--workload", "bert-base-128", "--layers", "1", "--seq-len", "128", "--no-compare",
                    "--no-check", "--quiet", "--timing", "at", "--policy", policy, "--json", out], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    report = json.load(open(out))[policy]
    return {k: v for s in ("latency", "cycles", "dram_traffic") for k, v in figures(report[s], s).items()}


bad = []
for policy in ("dense", "topk", "mpmrf"):
    a, b = run(policy, 0), run(policy, 1)
    if a != b:
        bad.append(policy + ": " + ", ".join(f"{k} {a.get(k)} vs {b.get(k)}" for k in sorted(a) if a.get(k) != b.get(k)))
    print(f"{policy}: accelerator_cycles {a['latency.accelerator_cycles']}, {len(a)} figures compared")
if bad:
    print("check_at_determinism: differ: " + "; ".join(bad))
    sys.exit(1)
print("check_at_determinism: ok")
