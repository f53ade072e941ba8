#!/usr/bin/python3
"""energon-sweep run with 2 local workers: every point gets a result; a failing point is recorded
with its error and the sweep goes on; seeds are an axis and results are deterministic; a second
run skips the points whose result has the same configuration hash (files untouched) and re-runs a
changed point; collect writes one row per point and the Pareto PNG.

usage: check_local_run.py ENERGON_SWEEP BIN_DIR WORK_DIR"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeptest import check, csv_dicts, finish, fresh_dir, read_csv, results, sweep  # noqa: E402

launcher, bin_dir, work = sys.argv[1:4]
fresh_dir(work)
SPEC = """sweep: local-test
base: {{workload: bert-base-512, layers: 1, seq_len: 64}}
groups:
  - label: policies
    axes: {{hw: [energon-edge, energon-server], policy: [dense, topk]}}
  - label: rounds
    axes:
      seed: [3, 4]
      rounds: [[{{bits: 4x2, alpha: [-0.5, 0]}}, {{bits: 4x4, alpha: 0}}]]
  - label: spatten
    base: {{policy: spatten, topk_fraction: 0.25}}
    axes: {{pq_threshold: [0, 1]}}
  - points:
      - {{name: broken, set: {{accelerator.fu_lanes: 0}}}}
      - {{name: lanes16, set: {{accelerator.fu_lanes: 16}}, seed: {seed}}}
"""
spec = os.path.join(work, "spec.yaml")
with open(spec, "w") as f:
    f.write(SPEC.format(seed=5))
out = os.path.join(work, "out")

r = sweep(launcher, "run", spec, "-o", out, "-j", "2", "--bin-dir", bin_dir, check_rc=1)
check(r.returncode == 1, "a sweep with a failing point exits 1 (after running every point)")
res = results(out)
check(len(res) == 12, f"12 result files ({len(res)})")
ok = [n for n, x in res.items() if x["status"] == "ok"]
check(len(ok) == 11, f"11 points ok ({len(ok)})")
b = res.get("broken", {})
check(b.get("status") == "failed" and b.get("exit_code") == 2 and "fu_lanes" in (b.get("error") or ""),
      f"the failing point is recorded with its exit code and error: {b.get('error')!r}")
check("FAILED  broken" in r.stderr and "11 run, 0 skipped (done), 1 failed" in r.stderr,
      "the run reports the failure and goes on")
check(all(x["report"] and x["hash"] and x["params"] for n, x in res.items() if n != "broken"),
      "every ok result holds its report, hash and parameters")
s3 = res["rounds_seed=3_4x2-alpha=-0.5+4x4-alpha=0"]["report"]["mpmrf"]
s4 = res["rounds_seed=4_4x2-alpha=-0.5+4x4-alpha=0"]["report"]["mpmrf"]
check(s3["accuracy"]["rel_l2_error"] != s4["accuracy"]["rel_l2_error"], "seed 3 and seed 4 give other data")
pq = {x["params"]["pq_threshold"]: x["report"]["spatten"] for x in res.values()
      if x["params"].get("policy") == "spatten" and x["status"] == "ok"}
check(sorted(pq) == [0.0, 1.0], f"the spatten points ran with their thresholds ({sorted(pq)})")
check(pq[1.0]["latency"]["accelerator_cycles"]["value"] > pq[0.0]["latency"]["accelerator_cycles"]["value"],
      "pq_threshold reaches energon-vp: threshold 1 recomputes every row, 0 none (more cycles)")
check(os.listdir(os.path.join(out, "tmp")) == [], "no working folder left")
check(not [f for f in os.listdir(os.path.join(out, "points")) if f.startswith(".")], "no temporary result file left")

r = sweep(launcher, "collect", out, check_rc=0)
rows = csv_dicts(os.path.join(out, "results.csv"))
check(len(rows) == 12, f"results.csv: one row per point ({len(rows)})")
cols = rows[0].keys()
for c in ("point", "status", "hw", "policy", "rounds", "seed", "accelerator.fu_lanes", "cycles", "latency_us",
          "energy_uj", "dram_bytes", "kept_fraction", "rel_l2_error", "mass_recall", "error"):
    check(c in cols, f"results.csv has a column {c}")
row = {r_["point"]: r_ for r_ in rows}
check(float(row["policies_energon-edge_dense"]["kept_fraction"]) == 1.0, "dense keeps every key")
check(row["broken"]["status"] == "failed" and "fu_lanes" in row["broken"]["error"], "the failed row says why")
png = os.path.join(out, "pareto-vp.png")
check(os.path.exists(png) and os.path.getsize(png) > 10000 and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
      "the Pareto plot is a PNG")
table1 = read_csv(os.path.join(out, "results.csv"))

# Determinism: the same sweep in another folder gives the same table
out_b = os.path.join(work, "out-b")
sweep(launcher, "run", spec, "-o", out_b, "-j", "1", "--bin-dir", bin_dir, "--no-progress")
sweep(launcher, "collect", out_b, "--no-plots", check_rc=0)
check(read_csv(os.path.join(out_b, "results.csv")) == table1, "1 worker and 2 workers give the same table")

# Resume: the same spec again skips the 11 done points (files untouched), re-runs the failed one
stamps = {n: os.stat(os.path.join(out, "points", n + ".json")).st_ino for n in res}
r = sweep(launcher, "run", spec, "-o", out, "-j", "2", "--bin-dir", bin_dir)
check("11 of 12 points already done" in r.stderr and "0 run, 11 skipped (done), 1 failed" in r.stderr,
      "resume: 11 of 12 points skipped, the failed one tried again")
now = {n: os.stat(os.path.join(out, "points", n + ".json")).st_ino for n in res}
check(all(now[n] == stamps[n] for n in ok), "resume: the done points' result files were not rewritten")
check(now["broken"] != stamps["broken"], "resume: the failed point was tried again")

# A changed point (same name, other seed) is re-run; the others are not
with open(spec, "w") as f:
    f.write(SPEC.format(seed=6))
old_hash = res["lanes16"]["hash"]
r = sweep(launcher, "run", spec, "-o", out, "-j", "2", "--bin-dir", bin_dir)
after = results(out)
check("10 of 12 points already done" in r.stderr, "changed spec: 10 of 12 points skipped (the changed one and the failed one run)")
check(after["lanes16"]["hash"] != old_hash and after["lanes16"]["params"]["seed"] == 6 and
      after["lanes16"]["status"] == "ok", "the changed point was re-run with its new configuration")
now2 = {n: os.stat(os.path.join(out, "points", n + ".json")).st_ino for n in res}
check(all(now2[n] == stamps[n] for n in ok if n != "lanes16"), "the unchanged points were not re-run")

# status counts
r = sweep(launcher, "status", out, check_rc=0)
check("12 points: 11 done, 1 failed, 0 to run" in r.stdout and "failed: broken" in r.stdout, "status: 11 done, 1 failed")
# -D overrides every point (another configuration: nothing is skipped)
r = sweep(launcher, "list", spec, "-D", "layers=2", "--json")
pts = [json.loads(ln) for ln in r.stdout.splitlines()]
check(len(pts) == 12 and all(p["params"]["layers"] == 2 for p in pts), "-D layers=2 reaches every point")
finish("check_local_run")
