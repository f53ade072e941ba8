"""Results: one table (CSV) with a row per point and a column per figure, Pareto plots, answers.

Figures are read from each point's report (the JSON the tool wrote), so a changed `collect`
section needs no re-run. Paths are dotted keys into the report ("{policy}" stands for the
point's policy section of an energon-vp report); a {"value": ...} node gives its value.
"""
import csv
import io
import json
import math
import os
import re

from . import execute

# name -> {tool: path}, better (lower|higher), unit, what
FIGURES = {
    "cycles": {"vp": "{policy}.latency.accelerator_cycles", "llm": "accelerator.cycles",
               "better": "lower", "what": "accelerator cycles"},
    "latency_us": {"vp": "{policy}.latency.accelerator_us", "llm": "accelerator.busy_us",
                   "better": "lower", "what": "accelerator latency (µs)"},
    "platform_us": {"vp": "{policy}.latency.platform_us", "llm": "time.simulated_us",
                    "better": "lower", "what": "simulated platform time incl. host (µs)"},
    "energy_uj": {"vp": "{policy}.energy.total", "llm": "accelerator.energy_uj",
                  "better": "lower", "what": "accelerator energy (µJ)"},
    "dram_bytes": {"vp": "{policy}.dram_traffic.total", "llm": "accelerator.dram_traffic.total",
                   "better": "lower", "what": "accelerator DRAM bytes"},
    "kept_fraction": {"vp": "{policy}.filtering.kept_fraction", "llm": "accelerator.kept_fraction",
                      "golden": "total.kept_fraction", "better": "lower", "what": "kept keys / allowed keys"},
    "kept_fraction_round1": {"vp": "{policy}.filtering.kept_fraction_round1",
                             "llm": "accelerator.kept_fraction_round1", "golden": "total.rounds.0.kept_fraction",
                             "better": "lower", "what": "kept after round 1"},
    "rel_l2_error": {"vp": "{policy}.accuracy.rel_l2_error", "golden": "total.rel_l2_error_rms",
                     "better": "lower", "what": "relative L2 error vs float64"},
    "mass_recall": {"vp": "{policy}.accuracy.mass_recall", "golden": "total.mass_recall",
                    "better": "higher", "what": "attention-mass recall"},
    "min_cosine": {"golden": "total.min_cosine", "better": "higher", "what": "min cosine vs float64"},
    "top1_agreement": {"llm": "quality.top1_agreement", "better": "higher",
                       "what": "next-token (top-1) agreement with the float model"},
    "mean_kl": {"llm": "quality.mean_kl", "better": "lower", "what": "mean KL vs float"},
    "perplexity": {"llm": "quality.perplexity", "better": "lower", "what": "perplexity"},
    "bit_exact": {"vp": "{policy}.check.bit_exact", "llm": "check.bit_exact", "better": None,
                  "what": "bit-exact vs golden"},
}
DEFAULT_FIGURES = ["cycles", "latency_us", "energy_uj", "dram_bytes", "kept_fraction", "rel_l2_error",
                   "mass_recall", "top1_agreement", "mean_kl", "bit_exact"]
PARAM_COLS_FIRST = ["tool", "hw", "workload", "model", "policy", "rounds"]


def lookup(report, path, params):
    """The value at a dotted path in a report (None if absent)."""
    node = report
    path = path.replace("{policy}", params.get("policy", ""))
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    if isinstance(node, dict) and "value" in node:
        node = node["value"]
    return node if isinstance(node, (int, float, str, bool)) or node is None else json.dumps(node, sort_keys=True)


