#!/usr/bin/python3
"""The worked example of docs/debugging.md: three jobs through `energon-vp --serve` with the log, the VCD
and the timeline on; the middle job's output buffer is misaligned. Prints the log lines that find it.
Usage: scripts/debug_example.py [build dir] [output dir]"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build")
out = sys.argv[2] if len(sys.argv) > 2 else "debug-example"
os.makedirs(out, exist_ok=True)
sys.path.insert(0, os.path.join(here, "..", "platform", "cosim", "python"))
import numpy as np  # noqa: E402
from energon_vp import Client  # noqa: E402

log, vcd, timeline = (os.path.abspath(os.path.join(out, n)) for n in ("example.log", "example.vcd", "example.json"))
rng = np.random.default_rng(4)
q = rng.standard_normal((4, 64, 64)).astype(np.float32)
k = rng.standard_normal((2, 64, 64)).astype(np.float32)
v = rng.standard_normal((2, 64, 64)).astype(np.float32)
k[:, ::8, :] += 2.0 * q[:2, ::8, :]
with Client.launch(vp=os.path.join(build, "bin", "energon-vp"),
                   extra_args=("--log-level", "debug", "--log", log, "--vcd", vcd, "--timeline", timeline)) as vp:
    results = []
    for overrides in ({}, {"out_addr": None}, {}):
        if "out_addr" in overrides:
            overrides = {"out_addr": vp.alloc(4 * 64 * 64 * 2 + 64) + 32}  # 32-byte aligned, not 64
        _, r = vp.run_attention(q, k, v, policy="mpmrf", causal=True, overrides=overrides)
        results.append(r)
for i, r in enumerate(results):
    print(f"job {i}: {r['error_name']}, cycles {r['cycles']}, irq causes {r['irq_causes']:#x}")
lines = open(log).read().splitlines()
for i, line in enumerate(lines):
    if "failed" in line:
        print("\n".join(lines[max(0, i - 6):i + 1]))
print(f"log {log}\nvcd {vcd}\ntimeline {timeline}")
