#!/usr/bin/python3
"""The energon-paper preset reproduces the Energon paper's aggregate (docs/results.md "Calibration
against the paper"): its peak throughput and its core power on one BERT-base n = 512 layer with
mpmrf's default rounds within 10 % of the paper's figures, which come from the energy table's
`reference` block (the one place the project keeps them), and the run is bit-exact.

usage: check_paper_preset.py ENERGON_VP ENERGY_TABLE_YAML WORK_DIR
"""
import json
import os
import subprocess
import sys

import yaml

TOLERANCE = 0.10


def value(tree, path):
    node = tree
    for key in path.split("."):
        if key not in node:
            sys.exit(f"check_paper_preset: the report lacks '{path}' (at '{key}')")
        node = node[key]
    return node["value"]


def main():
    vp, table_path, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    reference = yaml.safe_load(open(table_path))["reference"]
    paper_gops = float(reference["throughput_gops"]["value"])
    paper_w = float(reference["core_power_w"]["value"])
    out = os.path.join(work, "paper.json")
    cmd = [vp, "--hw", "energon-paper", "--workload", "bert-base-512", "--layers", "1", "--policy", "mpmrf",
           "--no-compare", "--check", "--quiet", "--json", out]
    rc = subprocess.run(cmd).returncode
    if rc != 0:
        sys.exit(f"check_paper_preset: {' '.join(cmd)} exited with {rc}")
    report = json.load(open(out))
    failures = []
    if value(report, "mpmrf.check.bit_exact") != "PASS":
        failures.append("the run is not bit-exact against the golden model")
    peak = value(report, "mpmrf.throughput.peak_gops")
    power = value(report, "mpmrf.throughput.core_power_w")
    effective = value(report, "mpmrf.throughput.effective_gops")
    print(f"energon-paper, BERT-base n = 512, mpmrf: peak {peak:.1f} GOPS (paper {paper_gops:g}, "
          f"{peak / paper_gops:.3f}x), core power {power:.4f} W (paper {paper_w:g}, {power / paper_w:.3f}x), "
          f"effective {effective:.1f} GOPS")
    for name, got, want in (("peak_gops", peak, paper_gops), ("core_power_w", power, paper_w)):
        if abs(got - want) > TOLERANCE * want:
            failures.append(f"{name} = {got:.4g} is not within {TOLERANCE:.0%} of the paper's {want:g}")
    if failures:
        sys.exit("check_paper_preset: " + "; ".join(failures))
    print("check_paper_preset: ok")


if __name__ == "__main__":
    main()