def check_collect(ctx, doc, tools):
    figures = [f for f in DEFAULT_FIGURES if any(t in FIGURES[f] for t in tools)]
    extra = {}
    if doc is None:
        return {"figures": figures, "extra": extra}
    if not isinstance(doc, dict):
        ctx.fail("collect", doc, "a mapping with figures and/or extra")
    for k in doc:
        if k not in ("figures", "extra"):
            ctx.fail(f"collect.{k}", doc[k], "collect keys: figures, extra")
    if "figures" in doc:
        f = doc["figures"]
        if not isinstance(f, list) or not f:
            ctx.fail("collect.figures", f, "a non-empty list of figure names: " + ", ".join(FIGURES))
        for i, name in enumerate(f):
            if name not in FIGURES:
                ctx.fail(f"collect.figures[{i}]", name, "a figure name: " + ", ".join(FIGURES)
                         + " (other report values: collect.extra {name: dotted.path})")
        figures = list(dict.fromkeys(f))
    if "extra" in doc:
        e = doc["extra"]
        if not isinstance(e, dict):
            ctx.fail("collect.extra", e, "a mapping column name → dotted report path")
        for name, path in e.items():
            if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name) or name in FIGURES:
                ctx.fail(f"collect.extra.{name}", name, "a new column name (letters, digits, _)")
            if not isinstance(path, str) or not re.match(r"^[A-Za-z0-9_{}]+(\.[A-Za-z0-9_{}]+)*$", path):
                ctx.fail(f"collect.extra.{name}", path, "a dotted path into the report, e.g. {policy}.filtering.pruning_ratio")
            extra[name] = path
    return {"figures": figures, "extra": extra}


def _columns(collect):
    return list(collect["figures"]) + list(collect["extra"])


def _better(name):
    return FIGURES[name]["better"] if name in FIGURES else "lower"


def _check_where(ctx, where, w, points):
    if w is None:
        return {}
    if not isinstance(w, dict):
        ctx.fail(where, w, "a mapping parameter → value or list of values")
    out = {}
    known = {k for p in points for k in p.params}
    for k, v in w.items():
        if k not in known:
            ctx.fail(f"{where}.{k}", v, "a parameter the sweep's points have: " + ", ".join(sorted(known)))
        out[k] = v if isinstance(v, list) else [v]
    return out


def _numeric_col(ctx, where, name, collect):
    cols = _columns(collect)
    if name not in cols or name == "bit_exact":
        ctx.fail(where, name, "a numeric figure the sweep collects: " + ", ".join(c for c in cols if c != "bit_exact"))
    return name


def check_plots(ctx, doc, points, collect):
    tools = sorted({p.params["tool"] for p in points})
    if doc is None:
        out = []
        for t in tools:
            acc = {"vp": "rel_l2_error", "golden": "rel_l2_error", "llm": "top1_agreement"}[t]
            if acc in _columns(collect) and "latency_us" in _columns(collect) and t != "golden":
                out.append({"file": f"pareto-{t}.png", "accuracy": acc, "x": [c for c in ("latency_us", "energy_uj")
                                                                           if c in _columns(collect)],
                            "series": "policy", "facet": "hw", "where": {"tool": [t]}, "title": None})
        return out
    if not isinstance(doc, list):
        ctx.fail("plots", doc, "a list of plots {file, accuracy, x, series, facet, where, title}")
    out = []
    for i, p in enumerate(doc):
        w = f"plots[{i}]"
        if not isinstance(p, dict):
            ctx.fail(w, p, "a plot mapping")
        for k in p:
            if k not in ("file", "accuracy", "x", "series", "facet", "where", "title"):
                ctx.fail(f"{w}.{k}", p[k], "plot keys: file, accuracy, x, series, facet, where, title")
        f = p.get("file")
        if not isinstance(f, str) or not re.match(r"^[A-Za-z0-9._-]+\.png$", f):
            ctx.fail(f"{w}.file", f, "a PNG file name (written into the output folder)")
        acc = _numeric_col(ctx, f"{w}.accuracy", p.get("accuracy"), collect)
        xs = p.get("x", ["latency_us", "energy_uj"])
        if not isinstance(xs, list) or not xs:
            ctx.fail(f"{w}.x", xs, "a non-empty list of figures")
        for j, x in enumerate(xs):
            _numeric_col(ctx, f"{w}.x[{j}]", x, collect)
        known = {k for pt in points for k in pt.params}
        for key in ("series", "facet"):
            v = p.get(key, {"series": "policy", "facet": "hw"}[key])
            if v is not None and v not in known:
                ctx.fail(f"{w}.{key}", v, "a parameter of the points: " + ", ".join(sorted(known)))
        title = p.get("title")
        if title is not None and not isinstance(title, str):
            ctx.fail(f"{w}.title", title, "a string")
        out.append({"file": f, "accuracy": acc, "x": xs, "series": p.get("series", "policy"),
                    "facet": p.get("facet", "hw"), "where": _check_where(ctx, f"{w}.where", p.get("where"), points),
                    "title": title})
    return out


