"""The energon-sweep command (docs/sweeps.md).

  energon-sweep run SPEC [-o DIR] [-j N]             run the points here, N worker processes
  energon-sweep submit SPEC --slurm [-o DIR] ...     one sbatch --array job (chunks of points)
  energon-sweep status DIR                           progress from the result files + squeue/sacct
  energon-sweep collect DIR                          results.csv, Pareto PNGs, answers.md
  energon-sweep list SPEC                            the expanded points (names, hashes, commands)
Exit codes: 0 done, 1 some point failed (or a command failed), 2 bad input, 130 interrupted.
"""
import argparse
import json
import os
import sys
import time

from . import collect as collect_mod
from . import execute, local, slurm
from . import spec as spec_mod
from .errors import RunError, SpecError

LAUNCHER = None  # set by the launcher script: its own path (for the Slurm job script)


def _default_bin():
    here = os.path.dirname(os.path.abspath(LAUNCHER)) if LAUNCHER else os.getcwd()
    return os.environ.get("ENERGON_SWEEP_BIN_DIR", here)


def _load(args):
    sweep = spec_mod.load(args.spec, args.define or [])
    for p in sweep["points"]:
        p.hash = execute.point_hash(p.params)
    if getattr(args, "only", None):
        import fnmatch
        sweep["points"] = [p for p in sweep["points"] if any(fnmatch.fnmatch(p.name, pat) for pat in args.only)]
        if not sweep["points"]:
            raise SpecError(f"--only {' '.join(args.only)}: no point of {args.spec} matches")
    return sweep


def _out_dir(args, sweep):
    return os.path.abspath(args.out or os.path.join("out", "sweeps", sweep["name"]))


def _check_out_dir(out_dir, sweep):
    """An output folder holds one sweep: refuse to mix another sweep's results into it."""
    if os.path.exists(execute.manifest_path(out_dir)):
        old = execute.read_manifest(out_dir)
        if old.get("sweep") != sweep["name"]:
            raise SpecError(f"{out_dir}: holds sweep '{old.get('sweep')}', not '{sweep['name']}' (use another -o folder)")
    elif os.path.isdir(out_dir) and os.listdir(out_dir):
        raise SpecError(f"{out_dir}: exists, is not empty and holds no sweep (sweep.json); use another -o folder")


