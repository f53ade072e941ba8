#!/usr/bin/python3
"""energon-vp --rounds-file on a synthetic workload: each layer keeps what its rounds say, the run
stays bit-exact with the golden model (which runs the same per-layer rounds), the report lists the
rules per layer; bad files exit 2 naming the file, key and value.
Usage: check_rounds_file.py ENERGON_VP DIR"""
import json
import os
import subprocess
import sys

vp, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
small = ["--workload", "bert-base-128", "--seq-len", "64", "--layers", "3"]


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(*args):
    return subprocess.run([vp, *args], capture_output=True, text=True, env=env, timeout=300)


rounds = write("rounds.yaml", 'policy: mpmrf\ndefault: "4x2:alpha=-0.25,4x4:alpha=0"\n'
                              'layers:\n  0: "8x8:alpha=-1"\n  2: "8x8:alpha=0.25"\n')
out = os.path.join(work, "vp.json")
r = run(*small, "--rounds-file", rounds, "--no-compare", "--timing", "at", "--json", out, "-q")
assert r.returncode == 0, r.stdout + r.stderr
assert "PASS" in r.stdout, r.stdout
j = json.load(open(out))
layers = j["mpmrf"]["filtering"]["layers"]
kept = [layers["layer%d" % l]["kept_fraction"]["value"] for l in range(3)]
rules = [layers["layer%d" % l]["policy"]["value"] for l in range(3)]
print("kept per layer", kept, rules)
assert kept[0] == 1.0 and kept[2] < kept[1] < 1.0, kept
assert rules == ["mpmrf 8x8:alpha=-1", "mpmrf 4x2:alpha=-0.25,4x4:alpha=0", "mpmrf 8x8:alpha=0.25"], rules
assert j["mpmrf"]["check"]["bit_exact"]["value"] == "PASS", j["mpmrf"]["check"]
assert "kept_fraction_round2" not in j["mpmrf"]["filtering"], "round rows of differing round counts do not sum"

failures = 0
cases = [
    ("unknown key", "policy: mpmrf\nalpha: 0\n", "key 'alpha': unknown key (expected one of: policy, default, layers)"),
    ("bad value", 'policy: mpmrf\nlayers:\n  1: "4x4:beta=1"\n', ":3: key 'layers.1': value '4x4:beta=1'"),
    ("layer index", 'policy: mpmrf\nlayers:\n  x: "4x4:alpha=0"\n', "'x' is not a layer index"),
    ("out of range", 'policy: mpmrf\nlayers:\n  12: "4x4:alpha=0"\n',
     "key 'layers.12': layer 12 out of range (the model has 12 layers, 0..11)"),
    ("policy", "policy: sparse\n", "key 'policy': value 'sparse': unknown policy"),
    ("syntax", "policy: [mpmrf\n", "YAML syntax error"),
]
for name, text, expected in cases:
    path = write("bad_%s.yaml" % name.replace(" ", "_"), text)
    r = run(*small, "--rounds-file", path, "-q")
    ok = r.returncode == 2 and path in r.stderr and expected in r.stderr
    if not ok:
        failures += 1
        print("FAIL", name, r.returncode, r.stderr)
r = run(*small, "--rounds-file", rounds, "--rounds", "4x4:alpha=0")
if r.returncode != 2 or "--rounds-file replaces --rounds" not in r.stderr:
    failures += 1
    print("FAIL conflict", r.returncode, r.stderr)
r = run(*small, "--rounds-file", os.path.join(work, "missing.yaml"))
if r.returncode != 2 or "missing.yaml" not in r.stderr:
    failures += 1
    print("FAIL missing", r.returncode, r.stderr)
print("check_rounds_file: %s" % ("ok" if failures == 0 else "%d failed" % failures))
sys.exit(1 if failures else 0)