def check_questions(ctx, doc, points, collect):
    """questions: [{name, where, group_by, minimize, constraint: {figure, baseline, max_loss}, show}]
    — per group, the point with the smallest `minimize` among those whose `figure` is at most
    max_loss worse than the baseline point's (the baseline: the group's point matching `baseline`)."""
    if doc is None:
        return []
    if not isinstance(doc, list):
        ctx.fail("questions", doc, "a list of questions {name, where, group_by, minimize, constraint}")
    out = []
    known = {k for pt in points for k in pt.params}
    for i, q in enumerate(doc):
        w = f"questions[{i}]"
        if not isinstance(q, dict):
            ctx.fail(w, q, "a question mapping")
        for k in q:
            if k not in ("name", "text", "where", "group_by", "minimize", "constraint", "show"):
                ctx.fail(f"{w}.{k}", q[k], "question keys: name, text, where, group_by, minimize, constraint, show")
        name = q.get("name")
        if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9._-]+$", name):
            ctx.fail(f"{w}.name", name, "a question name (letters, digits, . _ -)")
        gb = q.get("group_by", [])
        gb = [gb] if isinstance(gb, str) else gb
        if not isinstance(gb, list) or any(g not in known for g in gb):
            ctx.fail(f"{w}.group_by", q.get("group_by"), "parameters of the points: " + ", ".join(sorted(known)))
        mn = _numeric_col(ctx, f"{w}.minimize", q.get("minimize"), collect)
        c = q.get("constraint")
        if not isinstance(c, dict) or set(c) - {"figure", "baseline", "max_loss", "max"}:
            ctx.fail(f"{w}.constraint", c, "{figure, max_loss, baseline} (loss vs the baseline point) or {figure, max}")
        fig = _numeric_col(ctx, f"{w}.constraint.figure", c.get("figure"), collect)
        if ("max_loss" in c) == ("max" in c):
            ctx.fail(f"{w}.constraint", c, "exactly one of max_loss (with baseline) or max")
        lim = c.get("max_loss", c.get("max"))
        if isinstance(lim, bool) or not isinstance(lim, (int, float)) or lim < 0:
            ctx.fail(f"{w}.constraint", lim, "a limit ≥ 0")
        base = None
        if "max_loss" in c:
            base = _check_where(ctx, f"{w}.constraint.baseline", c.get("baseline"), points)
            if not base:
                ctx.fail(f"{w}.constraint.baseline", c.get("baseline"), "parameters naming the baseline point, e.g. {policy: dense}")
        show = q.get("show", [])
        if not isinstance(show, list) or any(s not in known and s not in _columns(collect) for s in show):
            ctx.fail(f"{w}.show", show, "parameters or figures to print with the answer")
        text = q.get("text", "")
        out.append({"name": name, "text": text if isinstance(text, str) else "", "group_by": gb,
                    "where": _check_where(ctx, f"{w}.where", q.get("where"), points), "minimize": mn,
                    "figure": fig, "max_loss": c.get("max_loss"), "max": c.get("max"), "baseline": base,
                    "show": show})
    return out


def _matches(params, where):
    return all(params.get(k) in vs for k, vs in where.items())


def gather(out_dir, manifest):
    """Rows (dicts) for the manifest's points: parameters, status, figures; plus stale/missing counts."""
    cols = _columns(manifest["collect"])
    extra = manifest["collect"]["extra"]
    rows, counts = [], {"ok": 0, "failed": 0, "missing": 0, "stale": 0}
    for p in manifest["points"]:
        res = execute.load_result(out_dir, p["name"])
        row = {"point": p["name"], **p["params"]}
        if res is None:
            row["status"] = "missing"
        elif res.get("hash") != p["hash"]:
            row["status"] = "stale"
        else:
            row["status"] = res["status"]
            err = (res.get("error") or "").strip().splitlines()
            row["error"] = err[-1][:300] if err else None
            row["wall_time_s"] = res.get("wall_time_s")
            rep = res.get("report") or {}
            tool = p["params"]["tool"]
            for c in cols:
                path = extra.get(c) or FIGURES[c].get(tool)
                row[c] = lookup(rep, path, p["params"]) if path else None
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        rows.append(row)
    return rows, counts


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # shortest round-trip text: the same double gives the same text
    return str(v)