def _lock(out_dir):
    import fcntl
    os.makedirs(out_dir, exist_ok=True)
    f = open(os.path.join(out_dir, ".run.lock"), "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise RunError(f"{out_dir}: another energon-sweep run is working in this folder")
    return f


def cmd_run(args):
    sweep = _load(args)
    out_dir = _out_dir(args, sweep)
    bin_dir = os.path.abspath(args.bin_dir or _default_bin())
    for tool in {p.params["tool"] for p in sweep["points"]}:
        execute.tool_binary(bin_dir, tool)
    _check_out_dir(out_dir, sweep)
    lock = _lock(out_dir)
    try:
        execute.prepare_out_dir(out_dir)
        execute.write_manifest(out_dir, sweep, bin_dir)
        workers = args.jobs or len(os.sched_getaffinity(0))
        t0 = time.time()
        print(f"energon-sweep: {sweep['name']}: {len(sweep['points'])} points, {workers} workers, into {out_dir}",
              file=sys.stderr)
        try:
            st = local.run_points(sweep["points"], out_dir, bin_dir, workers, progress=not args.no_progress,
                                  point_timeout=args.point_timeout, force=args.force)
        except local.Interrupted as e:
            st = e.args[0]
            print(f"energon-sweep: interrupted: {st['ok']} points finished in this run, {st['not_run']} not run "
                  f"(none half-written); run the same command again to resume", file=sys.stderr)
            return 130
        wall = time.time() - t0
        print(f"energon-sweep: {st['ok']} run, {st['skipped']} skipped (done), {st['failed']} failed; "
              f"wall time {wall:.1f} s", file=sys.stderr)
        if args.collect:
            _collect(out_dir, execute.read_manifest(out_dir), plots=True)
        return 1 if st["failed"] else 0
    finally:
        lock.close()


def cmd_submit(args):
    if not args.slurm:
        raise SpecError("submit: say which scheduler: --slurm (the only backend)")
    sweep = _load(args)
    out_dir = _out_dir(args, sweep)
    bin_dir = os.path.abspath(args.bin_dir or _default_bin())
    for tool in {p.params["tool"] for p in sweep["points"]}:
        execute.tool_binary(bin_dir, tool)
    _check_out_dir(out_dir, sweep)
    execute.prepare_out_dir(out_dir)
    manifest = execute.write_manifest(out_dir, sweep, bin_dir)
    job = slurm.submit(out_dir, manifest, sweep["points"], args, os.path.abspath(LAUNCHER))
    if job:
        print(job)
    return 0


def _points_from_manifest(manifest):
    pts = {}
    for p in manifest["points"]:
        pt = spec_mod.Point(p["name"], p["params"], "sweep.json")
        pt.hash = p["hash"]
        pts[p["name"]] = pt
    return pts


def cmd_task(args):
    out_dir = os.path.abspath(args.out_dir)
    manifest = execute.read_manifest(out_dir)
    try:
        st = slurm.run_task(out_dir, _points_from_manifest(manifest), args.chunks, args.index, args.workers)
    except local.Interrupted as e:
        print(f"energon-sweep task: stopped by a signal: {e.args[0]}", file=sys.stderr)
        return 130
    print(f"energon-sweep task: {st['ok']} run, {st['skipped']} skipped, {st['failed']} failed", file=sys.stderr)
    return 1 if st["failed"] else 0


def cmd_status(args):
    out_dir = os.path.abspath(args.out_dir)
    manifest = execute.read_manifest(out_dir)
    if args.wait:
        if not slurm.wait(out_dir, args.wait):
            cmd_status(argparse.Namespace(out_dir=out_dir, wait=None))
            print(f"energon-sweep status: jobs still queued or running after {args.wait:g} s", file=sys.stderr)
            return 1
    rows, counts = collect_mod.gather(out_dir, manifest)
    running = sum(1 for d in os.listdir(os.path.join(out_dir, "tmp"))) if os.path.isdir(os.path.join(out_dir, "tmp")) else 0
    n = len(rows)
    print(f"sweep {manifest['sweep']}: {n} points: {counts['ok']} done, {counts['failed']} failed, "
          f"{counts['missing'] + counts['stale']} to run ({counts['stale']} with a result of another configuration), "
          f"{running} running now")
    for r in rows:
        if r["status"] == "failed":
            print(f"  failed: {r['point']}: {r.get('error') or ''}")
    lines, notes = slurm.scheduler_states(out_dir)
    for ln in lines:
        print(ln)
    for ln in notes:
        print(f"  ({ln})")
    return 0


def _collect(out_dir, manifest, plots):
    rows, counts, written = collect_mod.collect(out_dir, manifest, plots=plots)
    print(f"energon-sweep collect: {len(rows)} points ({counts['ok']} ok, {counts['failed']} failed, "
          f"{counts['missing'] + counts['stale']} not run)", file=sys.stderr)
    for w in written:
        print(f"  wrote {w}", file=sys.stderr)
    if manifest["questions"]:
        print(collect_mod.answers_markdown(manifest, rows))
    return rows, counts


def cmd_collect(args):
    out_dir = os.path.abspath(args.out_dir)
    manifest = execute.read_manifest(out_dir)
    rows, counts = _collect(out_dir, manifest, plots=not args.no_plots)
    if args.markdown:
        md = collect_mod.markdown_table(manifest, rows, args.columns.split(",") if args.columns else None)
        execute.atomic_write_text(args.markdown, md)
    if args.require_complete and (counts["failed"] or counts["missing"] or counts["stale"]):
        print("energon-sweep collect: the sweep is not complete", file=sys.stderr)
        return 1
    return 0


def cmd_list(args):
    sweep = _load(args)
    bin_dir = os.path.abspath(args.bin_dir or _default_bin())
    for p in sweep["points"]:
        if args.json:
            print(json.dumps(p.to_json(), sort_keys=True))
        else:
            print(f"{p.name}  {p.hash[:12]}  " + " ".join(f"{k}={v}" for k, v in sorted(p.params.items())))
    print(f"{len(sweep['points'])} points", file=sys.stderr)
    del bin_dir
    return 0


def parser():
    ap = argparse.ArgumentParser(prog="energon-sweep", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", metavar="COMMAND")

    def spec_args(p):
        p.add_argument("spec", help="sweep spec (YAML, docs/sweeps.md)")
        p.add_argument("-o", "--out", help="output folder (default out/sweeps/<sweep name>)")
        p.add_argument("-D", "--define", action="append", metavar="KEY=VALUE",
                       help="set a parameter of every point (overrides the spec), e.g. -D layers=2")
        p.add_argument("--only", action="append", metavar="GLOB", help="only the points whose name matches")
        p.add_argument("--bin-dir", help="where energon-vp / energon-golden are (default: beside energon-sweep)")
        p.add_argument("--force", action="store_true", help="run every point again, done or not")

    p = sub.add_parser("run", help="run the sweep on this machine")
    spec_args(p)
    p.add_argument("-j", "--jobs", type=int, help="worker processes (default: the cores available)")
    p.add_argument("--no-progress", action="store_true", help="no progress line")
    p.add_argument("--point-timeout", type=float, help="kill a point after this many seconds (recorded as failed)")
    p.add_argument("--collect", action="store_true", help="collect when done")
    p.set_defaults(fn=cmd_run)

    p = sub.add_parser("submit", help="submit the sweep as a Slurm job array")
    spec_args(p)
    p.add_argument("--slurm", action="store_true", help="Slurm backend (sbatch --array)")
    p.add_argument("--chunk-size", type=int, default=8, help="points per array task (default 8)")
    p.add_argument("--cpus-per-task", type=int, default=1, help="CPUs per array task = its worker processes")
    p.add_argument("--partition")
    p.add_argument("--time", help="time limit per array task (sbatch --time)")
    p.add_argument("--mem", help="memory per array task (sbatch --mem)")
    p.add_argument("--account")
    p.add_argument("--qos")
    p.add_argument("--max-parallel", type=int, help="at most this many array tasks at once (--array=...%%N)")
    p.add_argument("--job-name")
    p.add_argument("--sbatch-arg", action="append", metavar="ARG", help="any other sbatch argument (repeatable)")
    p.add_argument("--sbatch", help="the sbatch command (default: from PATH)")
    p.add_argument("--dry-run", action="store_true", help="write the job script, do not submit")
    p.set_defaults(fn=cmd_submit)

    p = sub.add_parser("task", help="(inside a Slurm array task) run one chunk of a submitted sweep")
    p.add_argument("out_dir")
    p.add_argument("--chunks", required=True)
    p.add_argument("--index", type=int, required=True)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(fn=cmd_task)

    p = sub.add_parser("status", help="progress of a sweep (result files, squeue/sacct)")
    p.add_argument("out_dir")
    p.add_argument("--wait", type=float, metavar="SECONDS", help="wait until the Slurm jobs have left the queue")
    p.set_defaults(fn=cmd_status)

    p = sub.add_parser("collect", help="results.csv, Pareto plots and answers of a sweep")
    p.add_argument("out_dir")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    p.add_argument("--columns", help="columns of the Markdown table (comma separated)")
    p.add_argument("--require-complete", action="store_true", help="exit 1 unless every point is done")
    p.set_defaults(fn=cmd_collect)

    p = sub.add_parser("list", help="the expanded points of a spec")
    spec_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_list)
    return ap


def main(argv=None):
    ap = parser()
    args = ap.parse_args(argv)
    if not getattr(args, "fn", None):
        ap.print_help()
        return 2
    for k in ("jobs", "chunk_size", "cpus_per_task", "max_parallel", "workers"):
        v = getattr(args, k, None)
        if v is not None and v < 1:
            print(f"energon-sweep: --{k.replace('_', '-')} {v}: expected at least 1", file=sys.stderr)
            return 2
    try:
        return args.fn(args)
    except SpecError as e:
        print(f"energon-sweep: {e}", file=sys.stderr)
        return 2
    except RunError as e:
        print(f"energon-sweep: {e}", file=sys.stderr)
        return 1
