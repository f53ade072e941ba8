"""Sweep specifications (docs/sweeps.md): loading, validation and expansion into points.

A spec is a YAML mapping. Every problem is reported as a SpecError naming the file, the key (as a
path such as `groups[1].axes.rounds[0]`), the value and what was expected; the command turns it
into exit code 2.
"""
import hashlib
import itertools
import json
import os
import re

import yaml

from .errors import SpecError

TOOLS = ("vp", "golden", "llm")
POLICIES = ("dense", "topk", "mpmrf", "spatten", "a3")
SET_SECTIONS = ("accelerator", "dram", "host")
TOP_KEYS = ("sweep", "description", "base", "axes", "points", "groups", "name", "collect", "plots", "questions")
GROUP_KEYS = ("label", "base", "axes", "points")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]*$")
ROUND_RE = re.compile(r"^(\d+)x(\d+):(alpha=([-+]?(\d+(\.\d*)?|\.\d+))|top=(\d+(\.\d*)?)(%?))$")
TOPK_RE = re.compile(r"^top=(\d+(\.\d*)?)(%?)$")
MAX_ROUNDS = 4


def _fmt(value):
    return json.dumps(value) if not isinstance(value, str) else repr(value)


class _Ctx:
    def __init__(self, path):
        self.path = path

    def fail(self, where, value, expected):
        raise SpecError(f"{self.path}: {where}: {_fmt(value)}: expected {expected}")


# --- parameter table -------------------------------------------------------------------------
# name -> (kind, tools, extra); kinds: str, path, int, float, bool, enum, rounds, topk, scalar
def _p(kind, tools, **extra):
    return dict(kind=kind, tools=tools, **extra)


PARAMS = {
    "tool": _p("enum", TOOLS, choices=TOOLS),
    "hw": _p("hw", ("vp", "llm")),
    "workload": _p("workload", ("vp", "golden")),
    "policy": _p("enum", TOOLS, choices=POLICIES),
    "rounds": _p("rounds", TOOLS),
    "alpha": _p("float", ("vp",), lo=-1.0, hi=1.0),
    "topk_fraction": _p("float", ("vp",), lo=0.0, hi=1.0, lo_open=True),
    "topk": _p("topk", ("golden", "llm")),
    "pq_threshold": _p("float", ("vp",), lo=0.0, hi=1.0),
    "pq_msb_bits": _p("int", ("vp",), lo=1, hi=15),
    "a3_iterations": _p("float", ("vp",), lo=0.0, hi=1.0, lo_open=True),
    "a3_threshold": _p("float", ("vp",), lo=0.0, hi=255.0),
    "layers": _p("int", ("vp", "golden"), lo=0),
    "seq_len": _p("int", ("vp", "golden"), lo=1, hi=65536),
    "timing": _p("enum", ("vp", "llm"), choices=("lt", "at")),
    "compare": _p("bool", ("vp",)),
    "check": _p("bool", ("vp", "llm")),
    "queue_depth": _p("int", ("vp",), lo=1, hi=64),
    "seed": _p("int", TOOLS, lo=0, hi=2**31 - 1),
    "model": _p("path", ("llm",)),
    "tokenizer": _p("path", ("llm",)),
    "mode": _p("enum", ("llm",), choices=("generation", "whole", "prefill")),
    "eval_texts": _p("int", ("llm",), lo=1, hi=64),
    "eval_length": _p("int", ("llm",), lo=2, hi=512),
    "generate": _p("bool", ("llm",)),
    "steps": _p("int", ("llm",), lo=1, hi=512),
    "prompt": _p("str", ("llm",)),
}
# What a point runs with when the spec does not say (always passed explicitly, so the hash covers it).
DEFAULTS = {
    "vp": {"hw": "energon-edge", "workload": "bert-base-512", "policy": "mpmrf", "layers": 1,
           "timing": "lt", "compare": False, "check": True},
    "golden": {"workload": "bert-base-512", "policy": "mpmrf", "layers": 1},
    "llm": {"hw": "energon-edge", "policy": "mpmrf", "timing": "lt", "mode": "whole", "eval_texts": 2,
            "eval_length": 128, "seed": 1, "generate": False, "check": True},
}