def table_columns(manifest, rows):
    params = []
    order = PARAM_COLS_FIRST + manifest.get("param_order", [])
    for k in order + sorted({k for r in rows for k in r}):
        if k in params or k in ("point", "status", "error", "wall_time_s") or k in _columns(manifest["collect"]):
            continue
        if any(k in r for r in rows) and any(k in p["params"] for p in manifest["points"]):
            params.append(k)
    return ["point", "status"] + params + _columns(manifest["collect"]) + ["error", "wall_time_s"]


def write_csv(path, manifest, rows):
    cols = table_columns(manifest, rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    execute.atomic_write_text(path, buf.getvalue())
    return cols


def write_parquet(path, manifest, rows):
    try:
        import pyarrow  # noqa: F401  (Debian bookworm has no python3-pyarrow; newer releases do)
        import pyarrow.parquet as pq
    except ImportError:
        return False
    cols = table_columns(manifest, rows)
    table = pyarrow.table({c: [r.get(c) for r in rows] for c in cols})
    pq.write_table(table, path)
    return True


def pareto(points, better_y):
    """The points no other point beats on both axes (x lower, y lower or higher), sorted by x."""
    sign = 1 if better_y == "lower" else -1
    pts = sorted(points, key=lambda p: (p[0], sign * p[1]))
    front, best = [], math.inf
    for x, y, *rest in pts:
        if sign * y < best:
            front.append((x, y, *rest))
            best = sign * y
    return front


def plot(out_dir, manifest, rows, spec):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sel = [r for r in rows if r["status"] == "ok" and _matches(r, spec["where"])
           and all(isinstance(r.get(c), (int, float)) for c in [spec["accuracy"]] + spec["x"])]
    if not sel:
        return None
    facet = spec["facet"]
    facets = sorted({str(r.get(facet)) for r in sel}) if facet else ["all"]
    series_key = spec["series"]
    series = sorted({str(r.get(series_key)) for r in sel}) if series_key else ["points"]
    acc = spec["accuracy"]
    better = _better(acc)
    fig, axes = plt.subplots(len(facets), len(spec["x"]), figsize=(5.2 * len(spec["x"]), 3.9 * len(facets)),
                             squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    markers = "osD^vP*X"
    for fi, fv in enumerate(facets):
        for xi, xname in enumerate(spec["x"]):
            ax = axes[fi][xi]
            for si, sv in enumerate(series):
                pts = [(r[xname], r[acc], r["point"]) for r in sel
                       if (not facet or str(r.get(facet)) == fv) and (not series_key or str(r.get(series_key)) == sv)]
                if not pts:
                    continue
                c, m = colors[si % len(colors)], markers[si % len(markers)]
                ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=14, color=c, marker=m, alpha=0.35)
                front = pareto(pts, better)
                ax.plot([p[0] for p in front], [p[1] for p in front], color=c, marker=m, ms=5,
                        drawstyle="steps-post", label=f"{sv} (front of {len(pts)})")
            ax.set_xlabel(FIGURES.get(xname, {}).get("what", xname))
            ax.set_ylabel(FIGURES.get(acc, {}).get("what", acc) + (" ↓" if better == "lower" else " ↑"))
            if better == "lower" and all(r[acc] > 0 for r in sel):
                ax.set_yscale("log")
            ax.grid(True, alpha=0.3)
            ax.set_title(f"{facet} = {fv}" if facet else "", fontsize=9)
            ax.legend(fontsize=7)
    fig.suptitle(spec["title"] or f"{manifest['sweep']}: Pareto front of {acc} per {series_key}", fontsize=10)
    fig.tight_layout()
    path = os.path.join(out_dir, spec["file"])
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)
    return path


