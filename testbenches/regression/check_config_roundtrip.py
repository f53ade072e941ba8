#!/usr/bin/python3
"""--dump-config round trip: a run with --set overrides, its dump fed back with --hw/--workload, gives the
same report bit for bit; --set errors name the key and the value. Usage: check_config_roundtrip.py ENERGON_VP DIR"""
import json
import os
import subprocess
import sys

vp, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
first = ["--workload", "gpt2-small-1024", "--seq-len", "96", "--set", "accelerator.fu_lanes=16",
         "--set", "dram.timing.tRCD=20ns", "--set", "host.reg_access_ns=7.5", "--policy", "mpmrf"]
run_opts = ["--layers", "2", "--no-compare", "--quiet"]
dump = os.path.join(work, "config.yaml")
with open(dump, "w") as f:
    subprocess.run([vp, *first, "--dump-config"], check=True, env=env, stdout=f)
text = open(dump).read()
assert "fu_lanes: 16" in text and "tRCD: 43" in text and "reg_access_ns: 7.5" in text and "causal: true" in text

a, b = os.path.join(work, "a.json"), os.path.join(work, "b.json")
subprocess.run([vp, *first, *run_opts, "--json", a], check=True, env=env, stdout=subprocess.DEVNULL)
subprocess.run([vp, "--hw", dump, "--workload", dump, "--policy", "mpmrf", *run_opts, "--json", b], check=True,
               env=env, stdout=subprocess.DEVNULL)


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items()
                if k not in ("wall_time", "wall_time_without_checks", "check_wall_s", "command_line", "description")}
    return node


ra, rb = strip(json.load(open(a))), strip(json.load(open(b)))
for section in ("mpmrf", "host"):
    assert ra[section] == rb[section], section
assert ra["provenance"]["accelerator"] == rb["provenance"]["accelerator"]
assert ra["provenance"]["shape"] == rb["provenance"]["shape"]
cycles = ra["mpmrf"]["latency"]["accelerator_cycles"]["value"]

for bad, expect in (("accelerator.fu_lanes=0", "fu_multipliers (512) must be a non-zero multiple of fu_lanes (0)"),
                    ("accelerator.fu_lane=3", "unknown key accelerator.fu_lane"),
                    ("gpu.cores=3", "key 'gpu' is not a preset section"),
                    ("dram.timing.tRCD=-5", "timing.tRCD"),
                    ("host.irq_entry_ns=soon", "host.irq_entry_ns: expected a number of nanoseconds"),
                    ("accelerator", "expected KEY=VALUE")):
    r = subprocess.run([vp, "--set", bad, "--layers", "1"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and expect in r.stderr, (bad, r.stderr)
    assert "--set" in r.stderr, r.stderr
# Every DRAM key the run used is in the dump: the default LPDDR4 (multi-cycle commands, tDQSCK,
# the controller section) in accurate timing, and a preset whose mapping names a field of one value
# (ddr4-3200: rank, one rank; the dump leaves zero-bit fields out) with a controller override.
small_job = ["--workload", "bert-base-128", "--seq-len", "64", "--policy", "dense"]
for name, sets, timing in (("lpddr4", [], "at"),
                           ("ddr4", ["--set", "dram=ddr4-3200", "--set", "dram.controller.scheduler=fifo"], "lt")):
    cfg = os.path.join(work, name + ".yaml")
    with open(cfg, "w") as f:
        subprocess.run([vp, *sets, *small_job, "--dump-config"], check=True, env=env, stdout=f)
    dumped = open(cfg).read()
    assert "command_bus:" in dumped and "scheduler: " + ("fifo" if sets else "frfcfs") in dumped, dumped
    c, d = os.path.join(work, name + "-c.json"), os.path.join(work, name + "-d.json")
    subprocess.run([vp, *sets, *small_job, *run_opts, "--timing", timing, "--json", c], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run([vp, "--hw", cfg, "--workload", cfg, "--policy", "dense", *run_opts, "--timing", timing,
                    "--json", d], check=True, env=env, stdout=subprocess.DEVNULL)
    rc, rd = strip(json.load(open(c))), strip(json.load(open(d)))
    assert rc["dense"] == rd["dense"], (name, rc["dense"]["latency"], rd["dense"]["latency"])
# Every pass of --compare starts from reset state: each policy has the cycles it has alone.
small = ["--workload", "bert-base-128", "--seq-len", "96", "--layers", "2", "--topk-fraction", "0.3", "--quiet"]
both = os.path.join(work, "compare.json")
subprocess.run([vp, *small, "--compare", "--json", both], check=True, env=env, stdout=subprocess.DEVNULL)
compared = json.load(open(both))
for policy in ("dense", "topk", "mpmrf"):
    alone = os.path.join(work, f"alone-{policy}.json")
    subprocess.run([vp, *small, "--policy", policy, "--no-compare", "--json", alone], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    one = json.load(open(alone))[policy]
    assert one["latency"]["accelerator_cycles"] == compared[policy]["latency"]["accelerator_cycles"], policy
    assert one["dram_traffic"] == compared[policy]["dram_traffic"], policy
print(f"check_config_roundtrip: ok ({cycles} cycles both ways; --compare passes equal their runs alone)")
