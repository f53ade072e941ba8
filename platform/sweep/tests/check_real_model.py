#!/usr/bin/python3
"""A real-model sweep (tool llm: energon-vp --model ... --eval): next-token agreement, latency and
energy per point in the collected table, and its Pareto plot. Skipped (77) without ../shared/models.

usage: check_real_model.py ENERGON_SWEEP BIN_DIR WORK_DIR SHARED_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeptest import check, csv_dicts, finish, fresh_dir, skip, sweep  # noqa: E402

launcher, bin_dir, work, shared = sys.argv[1:5]
model, tok = os.path.join(shared, "models", "stories260K.bin"), os.path.join(shared, "models", "tok512.bin")
if not (os.path.exists(model) and os.path.exists(tok)):
    skip("check_real_model", f"{model} or {tok} missing (the real model data in ../shared/models)")
fresh_dir(work)
spec = os.path.join(work, "spec.yaml")
with open(spec, "w") as f:
    f.write(f"""sweep: real-model-test
base: {{tool: llm, model: {model}, tokenizer: {tok}, eval_texts: 1, eval_length: 48}}
groups:
  - axes: {{policy: [dense]}}
  - axes: {{rounds: ["8x8:alpha=-0.5", "4x2:alpha=0,4x4:alpha=0.5"]}}
questions:
  - name: fastest
    group_by: [hw]
    minimize: latency_us
    constraint: {{figure: top1_agreement, baseline: {{policy: dense}}, max_loss: 0.01}}
""")
out = os.path.join(work, "out")
sweep(launcher, "run", spec, "-o", out, "-j", "2", "--bin-dir", bin_dir, check_rc=0)
r = sweep(launcher, "collect", out, check_rc=0)
rows = {x["point"]: x for x in csv_dicts(os.path.join(out, "results.csv"))}
check(len(rows) == 3 and all(x["status"] == "ok" for x in rows.values()), f"3 real-model points ok ({list(rows)})")
check(all(0 <= float(x["top1_agreement"]) <= 1 for x in rows.values()), "next-token agreement in every row")
check(all(float(x["latency_us"]) > 0 and float(x["energy_uj"]) > 0 for x in rows.values()), "latency and energy in every row")
check(float(rows["dense"]["kept_fraction"]) == 1.0, "dense keeps every key")
agg = float(rows["4x2-alpha=0+4x4-alpha=0.5"]["top1_agreement"])
check(agg < float(rows["dense"]["top1_agreement"]), "aggressive filtering loses agreement")
check(os.path.getsize(os.path.join(out, "pareto-llm.png")) > 10000, "the Pareto plot of the real model")
answers = open(os.path.join(out, "answers.md")).read()
check("**fastest**" in answers and "| energon-edge |" in answers, "the question is answered per preset")
check("4x2-alpha=0+4x4-alpha=0.5" not in answers.split("| energon-edge |")[1].split("|")[1],
      "the answer is not the point that breaks the 1% agreement limit")
finish("check_real_model")
