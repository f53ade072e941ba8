"""Helpers of the energon-sweep tests: running the command, reading collected tables."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys

FAILS = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


def finish(name):
    n_fail = len(FAILS)
    print(f"{name}: {'ok' if not n_fail else 'FAILED'} ({n_fail} failed checks)")
    sys.exit(1 if n_fail else 0)


def skip(name, why):
    print(f"{name}: SKIPPED: {why}")
    sys.exit(77)


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def sweep(launcher, *args, check_rc=None, timeout=600, **kw):
    env = dict(kw.pop("env", os.environ), SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    r = subprocess.run(["/usr/bin/python3", launcher, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout, env=env, **kw)
    if check_rc is not None and r.returncode != check_rc:
        print(f"energon-sweep {' '.join(args)}: exit code {r.returncode}, expected {check_rc}\n"
              f"--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}", flush=True)
    return r


def read_csv(path, drop=("wall_time_s",)):
    """The collected table as text without the columns that depend on when a point ran."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    keep = [i for i, c in enumerate(rows[0]) if c not in drop]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow([r[i] for i in keep])
    return buf.getvalue()


def csv_dicts(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


VOLATILE_REPORT_KEYS = ("wall_time", "wall_time_without_checks", "wall_s", "check_wall_s", "provenance")


def strip_volatile(node):
    """A report without its wall-time fields and provenance (which names the command line)."""
    if isinstance(node, dict):
        return {k: strip_volatile(v) for k, v in node.items() if k not in VOLATILE_REPORT_KEYS}
    if isinstance(node, list):
        return [strip_volatile(v) for v in node]
    return node


def results(out_dir):
    """name -> result file (parsed) of every point in the folder."""
    d = os.path.join(out_dir, "points")
    out = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".json") and not f.startswith("."):
            with open(os.path.join(d, f)) as fh:
                out[f[:-5]] = json.load(fh)
    return out


def same_figures(a_dir, b_dir):
    """Both folders hold the same points with equal status, parameters, hashes and reports
    (wall time and provenance excluded)."""
    a, b = results(a_dir), results(b_dir)
    if sorted(a) != sorted(b):
        return False, f"points differ: {sorted(set(a) ^ set(b))}"
    for n in a:
        for k in ("status", "params", "hash", "exit_code"):
            if a[n][k] != b[n][k]:
                return False, f"{n}: {k} differs"
        if strip_volatile(a[n]["report"]) != strip_volatile(b[n]["report"]):
            return False, f"{n}: report figures differ"
    return True, f"{len(a)} points equal"
