#!/usr/bin/python3
"""Co-simulation speed (docs/cosim.md): register round trips per second and bulk memory bandwidth over
the socket, and the wall time of one BERT-base layer (12 heads, n = 512, d = 64) through the Python client
against the built-in host program, as a ratio measured in the same run. Prints numbers only.
Usage: scripts/bench_cosim.py [build dir] [policy]"""
import json
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build")
vp_bin = os.path.join(build, "bin", "energon-vp")
sys.path.insert(0, os.path.join(here, "..", "platform", "cosim", "python"))
import numpy as np  # noqa: E402
from energon_vp import Client  # noqa: E402

env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")

with Client.launch(vp=vp_bin) as vp:
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        vp.read32("ID")
    rt = n / (time.perf_counter() - t0)
    data = np.random.default_rng(0).integers(0, 255, 64 << 20, dtype=np.uint8)
    addr = vp.alloc(data.nbytes)
    t0 = time.perf_counter()
    vp.mem_write(addr, data)
    wr = data.nbytes / (time.perf_counter() - t0) / 1e6
    t0 = time.perf_counter()
    back = vp.mem_read(addr, data.nbytes)
    rd = data.nbytes / (time.perf_counter() - t0) / 1e6
    assert np.array_equal(back, data)
    vp.release_to(addr)

    rng = np.random.default_rng(1)
    q = rng.standard_normal((12, 512, 64)).astype(np.float32)
    k = rng.standard_normal((12, 512, 64)).astype(np.float32)
    v = rng.standard_normal((12, 512, 64)).astype(np.float32)
    k[:, ::16, :] += 2.0 * q[:, ::16, :]
    py = {}
    for policy in ("dense", "mpmrf"):
        t0 = time.perf_counter()
        _, result = vp.run_attention(q, k, v, policy=policy)
        py[policy] = (time.perf_counter() - t0, result["final_kept"] / result["allowed"])

builtin = {}
for policy in ("dense", "mpmrf"):
    t0 = time.perf_counter()
    out = subprocess.run([vp_bin, "--workload", "bert-base-512", "--layers", "1", "--policy", policy, "--no-check",
                          "--no-compare", "--json", "/dev/stdout", "--quiet"], check=True, env=env,
                         capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    report = json.JSONDecoder().raw_decode(out[out.index("{"):])[0]
    builtin[policy] = (wall, report[policy]["filtering"]["kept_fraction"]["value"])

print(f"register round trips        {rt:12.0f} /s   (READ32 over a Unix socket, Python client)")
print(f"memory write over socket    {wr:12.1f} MB/s (64 MiB)")
print(f"memory read over socket     {rd:12.1f} MB/s (64 MiB)")
for policy in ("dense", "mpmrf"):
    (pw, pk), (bw, bk) = py[policy], builtin[policy]
    print(f"BERT-base layer {policy:5s}: Python client {pw:6.3f} s (kept {pk:.3f}), built-in host program "
          f"{bw:6.3f} s (kept {bk:.3f}, whole process), ratio {pw / bw:5.2f}")
