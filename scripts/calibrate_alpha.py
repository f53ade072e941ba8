#!/usr/bin/python3
"""Calibrates the default α of the MP-MRF rounds on a synthetic workload.

A thin wrapper around the sweep sweeps/calibrate-alpha.yaml (docs/sweeps.md): energon-sweep runs
energon-golden on the two threshold rounds (Q4×K2, Q4×K4) of Energon's default filter over a
7 × 7 grid of α (in parallel, resumable, each point its own result file), plus the keep-all
baseline; this script writes a CSV, a plot of kept fraction against relative L2 error and
attention-mass recall, and a Markdown table. The recommended default is the point with the
smallest kept fraction whose attention-mass recall stays at or above --min-recall.

usage: scripts/calibrate_alpha.py [--build build] [--workload bert-base-512] [--layers 2]
                                  [--out out/calibration] [--min-recall 0.97] [-j N]
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, os.pardir, "sweeps", "calibrate-alpha.yaml")


def run_sweep(a):
    """Runs the sweep; returns (grid rows, keep-all totals)."""
    sweep = os.path.join(a.build, "bin", "energon-sweep")
    if not os.access(sweep, os.X_OK):
        sys.exit(f"calibrate_alpha: {sweep} not built (run scripts/bootstrap.sh first)")
    cmd = ["/usr/bin/python3", sweep, "run", SPEC, "-o", a.out, "-D", f"workload={a.workload}",
           "-D", f"layers={a.layers}"] + (["-j", str(a.jobs)] if a.jobs else [])
    rc = subprocess.run(cmd).returncode
    if rc != 0:
        sys.exit(f"calibrate_alpha: the sweep failed (exit code {rc}); `energon-sweep status {a.out}` lists the failed points")
    with open(os.path.join(a.out, "sweep.json")) as f:
        manifest = json.load(f)
    rows, dense = [], None
    for p in manifest["points"]:
        with open(os.path.join(a.out, "points", p["name"] + ".json")) as f:
            t = json.load(f)["report"]["total"]
        alphas = [float(x) for x in re.findall(r"alpha=([-0-9.]+)", p["params"]["rounds"])]
        if len(alphas) == 1:
            dense = t
            continue
        rows.append({"alpha1": alphas[0], "alpha2": alphas[1], "kept_r1": t["rounds"][0]["kept_fraction"],
                     "kept_fraction": t["kept_fraction"], "rel_l2_error": t["rel_l2_error_rms"],
                     "mass_recall": t["mass_recall"], "min_cosine": t["min_cosine"]})
        print(f"{p['params']['rounds']:32s} kept {t['kept_fraction']:.4f}  rel-L2 {t['rel_l2_error_rms']:.4f}  "
              f"recall {t['mass_recall']:.4f}", flush=True)
    return rows, dense


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--workload", default="bert-base-512")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--out", default="out/calibration")
    ap.add_argument("--min-recall", type=float, default=0.97)
    ap.add_argument("-j", "--jobs", type=int, help="worker processes (default: the cores)")
    a = ap.parse_args()
    rows, dense = run_sweep(a)
    ALPHA1 = sorted({r["alpha1"] for r in rows})
    ALPHA2 = sorted({r["alpha2"] for r in rows})

    with open(os.path.join(a.out, "alpha_sweep.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)

    ok = [r for r in rows if r["mass_recall"] >= a.min_recall]
    best = min(ok, key=lambda r: r["kept_fraction"]) if ok else None

    with open(os.path.join(a.out, "alpha_sweep.md"), "w") as f:
        f.write(f"Workload `{a.workload}`, first {a.layers} layers; keep-all baseline rel-L2 "
                f"{dense['rel_l2_error_rms']:.4f}.\n\n")
        f.write("| α round 1 (Q4×K2) | α round 2 (Q4×K4) | kept after r1 | kept | pruning | rel-L2 error | mass recall |\n")
        f.write("|---:|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            mark = " **←**" if r is best else ""
            f.write(f"| {r['alpha1']} | {r['alpha2']} | {r['kept_r1']:.4f} | {r['kept_fraction']:.4f} | "
                    f"{1 / r['kept_fraction']:.1f}× | {r['rel_l2_error']:.4f} | {r['mass_recall']:.4f}{mark} |\n")
    if best:
        print(f"recommended: alpha1={best['alpha1']} alpha2={best['alpha2']} kept {best['kept_fraction']:.4f} "
              f"recall {best['mass_recall']:.4f} rel-L2 {best['rel_l2_error']:.4f}")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("calibrate_alpha: matplotlib missing, no plot", file=sys.stderr)
        return
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for a1 in ALPHA1:
        pts = sorted((r for r in rows if r["alpha1"] == a1), key=lambda r: r["kept_fraction"])
        ax[0].plot([r["kept_fraction"] for r in pts], [r["rel_l2_error"] for r in pts], "o-", label=f"α1={a1}")
        ax[1].plot([r["kept_fraction"] for r in pts], [r["mass_recall"] for r in pts], "o-", label=f"α1={a1}")
    ax[0].axhline(dense["rel_l2_error_rms"], color="grey", ls="--", label="keep all")
    ax[0].set_xlabel("kept fraction")
    ax[0].set_ylabel("relative L2 error vs float64")
    ax[1].axhline(a.min_recall, color="grey", ls="--")
    ax[1].set_xlabel("kept fraction")
    ax[1].set_ylabel("attention-mass recall")
    for x in ax:
        x.set_xscale("log")
        x.grid(True, alpha=0.3)
    ax[1].legend(fontsize=8)
    fig.suptitle(f"MP-MRF α sweep on synthetic {a.workload} (points: α2 in {ALPHA2})")
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "alpha_sweep.png"), dpi=110)


if __name__ == "__main__":
    main()