def is_set_key(key):
    return isinstance(key, str) and "." in key and key.split(".", 1)[0] in SET_SECTIONS


def _check_scalar(ctx, where, key, value, base_dir):
    """Validates one parameter value; returns it normalised (paths made absolute, rounds canonical)."""
    if is_set_key(key):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            ctx.fail(where, value, f"a number or string for the preset key '{key}'")
        if isinstance(value, str) and (not value or any(c.isspace() for c in value)):
            ctx.fail(where, value, "a non-empty value without spaces (e.g. 16 or 20ns)")
        if not re.match(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$", key):
            ctx.fail(where, key, "a preset key such as accelerator.fu_lanes")
        return value
    spec = PARAMS[key]
    kind = spec["kind"]
    if kind in ("int",):
        if isinstance(value, bool) or not isinstance(value, int):
            ctx.fail(where, value, f"an integer for '{key}'")
        lo, hi = spec.get("lo"), spec.get("hi")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            ctx.fail(where, value, f"'{key}' in {lo}..{hi if hi is not None else '∞'}")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            ctx.fail(where, value, f"a number for '{key}'")
        lo, hi = spec["lo"], spec["hi"]
        if value > hi or value < lo or (spec.get("lo_open") and value <= lo):
            ctx.fail(where, value, f"'{key}' in {'(' if spec.get('lo_open') else '['}{lo}, {hi}]")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            ctx.fail(where, value, f"true or false for '{key}'")
        return value
    if kind == "enum":
        if value not in spec["choices"]:
            ctx.fail(where, value, f"'{key}' one of {', '.join(spec['choices'])}")
        return value
    if kind == "str":
        if not isinstance(value, str) or not value:
            ctx.fail(where, value, f"a non-empty string for '{key}'")
        return value
    if kind in ("path", "hw", "workload"):
        if not isinstance(value, str) or not value:
            what = {"hw": "a preset name (energon-edge, energon-server) or a YAML file",
                    "workload": "a built-in workload name (e.g. bert-base-512) or a YAML file",
                    "path": "a file path"}[kind]
            ctx.fail(where, value, what)
        looks_like_file = kind == "path" or "/" in value or value.endswith((".yaml", ".yml"))
        if looks_like_file:
            p = os.path.expandvars(os.path.expanduser(value))
            if not os.path.isabs(p):
                p = os.path.normpath(os.path.join(base_dir, p))
            return p
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", value):
            ctx.fail(where, value, f"a name or a file path for '{key}'")
        return value
    if kind == "topk":
        if not isinstance(value, str) or not TOPK_RE.match(value):
            ctx.fail(where, value, "a top-k rule top=<k> or top=<p>%")
        return value
    if kind == "rounds":
        return canonical_rounds(ctx, where, value)
    raise AssertionError(kind)


def _num_text(x):
    """The shortest decimal text of a number (0.5, -0.25, 1), stable across runs."""
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return repr(float(x))


def canonical_rounds(ctx, where, value):
    """A rounds string ("4x2:alpha=0,4x4:alpha=0.5") checked against the filter's rules."""
    if not isinstance(value, str) or not value:
        ctx.fail(where, value, 'rounds as "<q>x<k>:alpha=<a>,..." or a list of rounds {bits|q,k, alpha|top}')
    parts = value.split(",")
    if len(parts) > MAX_ROUNDS:
        ctx.fail(where, value, f"at most {MAX_ROUNDS} rounds")
    out, last_k = [], 0
    for part in parts:
        m = ROUND_RE.match(part.strip())
        if not m:
            ctx.fail(where, value, "rounds <q_bits>x<k_bits>:alpha=<a> or :top=<k>|top=<p>%, comma separated "
                                   "(e.g. 4x2:alpha=0,4x4:alpha=0.5)")
        q, k = int(m.group(1)), int(m.group(2))
        if not (1 <= q <= 8 and 1 <= k <= 8):
            ctx.fail(where, value, "q_bits and k_bits in 1..8")
        if k < last_k:
            ctx.fail(where, value, "k_bits that do not decrease from one round to the next (K is fetched MSB plane first)")
        last_k = k
        if m.group(4) is not None:
            a = float(m.group(4))
            if not -1.0 <= a <= 1.0:
                ctx.fail(where, value, "alpha in [-1, 1]")
            rule = f"alpha={_num_text(a)}"
        else:
            t = m.group(7)
            if m.group(9) == "%":
                if not 0 < float(t) <= 100:
                    ctx.fail(where, value, "top=<p>% with p in (0, 100]")
                rule = f"top={_num_text(float(t))}%"
            else:
                if "." in t or int(t) < 1:
                    ctx.fail(where, value, "top=<k> with an integer k ≥ 1")
                rule = f"top={int(t)}"
        out.append(f"{q}x{k}:{rule}")
    return ",".join(out)


def _expand_rounds_template(ctx, where, template):
    """A list of rounds, each {bits: "4x2"|[..], alpha: a|[..]} (or q/k, or top), expanded to every
    combination: the product of the listed choices, one canonical rounds string each."""
    if not template or len(template) > MAX_ROUNDS:
        ctx.fail(where, template, f"1..{MAX_ROUNDS} rounds")
    per_round = []
    for i, r in enumerate(template):
        w = f"{where}[{i}]"
        if not isinstance(r, dict):
            ctx.fail(w, r, "a round {bits: QxK, alpha: a} (values may be lists)")
        unknown = set(r) - {"bits", "q", "k", "alpha", "top"}
        if unknown:
            ctx.fail(f"{w}.{sorted(unknown)[0]}", r[sorted(unknown)[0]], "a round key: bits (or q and k), alpha or top")
        as_list = lambda v: v if isinstance(v, list) else [v]  # noqa: E731
        if "bits" in r:
            if "q" in r or "k" in r:
                ctx.fail(w, r, "either bits or q and k, not both")
            bits = []
            for b in as_list(r["bits"]):
                m = re.match(r"^(\d+)x(\d+)$", str(b))
                if not m:
                    ctx.fail(f"{w}.bits", b, "bits as <q>x<k>, e.g. 4x2")
                bits.append((int(m.group(1)), int(m.group(2))))
        elif "q" in r and "k" in r:
            bits = [(q, k) for q in as_list(r["q"]) for k in as_list(r["k"])]
            for q, k in bits:
                if isinstance(q, bool) or isinstance(k, bool) or not isinstance(q, int) or not isinstance(k, int):
                    ctx.fail(w, r, "integer q and k bits")
        else:
            ctx.fail(w, r, "bits: QxK (or q: and k:)")
        if ("alpha" in r) == ("top" in r):
            ctx.fail(w, r, "exactly one of alpha or top")
        rules = []
        if "alpha" in r:
            for a in as_list(r["alpha"]):
                if isinstance(a, bool) or not isinstance(a, (int, float)):
                    ctx.fail(f"{w}.alpha", a, "a number in [-1, 1]")
                rules.append(f"alpha={_num_text(a)}")
        else:
            for t in as_list(r["top"]):
                if not isinstance(t, (str, int)) or isinstance(t, bool):
                    ctx.fail(f"{w}.top", t, "top as <k> or <p>%")
                rules.append(f"top={t}")
        if not bits or not rules:
            ctx.fail(w, r, "at least one bits and one alpha/top value")
        per_round.append([f"{q}x{k}:{rule}" for (q, k) in bits for rule in rules])
    return [canonical_rounds(ctx, where, ",".join(combo)) for combo in itertools.product(*per_round)]


def _axis_values(ctx, where, key, values, base_dir):
    if not isinstance(values, list) or not values:
        ctx.fail(where, values, f"a non-empty list of values for the axis '{key}'")
    out = []
    for i, v in enumerate(values):
        w = f"{where}[{i}]"
        if key == "rounds" and isinstance(v, list):
            out.extend(_expand_rounds_template(ctx, w, v))
        else:
            out.append(_check_scalar(ctx, w, key, v, base_dir))
    return out


def _flatten_params(ctx, where, mapping, allow_name=False):
    """A parameter mapping with `set: {k: v}` flattened to `accelerator.x: v` keys; checks key names."""
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        ctx.fail(where, mapping, "a mapping of parameters")
    out = {}
    for k, v in mapping.items():
        if k == "set":
            if not isinstance(v, dict):
                ctx.fail(f"{where}.set", v, "a mapping of preset keys (e.g. accelerator.fu_lanes: 16)")
            for sk, sv in v.items():
                if not is_set_key(sk):
                    ctx.fail(f"{where}.set", sk, f"a preset key starting with {', '.join(SET_SECTIONS)}")
                out[sk] = sv
            continue
        kk = k[4:] if isinstance(k, str) and k.startswith("set.") else k
        if kk == "name" and allow_name:
            out[kk] = v
            continue
        if not (kk in PARAMS or is_set_key(kk)):
            ctx.fail(f"{where}", k, "a parameter: " + ", ".join(sorted(PARAMS)) + ", set, or a preset key "
                     "such as accelerator.fu_lanes")
        out[kk] = v
    return out


def _check_base(ctx, where, base, base_dir):
    for k, v in base.items():
        if k == "rounds" and isinstance(v, list):
            ctx.fail(f"{where}.rounds", v, "a rounds string in base (templates belong in axes)")
        base[k] = _check_scalar(ctx, f"{where}.{k}", k, v, base_dir)
    return base


def _group_points(ctx, where, group, top_base, base_dir):
    base = dict(top_base)
    if where:
        base.update(_check_base(ctx, f"{where}base", _flatten_params(ctx, f"{where}base", group.get("base")), base_dir))
    axes_raw = group.get("axes") or {}
    if not isinstance(axes_raw, dict):
        ctx.fail(f"{where}axes", axes_raw, "a mapping axis → list of values")
    axes = []
    for k, v in _flatten_params(ctx, f"{where}axes", axes_raw).items():
        axes.append((k, _axis_values(ctx, f"{where}axes.{k}", k, v, base_dir)))
    explicit = group.get("points")
    if explicit is None:
        explicit = [{}]
    elif not isinstance(explicit, list) or not explicit:
        ctx.fail(f"{where}points", explicit, "a non-empty list of point mappings")
    out = []
    for i, pt in enumerate(explicit):
        pw = f"{where}points[{i}]"
        pt = _flatten_params(ctx, pw, pt, allow_name=True)
        for k, v in list(pt.items()):
            if k == "name":
                if not isinstance(v, str) or not NAME_RE.match(v) or len(v) > 120:
                    ctx.fail(f"{pw}.name", v, "a point name of letters, digits and . _ + = - (at most 120)")
            elif k == "rounds" and isinstance(v, list):
                ctx.fail(f"{pw}.rounds", v, "a rounds string in an explicit point (templates belong in axes)")
            else:
                pt[k] = _check_scalar(ctx, f"{pw}.{k}", k, v, base_dir)
        combos = itertools.product(*[vals for _, vals in axes]) if axes else [()]
        for combo in combos:
            params = dict(base)
            params.update(pt)
            for (k, _), v in zip(axes, combo):
                params[k] = v
            where_pt = pw if group.get("points") is not None else f"{where}axes"
            name_keys = [k for k, _ in axes] + [k for k in pt if k != "name" and k not in dict(axes)]
            out.append((where_pt, params, name_keys, group.get("label")))
    return out


def _resolve_point(ctx, where, params, base_dir):
    """Checks a point's parameters against its tool, fills the tool's defaults."""
    params = dict(params)
    name = params.pop("name", None)
    for k, v in list(params.items()):
        if k == "rounds" and isinstance(v, list):
            ctx.fail(f"{where}.rounds", v, "a rounds string in base (templates belong in axes)")
        params[k] = _check_scalar(ctx, f"{where}.{k}", k, v, base_dir)
    tool = params.get("tool", "vp")
    params["tool"] = tool
    for k in params:
        tools = PARAMS[k]["tools"] if k in PARAMS else ("vp",)
        if tool not in tools:
            ctx.fail(f"{where}.{k}", params[k], f"a parameter of tool {tool}: '{k}' applies to "
                     f"{', '.join(tools)} (known for {tool}: "
                     + ", ".join(sorted(p for p, s in PARAMS.items() if tool in s["tools"]))
                     + (", preset keys" if tool == "vp" else "") + ")")
    for k, v in DEFAULTS[tool].items():
        params.setdefault(k, v)
    pol = params.get("policy")
    if "rounds" in params and pol != "mpmrf":
        ctx.fail(f"{where}.rounds", params["rounds"], f"no rounds with policy {pol} (rounds are mpmrf's)")
    if "alpha" in params and pol != "mpmrf":
        ctx.fail(f"{where}.alpha", params["alpha"], f"no alpha with policy {pol}")
    if ("topk" in params or "topk_fraction" in params) and pol not in ("topk", "spatten"):
        k = "topk" if "topk" in params else "topk_fraction"
        ctx.fail(f"{where}.{k}", params[k], f"no top-k rule with policy {pol} (topk's and spatten's)")
    for k in ("pq_threshold", "pq_msb_bits"):
        if k in params and pol != "spatten":
            ctx.fail(f"{where}.{k}", params[k], f"no {k} with policy {pol} (spatten's progressive quantization)")
    for k in ("a3_iterations", "a3_threshold"):
        if k in params and pol != "a3":
            ctx.fail(f"{where}.{k}", params[k], f"no {k} with policy {pol} (a3's candidate search)")
    if tool == "llm" and "model" not in params:
        ctx.fail(where, "(no model)", "a 'model' file for tool llm (the real-model mode)")
    return name, params


def _sanitize(text):
    text = str(text).replace(":", "-").replace(",", "+").replace("/", "_").replace("%", "pct")
    return re.sub(r"[^A-Za-z0-9._+=-]", "_", text)


SELF_NAMED = ("tool", "hw", "workload", "policy", "rounds", "topk")


def _auto_name(params, keys, label=None):
    parts = [_sanitize(label)] if label else []
    for k in keys:
        v = params.get(k)
        if v is None:
            continue
        if k in ("hw", "workload", "model", "tokenizer") and isinstance(v, str) and os.sep in v:
            v = os.path.splitext(os.path.basename(v))[0]
        parts.append(_sanitize(v) if k in SELF_NAMED else f"{_sanitize(k)}={_sanitize(v)}")
    name = "_".join(parts) or "point"
    if len(name) > 120:
        name = name[:100] + "-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return name


class Point:
    def __init__(self, name, params, where):
        self.name, self.params, self.where = name, params, where
        self.hash = None

    def to_json(self):
        return {"name": self.name, "hash": self.hash, "params": self.params}


def load(path, overrides=()):
    """Reads, validates and expands a spec. overrides: ["key=value", ...] applied to every point
    (after the spec's own values). Returns a dict: name, description, points (list of Point),
    collect, plots, questions, spec_path."""
    ctx = _Ctx(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(4 * 1024 * 1024 + 1)
    except OSError as e:
        raise SpecError(f"{path}: cannot read the sweep spec: {e.strerror}")
    if len(text) > 4 * 1024 * 1024:
        raise SpecError(f"{path}: larger than 4 MiB: not a sweep spec")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise SpecError(f"{path}: {where}not valid YAML: {getattr(e, 'problem', None) or e}")
    if not isinstance(doc, dict):
        raise SpecError(f"{path}: top level: {_fmt(type(doc).__name__)}: expected a mapping with 'sweep' and 'axes', "
                        "'points' or 'groups' (docs/sweeps.md)")
    for k in doc:
        if k not in TOP_KEYS:
            ctx.fail(str(k), doc[k], "a top-level key: " + ", ".join(TOP_KEYS))
    name = doc.get("sweep")
    if not isinstance(name, str) or not NAME_RE.match(name):
        ctx.fail("sweep", name, "a sweep name of letters, digits and . _ + = -")
    base_dir = os.path.dirname(os.path.abspath(path))
    top_base = _check_base(ctx, "base", _flatten_params(ctx, "base", doc.get("base")), base_dir)
    for k, v in _parse_overrides(ctx, overrides).items():
        top_base[k] = _check_scalar(ctx, f"-D {k}", k, v, os.getcwd())
    override_keys = set(_parse_overrides(ctx, overrides))
    if "groups" in doc:
        if "axes" in doc or "points" in doc:
            ctx.fail("groups", "...", "either groups or top-level axes/points, not both")
        groups = doc["groups"]
        if not isinstance(groups, list) or not groups:
            ctx.fail("groups", groups, "a non-empty list of groups {label, base, axes, points}")
        raw = []
        for i, g in enumerate(groups):
            if not isinstance(g, dict):
                ctx.fail(f"groups[{i}]", g, "a mapping with base, axes and/or points")
            for k in g:
                if k not in GROUP_KEYS:
                    ctx.fail(f"groups[{i}].{k}", g[k], "a group key: " + ", ".join(GROUP_KEYS))
            if "label" in g and (not isinstance(g["label"], str) or not NAME_RE.match(g["label"])):
                ctx.fail(f"groups[{i}].label", g["label"], "a label of letters, digits and . _ + = - (prefixes point names)")
            raw.extend(_group_points(ctx, f"groups[{i}].", g, top_base, base_dir))
    else:
        if "axes" not in doc and "points" not in doc:
            ctx.fail("sweep", name, "axes, points or groups saying which points to run")
        raw = _group_points(ctx, "", doc, top_base, base_dir)
    # overrides win over group/axis values too
    resolved = []
    for where, params, name_keys, label in raw:
        for k in override_keys:
            params[k] = top_base[k]
        pname, params = _resolve_point(ctx, where, params, base_dir)
        resolved.append((where, pname, params, name_keys, label))
    # default names: the group's label, then the point's own axis values (and explicit keys)
    order = []
    for _, _, _, keys, _ in resolved:
        for k in keys:
            if k not in order:
                order.append(k)
    all_keys = sorted({k for _, _, p, _, _ in resolved for k in p})
    template = doc.get("name")
    if template is not None and not isinstance(template, str):
        ctx.fail("name", template, "a point-name template such as '{hw}-{policy}-{rounds}'")
    points, seen, seen_params = [], {}, {}
    for where, pname, params, name_keys, label in resolved:
        if pname is None and template:
            try:
                pname = _sanitize(template.format(**{k: params.get(k, "") for k in all_keys + list(params)}))
            except (KeyError, IndexError, ValueError) as e:
                ctx.fail("name", template, f"a template naming parameters in braces ({e})")
        if pname is None:
            pname = _auto_name(params, name_keys, label)
        key = json.dumps(params, sort_keys=True)
        if key in seen_params:
            ctx.fail(where, pname, f"distinct points; the same parameters as point '{seen_params[key]}'")
        if pname in seen:
            ctx.fail(where, pname, f"a unique point name (also {seen[pname]}); give the groups a 'label', the "
                     "points a 'name', or the sweep a 'name' template")
        seen[pname], seen_params[key] = where, pname
        points.append(Point(pname, params, where))
    if len(points) > 100000:
        ctx.fail("sweep", len(points), "at most 100000 points")
    from . import collect as _collect  # figures/plots/questions are validated against the figure table
    collect = _collect.check_collect(ctx, doc.get("collect"), {p.params["tool"] for p in points})
    plots = _collect.check_plots(ctx, doc.get("plots"), points, collect)
    questions = _collect.check_questions(ctx, doc.get("questions"), points, collect)
    return {"name": name, "description": doc.get("description", ""), "points": points, "collect": collect,
            "plots": plots, "questions": questions, "spec_path": os.path.abspath(path),
            "overrides": list(overrides), "param_order": order}


def _parse_overrides(ctx, overrides):
    out = {}
    for o in overrides:
        if "=" not in o:
            raise SpecError(f"-D '{o}': expected KEY=VALUE (e.g. -D layers=2)")
        k, v = o.split("=", 1)
        k = k[4:] if k.startswith("set.") else k
        if not (k in PARAMS or is_set_key(k)):
            raise SpecError(f"-D '{o}': unknown parameter '{k}' (expected one of {', '.join(sorted(PARAMS))} "
                            "or a preset key such as accelerator.fu_lanes)")
        try:
            val = yaml.safe_load(v) if v != "" else v
        except yaml.YAMLError:
            val = v
        if k in ("hw", "workload", "model", "tokenizer", "rounds", "topk", "prompt") and not isinstance(val, str):
            val = v
        if k in ("model", "tokenizer") or (k in ("hw", "workload") and ("/" in v or v.endswith((".yaml", ".yml")))):
            val = os.path.abspath(os.path.expanduser(v))  # relative to where the command runs
        out[k] = val
    return out
