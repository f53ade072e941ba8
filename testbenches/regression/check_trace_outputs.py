#!/usr/bin/python3
"""Checks one energon-vp run with --vcd, --timeline and --log-level debug against its own report, and
that the same run without tracing gives the same outputs and cycles (docs/debugging.md).
Usage: check_trace_outputs.py ENERGON_VP WORKDIR"""
import json
import os
import re
import subprocess
import sys

vp, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
common = ["--workload", "bert-base-128", "--seq-len", "64", "--layers", "2", "--policy", "mpmrf", "--no-compare",
          "--queue-depth", "1"]
vcd, timeline, log = (os.path.join(work, n) for n in ("run.vcd", "run.json", "run.log"))
traced_report, plain_report = os.path.join(work, "traced.json"), os.path.join(work, "plain.json")
subprocess.run([vp, *common, "--vcd", vcd, "--timeline", timeline, "--log-level", "debug", "--log", log,
                "--json", traced_report, "--quiet"], check=True, env=env, stdout=subprocess.DEVNULL)
subprocess.run([vp, *common, "--json", plain_report, "--quiet"], check=True, env=env, stdout=subprocess.DEVNULL)
report = json.load(open(traced_report))
run = report["mpmrf"]
cycles = run["latency"]["accelerator_cycles"]["value"]