def answer(rows, q):
    """Answers one question; returns a list of dicts, one per group."""
    sel = [r for r in rows if _matches(r, q["where"])]
    groups = {}
    for r in sel:
        groups.setdefault(tuple(str(r.get(g)) for g in q["group_by"]), []).append(r)
    out = []
    for key, rs in sorted(groups.items()):
        g = dict(zip(q["group_by"], key))
        fig, better = q["figure"], _better(q["figure"])
        base_val, base_row = None, None
        if q["baseline"]:
            bs = [r for r in rs if _matches(r, q["baseline"]) and r["status"] == "ok"]
            if len(bs) != 1:
                out.append({"group": g, "error": f"{len(bs)} baseline points (expected 1)"})
                continue
            base_row, base_val = bs[0], bs[0].get(fig)
        ok = []
        for r in rs:
            v, m = r.get(fig), r.get(q["minimize"])
            if r["status"] != "ok" or not isinstance(v, (int, float)) or not isinstance(m, (int, float)):
                continue
            loss = (v - base_val if better == "lower" else base_val - v) if base_val is not None else None
            if (loss is not None and loss <= q["max_loss"] + 1e-12) or (loss is None and (
                    v <= q["max"] if better == "lower" else v >= q["max"])):
                ok.append((m, r["point"], r, loss))
        ok.sort(key=lambda t: (t[0], t[1]))
        if not ok:
            out.append({"group": g, "error": "no point meets the constraint", "baseline": base_row})
            continue
        m, _, r, loss = ok[0]
        out.append({"group": g, "best": r, "loss": loss, "baseline": base_row, "candidates": len(ok)})
    return out


def _num(v):
    if v is None or v == "":
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def answers_markdown(manifest, rows):
    lines = []
    for q in manifest["questions"]:
        lines.append(f"**{q['name']}**" + (f" — {q['text']}" if q["text"] else ""))
        lines.append("")
        res = answer(rows, q)
        hdr = q["group_by"] + ["best point"] + q["show"] + [q["minimize"], q["figure"]]
        if q["baseline"]:
            hdr += ["baseline " + q["minimize"], "baseline " + q["figure"], "loss", "speed-up", "passing points"]
        lines.append("| " + " | ".join(hdr) + " |")
        lines.append("|" + "---|" * len(hdr))
        for a in res:
            cells = [a["group"][g] for g in q["group_by"]]
            if "error" in a:
                cells += [a["error"]] + [""] * (len(hdr) - len(cells) - 1)
            else:
                b, base = a["best"], a["baseline"]
                cells += [f"`{b['point']}`"] + [_num(b.get(s)) for s in q["show"]] + \
                    [_num(b.get(q["minimize"])), _num(b.get(q["figure"]))]
                if q["baseline"]:
                    sp = base.get(q["minimize"]) / b.get(q["minimize"]) if b.get(q["minimize"]) else float("nan")
                    cells += [_num(base.get(q["minimize"])), _num(base.get(q["figure"])), f"{a['loss']:.4f}",
                              f"{sp:.2f}×", str(a["candidates"])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def markdown_table(manifest, rows, columns=None):
    cols = columns or [c for c in table_columns(manifest, rows) if c not in ("error", "wall_time_s")]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(_num(r.get(c)) if r.get(c) is not None else "" for c in cols) + " |")
    return "\n".join(out) + "\n"


def collect(out_dir, manifest, plots=True, log=None):
    rows, counts = gather(out_dir, manifest)
    csv_path = os.path.join(out_dir, "results.csv")
    write_csv(csv_path, manifest, rows)
    written = [csv_path]
    pq = os.path.join(out_dir, "results.parquet")
    if write_parquet(pq, manifest, rows):
        written.append(pq)
    if plots:
        for spec in manifest["plots"]:
            p = plot(out_dir, manifest, rows, spec)
            if p:
                written.append(p)
    if manifest["questions"]:
        md = answers_markdown(manifest, rows)
        path = os.path.join(out_dir, "answers.md")
        execute.atomic_write_text(path, md)
        written.append(path)
    return rows, counts, written
