#!/usr/bin/python3
"""Ctrl-C (SIGINT to the runner) in the middle of a 2-worker sweep: the runner stops its running
points and exits 130; every result file is complete (none half-written, no temporary file, no
working folder, no simulator process left); running again resumes (the finished points are
skipped) and ends with the same results as a sweep that was never interrupted.

usage: check_interrupt.py ENERGON_SWEEP BIN_DIR WORK_DIR"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeptest import check, finish, fresh_dir, read_csv, sweep  # noqa: E402

launcher, bin_dir, work = sys.argv[1:4]
fresh_dir(work)
spec = os.path.join(work, "spec.yaml")
with open(spec, "w") as f:
    f.write("""sweep: interrupt-test
base: {workload: bert-base-512, layers: 1, seq_len: 256}
axes:
  hw: [energon-edge, energon-server]
  rounds: [[{bits: 4x2, alpha: [-0.5, -0.25, 0]}, {bits: 4x4, alpha: [0, 0.25]}]]
""")
out = os.path.join(work, "out")
pdir = os.path.join(out, "points")


def done_files():
    return [f for f in os.listdir(pdir) if f.endswith(".json") and not f.startswith(".")] if os.path.isdir(pdir) else []


def children_in(folder):
    """Processes whose working folder is under folder (the points' simulators)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.readlink(f"/proc/{pid}/cwd").startswith(folder):
                    found.append(int(pid))
            except OSError:
                pass
    return found


env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
proc = subprocess.Popen(["/usr/bin/python3", launcher, "run", spec, "-o", out, "-j", "2", "--bin-dir", bin_dir],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
t_end = time.time() + 120
# Interrupt once 3 points are done and another is running: between two points a worker has no
# simulator for a moment (longer on a loaded machine), so wait for one to be running.
running_before = []
while time.time() < t_end and proc.poll() is None:
    if len(done_files()) >= 3:
        running_before = children_in(os.path.join(out, "tmp"))
        if running_before:
            break
    time.sleep(0.02)
proc.send_signal(signal.SIGINT)
try:
    so, se = proc.communicate(timeout=30)
except subprocess.TimeoutExpired:
    proc.kill()
    so, se = proc.communicate()
n_done = len(done_files())
check(proc.returncode == 130, f"the interrupted runner exits 130 ({proc.returncode})")
check("interrupted" in se and "run the same command again to resume" in se, "it says how to resume")
check(0 < n_done < 12, f"interrupted mid-sweep: {n_done} of 12 points finished")
check(len(running_before) > 0, f"points were running when SIGINT came ({len(running_before)} processes)")
check(children_in(os.path.join(out, "tmp")) == [], "no simulator process left")
check(os.listdir(os.path.join(out, "tmp")) == [], "no working folder left")
check(not [f for f in os.listdir(pdir) if f.startswith(".") or f.endswith(".tmp")], "no temporary result file left")
complete = True
for f in done_files():
    try:
        with open(os.path.join(pdir, f)) as fh:
            d = json.load(fh)
        complete &= d["status"] == "ok" and bool(d["report"])
    except ValueError:
        complete = False
check(complete, "every result file is a complete, successful result")

r = sweep(launcher, "run", spec, "-o", out, "-j", "2", "--bin-dir", bin_dir, check_rc=0)
check(f"{n_done} of 12 points already done" in r.stderr, f"resume skips the {n_done} finished points")
check(len(done_files()) == 12, "after resuming every point has a result")
sweep(launcher, "collect", out, "--no-plots", check_rc=0)

ref = os.path.join(work, "ref")
sweep(launcher, "run", spec, "-o", ref, "-j", "2", "--bin-dir", bin_dir, "--no-progress", check_rc=0)
sweep(launcher, "collect", ref, "--no-plots", check_rc=0)
check(read_csv(os.path.join(out, "results.csv")) == read_csv(os.path.join(ref, "results.csv")),
      "interrupted + resumed gives the same table as an uninterrupted sweep")
finish("check_interrupt")