def strip(node):
    """The report without wall times and the command line (which differ by nature)."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ("wall_time", "wall_time_without_checks",
                                                                   "command_line", "check_wall_s")}
    return node


assert strip(report) == strip(json.load(open(plain_report))), "tracing changed the outputs or cycles"

# ---- VCD: signals, time scale, edges at the right times ----
text = open(vcd).read()
assert "$timescale" in text and "1 ps" in text.split("$timescale")[1].split("$end")[0]
ids = {m.group(2): m.group(1) for m in re.finditer(r"\$var wire\s+\d+\s+(\S+)\s+(\w+)", text)}
for name in ("irq", "controller_busy", "fetch_busy", "filter_engine_busy", "selector_busy", "attention_engine_busy",
             "dram_busy", "host_busy", "queue_head", "queue_tail", "job_index", "row_buffer_fill"):
    assert name in ids, f"VCD lacks {name}"
t, times, changes = 0, [], {}
for line in text.split("$enddefinitions")[1].splitlines():
    if line.startswith("#"):
        t = int(line[1:])
        times.append(t)
    elif line[:1] in "01" and len(line) > 1:
        changes.setdefault(line[1:], []).append((t, int(line[0])))
    elif line.startswith("b"):
        bits, ident = line[1:].split()
        changes.setdefault(ident, []).append((t, int(bits, 2)))
assert times == sorted(times), "VCD time stamps go backwards"
ctrl = changes[ids["controller_busy"]]
rises = [t for t, v in ctrl if v == 1]
falls = [t for t, v in ctrl if v == 0 and t > 0]
assert len(rises) == 2 and len(falls) == 2, ctrl
busy_ps = sum(f - r for r, f in zip(rises, falls))
assert abs(busy_ps - run["cycles"]["controller"]["busy_cycles"]["value"] * 1000) < 2 * 1000, (busy_ps, ctrl)
assert any(v == 1 for _, v in changes[ids["irq"]]), "irq never rose"
assert max(v for _, v in changes[ids["queue_tail"]]) == 2 and max(v for _, v in changes[ids["row_buffer_fill"]]) >= 1
assert (rises[1], 1) in changes[ids["job_index"]], "job_index did not become 1 when the second job started"
assert rises[1] >= falls[0], "the second job started before the first ended"

# ---- timeline: one track per block, busy spans sum to the PERF_BUSY counters ----
trace = json.load(open(timeline))
tracks = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"] if e.get("name") == "thread_name"}
assert set(tracks.values()) == {"controller", "fetch", "filter_engine", "selector", "attention_engine",
                                "dram ch0", "dram ch1", "host"}  # LPDDR4-4266: two channels
bursts = sum(e["args"]["bursts"] for e in trace["traceEvents"] if e.get("ph") == "X" and e["cat"] == "dram")
assert bursts > 0
sums = {}
for e in trace["traceEvents"]:
    if e.get("ph") == "X" and "cycles" in e["args"]:
        sums[tracks[e["tid"]]] = sums.get(tracks[e["tid"]], 0) + e["args"]["cycles"]
for block in ("controller", "fetch", "filter_engine", "selector"):
    assert sums[block] == run["cycles"][block]["busy_cycles"]["value"], (block, sums[block])
# The attention engine's units overlap (docs/attention-engine.md): its spans are the Q·K, exp and
# ×V passes, and they sum to those units' busy cycles; PERF_BUSY_ATTN is the union over rows.
au = run["cycles"]["datapath"]["attention_engine"]
au_units = sum(au[k]["value"] for k in ("qk_busy_cycles", "exp_busy_cycles", "xv_busy_cycles"))
assert sums["attention_engine"] == au_units, (sums["attention_engine"], au_units)
assert run["cycles"]["attention_engine"]["busy_cycles"]["value"] > 0
jobs = [e for e in trace["traceEvents"] if e.get("ph") == "X" and tracks[e["tid"]] == "controller"]
assert len(jobs) == 2 and all(e["name"] == "job" for e in jobs)

# ---- log: register names, decoded fields, descriptors, job results ----
lines = open(log).read().splitlines()
assert any("write CTRL = 0x00000005 (ENABLE IRQ_EN)" in l for l in lines)
assert any("read  ID = 0x454e5247 (\"ENRG\")" in l for l in lines)
assert any(re.search(r"write QUEUE_TAIL = 0x00000001 \(1\)", l) for l in lines)
assert any("descriptor 0: magic ok, heads 12/12, n_q 64, n_k 64" in l for l in lines)
done = [int(m.group(1)) for l in lines for m in [re.search(r"job \d done in (\d+) cycles \(result block\)", l)] if m]
assert sum(done) == cycles, (done, cycles)
assert all(l.startswith("controller [") for l in lines)

# ---- accurate timing: the same traces work there too ----
at_vcd, at_timeline, at_report = (os.path.join(work, n) for n in ("at.vcd", "at.json", "at_report.json"))
subprocess.run([vp, *common, "--timing", "at", "--vcd", at_vcd, "--timeline", at_timeline, "--json", at_report,
                "--quiet"], check=True, env=env, stdout=subprocess.DEVNULL)
at_run = json.load(open(at_report))["mpmrf"]
at_trace = json.load(open(at_timeline))
at_sums = {}
for e in at_trace["traceEvents"]:
    if e.get("ph") == "X" and "cycles" in e["args"]:
        at_sums[tracks[e["tid"]]] = at_sums.get(tracks[e["tid"]], 0) + e["args"]["cycles"]
for block in ("controller", "fetch", "filter_engine", "selector"):
    assert at_sums[block] == at_run["cycles"][block]["busy_cycles"]["value"], ("at", block)
at_au = at_run["cycles"]["datapath"]["attention_engine"]
assert at_sums["attention_engine"] == sum(at_au[k]["value"] for k in ("qk_busy_cycles", "exp_busy_cycles",
                                                                       "xv_busy_cycles")), "at attention_engine"
assert "attention_engine_busy" in open(at_vcd).read()

# ---- progress: on stderr, never on stdout; --quiet silences it ----
r = subprocess.run([vp, *common], capture_output=True, text=True, env=env)
assert re.search(r"energon-vp bert-base-128: 2/2 done, simulated [0-9.]+ ms, wall", r.stderr), r.stderr
assert "done, simulated" not in r.stdout and "bit-exact vs golden: PASS" in r.stdout
r = subprocess.run([vp, *common, "--quiet"], capture_output=True, text=True, env=env)
assert "done, simulated" not in r.stderr + r.stdout

prov = report["provenance"]
assert prov["tool"]["value"] == "energon-vp" and prov["version"]["value"]
assert prov["shape"]["heads"]["value"] == 12 and prov["shape"]["n_q"]["value"] == 64
assert prov["accelerator"]["fu_multipliers"]["value"] == 512 and prov["dram"]["name"]["value"] == "lpddr4-4266"
assert "--vcd" in prov["command_line"]["value"]
print(f"check_trace_outputs: ok ({len(lines)} log lines, {len(trace['traceEvents'])} timeline events, "
      f"{len(times)} VCD time stamps)")
