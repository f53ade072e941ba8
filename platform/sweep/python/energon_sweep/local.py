"""Running points with N worker processes on this machine: resume, progress, Ctrl-C.

The same loop runs a Slurm array task's chunk (slurm.py), so a point gives the same result
file wherever it ran.
"""
import os
import signal
import sys
import time

from . import execute


def _fmt_time(s):
    if s is None or s != s:
        return "--:--"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


class Progress:
    """One status line on a terminal (redrawn in place), one line per finished point otherwise."""

    def __init__(self, total, stream=sys.stderr, enabled=True, tty=None):
        self.total, self.stream, self.enabled = total, stream, enabled
        self.tty = stream.isatty() if tty is None else tty
        self.done = self.failed = self.running = 0
        self.t0 = time.time()
        self.finished_here = 0
        self.last_draw = 0.0

    def eta(self):
        left = self.total - self.done - self.failed
        if self.finished_here == 0 or left <= 0:
            return None if left > 0 else 0
        return (time.time() - self.t0) / self.finished_here * left

    def line(self):
        n = self.done + self.failed
        width = 24
        fill = int(width * n / self.total) if self.total else width
        return (f"[{'#' * fill}{'.' * (width - fill)}] {n}/{self.total} points: {self.done} done, "
                f"{self.failed} failed, {self.running} running, ETA {_fmt_time(self.eta())}")

    def draw(self, force=False):
        if not self.enabled or not self.tty:
            return
        now = time.time()
        if force or now - self.last_draw > 0.2:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
            self.last_draw = now

    def event(self, text):
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r\033[K" + text + "\n")
            self.draw(force=True)
        else:
            n = self.done + self.failed
            self.stream.write(f"[{n}/{self.total}] {text}  ({self.running} running, ETA {_fmt_time(self.eta())})\n")
        self.stream.flush()

    def close(self):
        if self.enabled and self.tty:
            self.stream.write("\r\033[K" + self.line() + "\n")
            self.stream.flush()


class Interrupted(Exception):
    pass


def pending_points(points, out_dir, force=False):
    """Splits points into (already done with a matching hash, to run)."""
    done, todo = [], []
    for p in points:
        r = None if force else execute.load_result(out_dir, p.name)
        if r is not None and r.get("hash") == p.hash and r.get("status") == "ok":
            done.append(p)
        else:
            todo.append(p)
    return done, todo


def run_points(points, out_dir, bin_dir, workers, progress=True, runner="local", point_timeout=None,
               log=sys.stderr, force=False):
    """Runs the points not yet done; returns a dict of counts. Raises Interrupted after SIGINT or
    SIGTERM, once every started point is stopped and its working folder removed (the results of
    points that had finished are kept; nothing half-written is left)."""
    execute.prepare_out_dir(out_dir)
    execute.clean_stale_tmp(out_dir)
    done, todo = pending_points(points, out_dir, force)
    stats = {"total": len(points), "skipped": len(done), "ok": 0, "failed": 0, "not_run": 0}
    if done:
        log.write(f"energon-sweep: {len(done)} of {len(points)} points already done (result with the same "
                  "configuration hash), skipped\n")
    if not todo:
        log.write("energon-sweep: nothing to run\n")
        return stats
    bar = Progress(len(points), stream=log, enabled=progress)
    bar.done = len(done)
    stop = {"signal": None}

    def on_signal(signum, _frame):
        if stop["signal"] is not None:  # a second Ctrl-C: no more waiting
            for r in running:
                try:
                    os.killpg(r.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        stop["signal"] = signum

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    queue = list(todo)
    running = []
    try:
        while (queue or running) and stop["signal"] is None:
            while queue and len(running) < workers and stop["signal"] is None:
                p = queue.pop(0)
                r = execute.start(p, bin_dir, out_dir)
                if isinstance(r, dict):  # could not start: recorded as failed
                    _record(out_dir, r, stats, bar, runner)
                    continue
                running.append(r)
                bar.running = len(running)
            bar.draw()
            time.sleep(0.02)
            for r in list(running):
                timed_out = point_timeout and time.time() - r.t0 > point_timeout and r.proc.poll() is None
                if timed_out:
                    r.stop(grace=1.0)
                if r.proc.poll() is None and not timed_out:
                    continue
                if stop["signal"] is not None and r.proc.returncode < 0:
                    continue  # killed on a second Ctrl-C: not a result (removed below)
                running.remove(r)
                bar.running = len(running)
                res = execute.finish(r, runner=runner, timed_out=point_timeout if timed_out else None)
                _record(out_dir, res, stats, bar, runner)
    finally:
        if stop["signal"] is not None or running:
            for r in running:
                r.stop()
            bar.running = 0
        for s, h in old.items():
            signal.signal(s, h)
    bar.close()
    if stop["signal"] is not None:
        stats["not_run"] = len(points) - stats["skipped"] - stats["ok"] - stats["failed"]
        raise Interrupted(stats)
    return stats


def _record(out_dir, res, stats, bar, runner):
    execute.write_result(out_dir, res)
    if res["status"] == "ok":
        stats["ok"] += 1
        bar.done += 1
        bar.finished_here += 1
        bar.event(f"ok      {res['point']} ({res['wall_time_s']:.2f} s)")
    else:
        stats["failed"] += 1
        bar.failed += 1
        bar.finished_here += 1
        err = (res["error"] or "").strip().splitlines()
        bar.event(f"FAILED  {res['point']}: {err[-1] if err else 'failed'}")
