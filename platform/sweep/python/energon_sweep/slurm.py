"""The Slurm backend: one `sbatch --array` job, one array task per chunk of points.

submit writes <out>/slurm/job-<k>.sh and chunks-<k>.json (the point names of each chunk, fixed at
submission) and records the job id in <out>/slurm/jobs.json. Every task runs
`energon-sweep task <out> --chunks chunks-<k>.json --index $SLURM_ARRAY_TASK_ID`, which runs its
points with the same code as a local run (skipping those already done) into the same result
files. The output folder, the binaries and the spec's input files must be on a filesystem
every node sees.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

from . import execute
from .errors import RunError, SpecError


def _slurm_dir(out_dir):
    return os.path.join(out_dir, "slurm")


def _jobs_path(out_dir):
    return os.path.join(_slurm_dir(out_dir), "jobs.json")


def read_jobs(out_dir):
    try:
        with open(_jobs_path(out_dir), encoding="utf-8") as f:
            jobs = json.load(f)
        return jobs if isinstance(jobs, list) else []
    except (OSError, ValueError):
        return []


def job_script(out_dir, chunks_file, n_chunks, name, opts, launcher):
    d = _slurm_dir(out_dir)
    lines = ["#!/bin/bash",
             f"#SBATCH --job-name={name}",
             f"#SBATCH --array=0-{n_chunks - 1}" + (f"%{opts.max_parallel}" if opts.max_parallel else ""),
             f"#SBATCH --output={os.path.join(d, 'logs', '%A_%a.out')}",
             f"#SBATCH --cpus-per-task={opts.cpus_per_task}"]
    for flag, val in (("partition", opts.partition), ("time", opts.time), ("mem", opts.mem),
                      ("account", opts.account), ("qos", opts.qos)):
        if val:
            lines.append(f"#SBATCH --{flag}={val}")
    lines += ["# written by energon-sweep submit (docs/sweeps.md); one array task per chunk of points",
              "set -eu",
              f"exec {shlex.quote(sys.executable)} {shlex.quote(launcher)} task {shlex.quote(os.path.abspath(out_dir))} "
              f"--chunks {shlex.quote(chunks_file)} --index \"$SLURM_ARRAY_TASK_ID\" "
              f"--workers \"${{SLURM_CPUS_PER_TASK:-1}}\"",
              ""]
    return "\n".join(lines)


def submit(out_dir, manifest, points, opts, launcher, log=sys.stderr):
    """Submits the points not yet done as one job array; returns the job id (None: nothing to do)."""
    from .local import pending_points
    execute.prepare_out_dir(out_dir)
    done, todo = pending_points(points, out_dir, opts.force)
    if done:
        log.write(f"energon-sweep: {len(done)} of {len(points)} points already done, not submitted\n")
    if not todo:
        log.write("energon-sweep: nothing to submit\n")
        return None
    if opts.chunk_size < 1:
        raise SpecError(f"--chunk-size {opts.chunk_size}: expected at least 1")
    chunks = [[p.name for p in todo[i:i + opts.chunk_size]] for i in range(0, len(todo), opts.chunk_size)]
    d = _slurm_dir(out_dir)
    os.makedirs(os.path.join(d, "logs"), exist_ok=True)
    k = len(read_jobs(out_dir))
    chunks_file = os.path.join(d, f"chunks-{k}.json")
    execute.atomic_write_json(chunks_file, {"force": bool(opts.force), "chunks": chunks})
    script = os.path.join(d, f"job-{k}.sh")
    execute.atomic_write_text(script, job_script(out_dir, chunks_file, len(chunks), opts.job_name or
                                                 f"energon-sweep-{manifest['sweep']}", opts, launcher))
    os.chmod(script, 0o755)
    sbatch = opts.sbatch or shutil.which("sbatch")
    if opts.dry_run:
        log.write(f"energon-sweep: dry run: {len(todo)} points in {len(chunks)} array tasks; job script {script}\n")
        return None
    if not sbatch:
        raise RunError("sbatch not found on PATH (is this a Slurm login node? --sbatch PATH names it)")
    cmd = [sbatch, "--parsable"] + list(opts.sbatch_arg or []) + [script]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=out_dir)
    if r.returncode != 0:
        raise RunError(f"sbatch failed (exit code {r.returncode}): {r.stderr.strip() or r.stdout.strip()}")
    job_id = r.stdout.strip().split(";")[0]
    if not job_id.isdigit():
        raise RunError(f"sbatch printed no job id: {r.stdout.strip()!r}")
    jobs = read_jobs(out_dir)
    jobs.append({"job_id": job_id, "submitted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "script": script,
                 "chunks": chunks_file, "tasks": len(chunks), "points": len(todo)})
    execute.atomic_write_json(_jobs_path(out_dir), jobs)
    log.write(f"energon-sweep: submitted job {job_id}: {len(todo)} points in {len(chunks)} array tasks "
              f"(chunk size {opts.chunk_size}); logs in {os.path.join(d, 'logs')}\n")
    return job_id


def run_task(out_dir, points_by_name, chunks_file, index, workers, log=sys.stderr):
    """One array task: the points of chunk `index`."""
    from .local import run_points
    try:
        with open(chunks_file, encoding="utf-8") as f:
            doc = json.load(f)
        chunks = doc["chunks"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SpecError(f"{chunks_file}: not a chunk list written by energon-sweep submit ({e})")
    if not 0 <= index < len(chunks):
        raise SpecError(f"--index {index}: expected 0..{len(chunks) - 1} ({chunks_file})")
    missing = [n for n in chunks[index] if n not in points_by_name]
    if missing:
        raise SpecError(f"{chunks_file}: chunk {index} names points the sweep no longer has: {', '.join(missing[:5])} "
                        "(the sweep was changed after submission; submit again)")
    pts = [points_by_name[n] for n in chunks[index]]
    task = os.environ.get("SLURM_ARRAY_JOB_ID", "?") + "_" + os.environ.get("SLURM_ARRAY_TASK_ID", str(index))
    log.write(f"energon-sweep task {task}: {len(pts)} points, {workers} workers\n")
    return run_points(pts, out_dir, manifest_bin(out_dir), workers, progress=True, runner=f"slurm:{task}",
                      force=bool(doc.get("force")), log=log)


def manifest_bin(out_dir):
    return execute.read_manifest(out_dir)["bin_dir"]


def scheduler_states(out_dir):
    """Per job: array task states from squeue (pending/running) and sacct (finished), falling
    back to `scontrol show job` where accounting is not configured. Returns (lines, notes)."""
    jobs = read_jobs(out_dir)
    lines, notes = [], []
    if not jobs:
        return lines, notes
    ids = ",".join(j["job_id"] for j in jobs)
    states = {}
    squeue = shutil.which("squeue")
    if squeue:
        r = subprocess.run([squeue, "-h", "-r", "-j", ids, "-o", "%i|%T|%R"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode == 0:
            for ln in r.stdout.split("\n"):
                if "|" in ln:
                    tid, st, _reason = ln.split("|", 2)
                    states[tid.strip()] = st.strip()
        else:
            notes.append(f"squeue: {r.stderr.strip()}")
    else:
        notes.append("squeue not found: queue state unknown")
    sacct = shutil.which("sacct")
    finished = {}
    if sacct:
        r = subprocess.run([sacct, "-n", "-X", "-P", "-j", ids, "-o", "JobID,State,ExitCode"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode == 0:
            for ln in r.stdout.split("\n"):
                parts = ln.split("|")
                if len(parts) >= 2 and parts[0]:
                    finished[parts[0]] = parts[1].split()[0]
        else:
            notes.append(f"sacct: {r.stderr.strip() or 'failed'}; finished tasks from scontrol")
    scontrol = shutil.which("scontrol")
    if not finished and scontrol:
        for j in jobs:
            r = subprocess.run([scontrol, "-o", "show", "job", j["job_id"]], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            for ln in r.stdout.split("\n"):
                f = dict(kv.split("=", 1) for kv in ln.split() if "=" in kv)
                if "ArrayJobId" in f and f.get("ArrayTaskId", "").isdigit() and "JobState" in f:
                    finished[f"{f['ArrayJobId']}_{f['ArrayTaskId']}"] = f["JobState"]
    for j in jobs:
        per = {}
        for tid, st in list(finished.items()) + list(states.items()):
            if tid.split("_")[0] == j["job_id"]:
                per[tid] = st  # squeue (live) overrides the accounting view
        counts = {}
        for st in per.values():
            counts[st] = counts.get(st, 0) + 1
        summary = ", ".join(f"{n} {st.lower()}" for st, n in sorted(counts.items())) or \
            "no task known to the scheduler (finished and purged, or not started)"
        lines.append(f"job {j['job_id']} ({j['tasks']} array tasks, {j['points']} points, submitted "
                     f"{j['submitted_at']}): {summary}")
    return lines, notes


def wait(out_dir, timeout, poll=1.0):
    """Waits until no task of the sweep's jobs is pending or running (squeue); True if so in time."""
    jobs = read_jobs(out_dir)
    squeue = shutil.which("squeue")
    if not jobs or not squeue:
        return True
    ids = ",".join(j["job_id"] for j in jobs)
    end = time.time() + timeout
    while time.time() < end:
        r = subprocess.run([squeue, "-h", "-r", "-j", ids, "-o", "%i"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode == 0 and not r.stdout.strip():
            return True
        if r.returncode != 0 and "Invalid job id" in r.stderr:
            return True  # already purged from the controller: finished
        time.sleep(poll)
    return False
