#!/usr/bin/python3
"""The comparison of issue 4: dense, topk and mpmrf on the Energon presets.

A thin wrapper around the sweep sweeps/experiments.yaml (docs/sweeps.md): it runs it with
energon-sweep (energon-vp --compare on BERT-base, BERT-large, GPT-2 and ViT-B/16, synthetic data,
on energon-edge and energon-server; parallel, resumable) and writes
  <out>/<timing>/comparison.csv  one row per preset × workload × policy
  <out>/<timing>/comparison.png  latency and energy per policy, normalised to dense (lt only)
  <out>/timing.md                the speed-ups of both timing modes side by side
  docs/results.md                the tables between the GENERATED markers (with --update-docs)
once per timing mode (--timing lt, at or both, the default). Per-model figures are one
simulated layer times the model's layer count (the synthetic layers are statistically
identical); --layers simulates more of them.

usage: scripts/experiments.py [--build build] [--out out/experiments] [--layers 1] [-j N]
                              [--timing lt|at|both] [--update-docs]
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
END = "<!-- END GENERATED -->"


def begin_marker(what):
    return f"<!-- BEGIN GENERATED: scripts/experiments.py{what} -->"


def replace_generated(text, what, md, path):
    begin = begin_marker(what)
    i = text.find(begin)
    j = text.find(END, i + 1) if i >= 0 else -1
    if i < 0 or j < 0:
        sys.exit(f"experiments: {path} lacks the markers '{begin}' ... '{END}'")
    return text[:i + len(begin)] + "\n" + md + text[j:]


def value(node, *path, default=None):
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return default
        node = node[p]
    return node.get("value", default) if isinstance(node, dict) else node


def run_sweep(build, out, layers, jobs, timing):
    """Runs sweeps/experiments.yaml into out in one timing mode; returns {(preset, workload): report}."""
    sweep = os.path.join(build, "bin", "energon-sweep")
    if not os.access(sweep, os.X_OK):
        sys.exit(f"experiments: {sweep} not built (run scripts/bootstrap.sh first)")
    cmd = ["/usr/bin/python3", sweep, "run", SPEC, "-o", out, "-D", f"layers={layers}", "-D", f"timing={timing}"]
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


def comparison_rows(reports, layers, timing):
    """One row per preset × workload × policy, with the speed-up and energy saving over dense."""
    rows = []
    for preset in PRESETS:
        for workload, model_layers in WORKLOADS:
            report = reports[(preset, workload)]
            scale = model_layers / layers
            for pol in POLICIES:
                r = report.get(pol)
                if r is None:
                    sys.exit(f"experiments: report of {preset}/{workload} has no '{pol}' section")
                row = {
                    "preset": preset, "workload": workload, "policy": pol, "timing": timing,
                    "cycles_per_layer": value(r, "latency", "cycles_per_layer"),
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
            print(f"{timing} {preset:15s} {workload:16s} " + "  ".join(
                f"{r['policy']} {r['latency_ms']:.3f} ms" for r in rows[-3:]), flush=True)
    return rows


def comparison_table(rows):
    table = ["| preset | workload | policy | latency (ms) | speed-up vs dense | energy (mJ) | energy saving | "
             "DRAM (MB) | kept | rel-L2 err | mass recall | bit-exact |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        table.append(f"| {r['preset']} | {r['workload']} | {r['policy']} | {r['latency_ms']:.3f} | "
                     f"{r['speedup_vs_dense']:.2f}× | {r['energy_mj']:.3f} | {r['energy_saving_vs_dense']:.2f}× | "
                     f"{r['dram_mb']:.2f} | {r['kept_fraction']:.3f} | {r['rel_l2_error']:.4f} | "
                     f"{r['mass_recall']:.4f} | {r['bit_exact']} |")
    return "\n".join(table) + "\n"


def timing_table(by_timing):
    """mpmrf's speed-up over dense and over topk, and the cycles of each policy, lt next to at."""
    cycles = {(r["timing"], r["preset"], r["workload"], r["policy"]): r["cycles_per_layer"]
              for rows in by_timing.values() for r in rows}
    table = ["| preset | workload | mpmrf / dense, lt | at | mpmrf / topk, lt | at | "
             "(lt − at) / at: dense | topk | mpmrf |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for preset in PRESETS:
        for workload, _ in WORKLOADS:
            cyc = lambda t, pol: cycles[(t, preset, workload, pol)]
            diff = lambda pol: f"{100.0 * (cyc('lt', pol) - cyc('at', pol)) / cyc('at', pol):+.2f} %"
            table.append(
                f"| {preset} | {workload} | {cyc('lt', 'dense') / cyc('lt', 'mpmrf'):.2f}× | "
                f"{cyc('at', 'dense') / cyc('at', 'mpmrf'):.2f}× | {cyc('lt', 'topk') / cyc('lt', 'mpmrf'):.2f}× | "
                f"{cyc('at', 'topk') / cyc('at', 'mpmrf'):.2f}× | {diff('dense')} | {diff('topk')} | {diff('mpmrf')} |")
    return "\n".join(table) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="out/experiments")
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, help="worker processes (default: the cores)")
    ap.add_argument("--timing", choices=["lt", "at", "both"], default="both")
    ap.add_argument("--update-docs", action="store_true")
    a = ap.parse_args()
    timings = ["lt", "at"] if a.timing == "both" else [a.timing]
    by_timing = {}
    for timing in timings:
        out = os.path.join(a.out, timing)
        rows = comparison_rows(run_sweep(a.build, out, a.layers, a.jobs, timing), a.layers, timing)
        by_timing[timing] = rows
        with open(os.path.join(out, "comparison.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        md = comparison_table(rows)
        with open(os.path.join(out, "comparison.md"), "w") as f:
            f.write(md)
        print(md)
    side = timing_table(by_timing) if len(timings) == 2 else None
    if side:
        with open(os.path.join(a.out, "timing.md"), "w") as f:
            f.write(side)
        print(side)

    if a.update_docs:
        path = "docs/results.md"
        text = open(path).read()
        for timing in timings:
            text = replace_generated(text, "" if timing == "lt" else " --timing at",
                                     comparison_table(by_timing[timing]), path)
        if side:
            text = replace_generated(text, " timing", side, path)
        open(path, "w").write(text)

    if "lt" not in by_timing:
        return
    rows = by_timing["lt"]
    out = os.path.join(a.out, "lt")
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
    fig.savefig(os.path.join(out, "comparison.png"), dpi=110)


if __name__ == "__main__":
    main()
