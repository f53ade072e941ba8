#!/usr/bin/python3
"""The comparison of issue 4: dense, topk and mpmrf on the Energon presets.

A thin wrapper around the sweep sweeps/experiments.yaml (docs/sweeps.md): it runs it with
energon-sweep (energon-vp --compare on BERT-base, BERT-large, GPT-2 and ViT-B/16, synthetic data,
on energon-edge and energon-server; parallel, resumable) and writes
  <out>/comparison.csv  one row per preset × workload × policy
  <out>/comparison.png  latency and energy per policy, normalised to dense
  docs/results.md       the table between the GENERATED markers (with --update-docs)
Per-model figures are one simulated layer times the model's layer count (the synthetic
layers are statistically identical); --layers simulates more of them.

usage: scripts/experiments.py [--build build] [--out out/experiments] [--layers 1] [-j N] [--update-docs]
"""
import argparse
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, os.pardir, "sweeps", "experiments.yaml")
WORKLOADS = [("bert-base-512", 12), ("bert-large-512", 24), ("gpt2-small-1024", 12), ("vit-b16-197", 12)]
PRESETS = ["energon-edge", "energon-server"]
POLICIES = ["dense", "topk", "mpmrf"]
BEGIN, END = "<!-- BEGIN GENERATED: scripts/experiments.py -->", "<!-- END GENERATED -->"


def value(node, *path, default=None):
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return default
        node = node[p]
    return node.get("value", default) if isinstance(node, dict) else node


def run_sweep(build, out, layers, jobs):
    """Runs sweeps/experiments.yaml into out; returns {(preset, workload): report}."""
    sweep = os.path.join(build, "bin", "energon-sweep")
    if not os.access(sweep, os.X_OK):
        sys.exit(f"experiments: {sweep} not built (run scripts/bootstrap.sh first)")
    cmd = ["/usr/bin/python3", sweep, "run", SPEC, "-o", out, "-D", f"layers={layers}"]
    if jobs:
        cmd += ["-j", str(jobs)]
    rc = subprocess.run(cmd).returncode
    if rc != 0:
        sys.exit(f"experiments: the sweep failed (exit code {rc}); `energon-sweep status {out}` lists the failed points")
    with open(os.path.join(out, "sweep.json")) as f:
        manifest = json.load(f)
    reports = {}
    for p in manifest["points"]:
        with open(os.path.join(out, "points", p["name"] + ".json")) as f:
            reports[(p["params"]["hw"], p["params"]["workload"])] = json.load(f)["report"]
    return reports


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="out/experiments")
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, help="worker processes (default: the cores)")
    ap.add_argument("--update-docs", action="store_true")
    a = ap.parse_args()
    reports = run_sweep(a.build, a.out, a.layers, a.jobs)

    rows = []
    for preset in PRESETS:
        for workload, model_layers in WORKLOADS:
            report = reports[(preset, workload)]
            scale = model_layers / a.layers
            for pol in POLICIES:
                r = report.get(pol)
                if r is None:
                    sys.exit(f"experiments: report of {preset}/{workload} has no '{pol}' section")
                row = {
                    "preset": preset, "workload": workload, "policy": pol,
                    "latency_ms": value(r, "latency", "accelerator_us") * scale / 1e3,
                    "energy_mj": value(r, "energy", "total") * scale / 1e3,
                    "dram_mb": value(r, "dram_traffic", "total") * scale / 1e6,
                    "kept_fraction": value(r, "filtering", "kept_fraction"),
                    "rel_l2_error": value(r, "accuracy", "rel_l2_error"),
                    "mass_recall": value(r, "accuracy", "mass_recall"),
                    "bit_exact": value(r, "check", "bit_exact"),
                }
                rows.append(row)
            dense = next(r for r in rows[-3:] if r["policy"] == "dense")
            for r in rows[-3:]:
                r["speedup_vs_dense"] = dense["latency_ms"] / r["latency_ms"]
                r["energy_saving_vs_dense"] = dense["energy_mj"] / r["energy_mj"]
            print(f"{preset:15s} {workload:16s} " + "  ".join(
                f"{r['policy']} {r['latency_ms']:.3f} ms" for r in rows[-3:]), flush=True)

    fields = list(rows[0].keys())
    with open(os.path.join(a.out, "comparison.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)

    table = ["| preset | workload | policy | latency (ms) | speed-up vs dense | energy (mJ) | energy saving | "
             "DRAM (MB) | kept | rel-L2 err | mass recall | bit-exact |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        table.append(f"| {r['preset']} | {r['workload']} | {r['policy']} | {r['latency_ms']:.3f} | "
                     f"{r['speedup_vs_dense']:.2f}× | {r['energy_mj']:.3f} | {r['energy_saving_vs_dense']:.2f}× | "
                     f"{r['dram_mb']:.2f} | {r['kept_fraction']:.3f} | {r['rel_l2_error']:.4f} | "
                     f"{r['mass_recall']:.4f} | {r['bit_exact']} |")
    md = "\n".join(table) + "\n"
    with open(os.path.join(a.out, "comparison.md"), "w") as f:
        f.write(md)
    print(md)

    if a.update_docs:
        path = "docs/results.md"
        text = open(path).read()
        i, j = text.find(BEGIN), text.find(END)
        if i < 0 or j < 0:
            sys.exit(f"experiments: {path} lacks the GENERATED markers")
        open(path, "w").write(text[:i + len(BEGIN)] + "\n" + md + text[j:])

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("experiments: matplotlib missing, no plot", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    labels = [f"{p.replace('energon-', '')}\n{w.split('-')[0]}-{w.split('-')[1]}" for p in PRESETS for w, _ in WORKLOADS]
    width = 0.27
    for ax, key, title in [(axes[0], "speedup_vs_dense", "speed-up over dense"),
                           (axes[1], "energy_saving_vs_dense", "energy saving over dense")]:
        for k, pol in enumerate(POLICIES):
            vals = [r[key] for p in PRESETS for w, _ in WORKLOADS for r in rows
                    if r["preset"] == p and r["workload"] == w and r["policy"] == pol]
            ax.bar([x + (k - 1) * width for x in range(len(labels))], vals, width, label=pol)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_title(title)
        ax.grid(True, axis="y", alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "comparison.png"), dpi=110)


if __name__ == "__main__":
    main()
