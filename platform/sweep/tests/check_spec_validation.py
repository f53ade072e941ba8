#!/usr/bin/python3
"""Bad sweep specs and options are refused with exit code 2 and a message naming the file, the key,
the value and what was expected; good specs (and every shipped spec under sweeps/) expand.

usage: check_spec_validation.py ENERGON_SWEEP BIN_DIR WORK_DIR SWEEPS_DIR"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeptest import check, finish, fresh_dir, sweep  # noqa: E402

launcher, bin_dir, work, sweeps_dir = sys.argv[1:5]
fresh_dir(work)

CASES = [
    ("not-yaml", "sweep: x\naxes: {policy: [dense\n", ["not valid YAML", "line"]),
    ("top-list", "- a\n- b\n", ["top level", "expected a mapping"]),
    ("no-name", "axes: {policy: [dense]}\n", ["sweep: null", "expected a sweep name"]),
    ("unknown-top", "sweep: x\naxes: {policy: [dense]}\nfigures: [cycles]\n", ["figures", "expected a top-level key"]),
    ("no-points", "sweep: x\n", ["expected axes, points or groups"]),
    ("bad-policy", "sweep: x\naxes: {policy: [dense, sparse]}\n", ["axes.policy[1]", "'sparse'", "dense, topk, mpmrf"]),
    ("bad-param", "sweep: x\naxes: {polcy: [dense]}\n", ["axes", "'polcy'", "expected a parameter"]),
    ("empty-axis", "sweep: x\naxes: {policy: []}\n", ["axes.policy", "non-empty list"]),
    ("bad-int", "sweep: x\nbase: {layers: two}\naxes: {policy: [dense]}\n", ["base.layers", "'two'", "an integer"]),
    ("neg-seq", "sweep: x\naxes: {seq_len: [64, 0]}\n", ["axes.seq_len[1]", "0", "'seq_len' in 1..65536"]),
    ("bad-rounds", "sweep: x\naxes: {rounds: ['4x2:alpha=0,4x9:alpha=0']}\n", ["axes.rounds[0]", "q_bits and k_bits in 1..8"]),
    ("k-decreasing", "sweep: x\naxes: {rounds: ['4x4:alpha=0,4x2:alpha=0']}\n", ["axes.rounds[0]", "do not decrease"]),
    ("alpha-range", "sweep: x\naxes: {rounds: [[{bits: 4x2, alpha: [0, 1.5]}]]}\n", ["axes.rounds[0]", "alpha in [-1, 1]"]),
    ("template-key", "sweep: x\naxes: {rounds: [[{bits: 4x2, beta: 0}]]}\n", ["axes.rounds[0][0].beta", "a round key"]),
    ("pq-mpmrf", "sweep: x\nbase: {policy: mpmrf}\naxes: {pq_threshold: [0.1]}\n", ["pq_threshold", "no pq_threshold with policy mpmrf"]),
    ("pq-bits", "sweep: x\nbase: {policy: spatten}\naxes: {pq_msb_bits: [8, 16]}\n", ["axes.pq_msb_bits[1]", "'pq_msb_bits' in 1..15"]),
    ("a3-topk", "sweep: x\nbase: {policy: topk}\naxes: {a3_iterations: [0.5]}\n", ["a3_iterations", "no a3_iterations with policy topk"]),
    ("a3-iter", "sweep: x\nbase: {policy: a3}\naxes: {a3_iterations: [0.5, 0]}\n", ["axes.a3_iterations[1]", "a3_iterations"]),
    ("a3-thr", "sweep: x\nbase: {policy: a3}\naxes: {a3_threshold: [8, 300]}\n", ["axes.a3_threshold[1]", "a3_threshold"]),
    ("pq-golden", "sweep: x\nbase: {tool: golden, policy: spatten}\naxes: {pq_threshold: [0.2]}\n", [".pq_threshold", "a parameter of tool golden"]),
    ("rounds-dense", "sweep: x\nbase: {policy: dense}\naxes: {rounds: ['4x4:alpha=0']}\n", ["rounds", "no rounds with policy dense"]),
    ("tool-param", "sweep: x\nbase: {tool: golden}\naxes: {hw: [energon-edge]}\n", [".hw", "a parameter of tool golden"]),
    ("llm-no-model", "sweep: x\nbase: {tool: llm}\naxes: {policy: [dense]}\n", ["a 'model' file for tool llm"]),
    ("bad-set", "sweep: x\naxes: {accelerator.fu_lanes: [8, [1]]}\n", ["axes.accelerator.fu_lanes[1]", "a number or string"]),
    ("set-section", "sweep: x\nbase: {set: {workload.seed: 3}}\naxes: {policy: [dense]}\n", ["base.set", "'workload.seed'", "a preset key"]),
    ("dup-names", "sweep: x\ngroups:\n  - axes: {policy: [dense]}\n  - base: {layers: 2}\n    axes: {policy: [dense]}\n",
     ["a unique point name", "'label'"]),
    ("dup-points", "sweep: x\npoints: [{name: a, policy: dense}, {name: b, policy: dense}]\n", ["points[1]", "the same parameters as point 'a'"]),
    ("bad-figure", "sweep: x\naxes: {policy: [dense]}\ncollect: {figures: [cycles, speed]}\n", ["collect.figures[1]", "'speed'", "a figure name"]),
    ("bad-plot", "sweep: x\naxes: {policy: [dense]}\nplots: [{file: a.png, accuracy: top1_agreement}]\n",
     ["plots[0].accuracy", "'top1_agreement'", "a numeric figure the sweep collects"]),
    ("bad-question", "sweep: x\naxes: {policy: [dense]}\nquestions: [{name: q, minimize: latency_us, constraint: {figure: rel_l2_error}}]\n",
     ["questions[0].constraint", "exactly one of max_loss"]),
    ("bad-seed", "sweep: x\naxes: {seed: [-1]}\n", ["axes.seed[0]", "-1", "'seed' in 0.."]),
    ("bool-as-int", "sweep: x\naxes: {layers: [true]}\n", ["axes.layers[0]", "true", "an integer"]),
]

for name, text, needles in CASES:
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    r = sweep(launcher, "list", path, "--bin-dir", bin_dir)
    msg = r.stderr
    good = r.returncode == 2 and path in msg and all(n in msg for n in needles) and "Traceback" not in msg
    check(good, f"{name}: exit 2 naming the file and {needles}" + ("" if good else f" — got {r.returncode}: {msg.strip()}"))

# Options and folders
good_spec = os.path.join(work, "good.yaml")
with open(good_spec, "w") as f:
    f.write("sweep: good\nbase: {layers: 1, seq_len: 64}\naxes: {policy: [dense, topk]}\n")
r = sweep(launcher, "list", good_spec, "--bin-dir", bin_dir)
check(r.returncode == 0 and "2 points" in r.stderr and "dense" in r.stdout, "a good spec lists its 2 points")
r = sweep(launcher, "list", good_spec, "-D", "nosuch=1")
check(r.returncode == 2 and "unknown parameter 'nosuch'" in r.stderr, "-D with an unknown parameter: exit 2")
r = sweep(launcher, "run", good_spec, "-j", "0", "-o", os.path.join(work, "o0"))
check(r.returncode == 2 and "--jobs 0" in r.stderr, "-j 0: exit 2")
r = sweep(launcher, "run", os.path.join(work, "missing.yaml"))
check(r.returncode == 2 and "missing.yaml: cannot read" in r.stderr, "a missing spec: exit 2")
r = sweep(launcher, "collect", work)
check(r.returncode == 2 and "no sweep here" in r.stderr, "collect on a folder without a sweep: exit 2")
r = sweep(launcher, "run", good_spec, "-o", work, "--bin-dir", bin_dir)
check(r.returncode == 2 and "not empty and holds no sweep" in r.stderr, "run into a non-empty foreign folder: exit 2")
r = sweep(launcher, "run", good_spec, "-o", os.path.join(work, "o1"), "--bin-dir", os.path.join(work, "nobin"))
check(r.returncode == 1 and "energon-vp: not found" in r.stderr, "a bin dir without energon-vp: exit 1, says so")
r = sweep(launcher, "submit", good_spec, "-o", os.path.join(work, "o2"), "--bin-dir", bin_dir)
check(r.returncode == 2 and "--slurm" in r.stderr, "submit without --slurm: exit 2")

# Every shipped spec expands
specs = sorted(f for f in os.listdir(sweeps_dir) if f.endswith(".yaml"))
check(len(specs) >= 3, f"shipped specs found in {sweeps_dir}: {specs}")
for s in specs:
    r = sweep(launcher, "list", os.path.join(sweeps_dir, s), "--bin-dir", bin_dir)
    check(r.returncode == 0 and " points" in r.stderr, f"shipped spec {s} expands ({r.stderr.strip().splitlines()[-1:]})")

finish("check_spec_validation")
