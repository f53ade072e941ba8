#!/usr/bin/python3
"""Loosely-timed cycles stay within a documented tolerance of approximately-timed ones.

Runs every regression workload (the built-in list of regression_e2e_tests.cpp) under every policy
in both timing modes, one layer at a reduced sequence length, and compares the accelerator cycles
(`POLICY.latency.accelerator_cycles` of the --json report): |lt - at| / at must be at most the
tolerance (docs/architecture.md "Timing modes"). The points known to lie outside it are listed in
KNOWN with the band they were measured in and why (docs/results.md "LT vs AT"); they must stay in
that band, so a change of either mode still fails the test. Prints the table; exits 1 naming every
point outside its bound. Usage: check_lt_at_tolerance.py ENERGON_VP DIR [SEQ_LEN [TOLERANCE]]
"""
import json
import os
import subprocess
import sys

vp, work = sys.argv[1], sys.argv[2]
seq_len = sys.argv[3] if len(sys.argv) > 3 else "128"
tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 0.10
os.makedirs(work, exist_ok=True)
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
workloads = ["bert-base-128", "bert-base-384", "bert-base-512", "bert-large-512", "deit-s-197", "gpt2-small-1024",
             "vit-b16-197", "gpt2-style-2048", "gpt2-style-4096", "longformer-base-4096"]
policies = ["dense", "topk", "mpmrf", "spatten"]
causal = {"gpt2-small-1024", "gpt2-style-2048", "gpt2-style-4096"}
# (policy, causal workload) -> (low, high) bound of lt/at - 1 and the reason, for points known to
# lie outside the tolerance (docs/results.md "LT vs AT"). None since the V stream is posted in at
# and the prefetch DMA takes a query tile's rows at once: every point is within 10 % at n = 128.
KNOWN = {
}


def cycles(workload, policy, timing):
    out = os.path.join(work, f"{workload}-{policy}-{timing}.json")
    subprocess.run([vp, "--workload", workload, "--layers", "1", "--seq-len", seq_len, "--no-compare", "--no-check",
                    "--quiet", "--timing", timing, "--policy", policy, "--json", out], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return json.load(open(out))[policy]["latency"]["accelerator_cycles"]["value"]


failures = []
print(f"{'workload':22} {'policy':6} {'lt':>10} {'at':>10} {'lt/at-1':>8}")
for w in workloads:
    for p in policies:
        lt, at = cycles(w, p, "lt"), cycles(w, p, "at")
        diff = (lt - at) / at
        known = KNOWN.get((p, w in causal))
        low, high = (known[0], known[1]) if known else (-tolerance, tolerance)
        print(f"{w:22} {p:6} {lt:10d} {at:10d} {diff:+8.2%}" + (f"  known: {known[2]}" if known else ""))
        if not low <= diff <= high:
            failures.append(f"{w} {p}: lt {lt}, at {at} ({diff:+.2%}, bound {low:+.0%}..{high:+.0%})")
if failures:
    print(f"check_lt_at_tolerance: {len(failures)} outside {tolerance:.0%}: " + "; ".join(failures))
    sys.exit(1)
known = sum(1 for w in workloads for p in policies if (p, w in causal) in KNOWN)
print(f"check_lt_at_tolerance: ok, {len(workloads) * len(policies) - known} points within {tolerance:.0%}, {known} known "
      f"points within their documented bands (n = {seq_len})")
