#!/usr/bin/python3
"""Every key of the resolved configuration refuses every kind of bad value.

Takes energon-vp's --dump-config (hardware: accelerator, DRAM, host; workload), and for every scalar
key writes a copy with one bad value in its place: a word, a list, a map, NaN, ±infinity, a negative
number, a huge number, a number past 2^32, an empty value. Each copy is run (--hw FILE --workload
FILE) and must exit 2 with a message naming the file and the key, within a time bound; nothing is
clamped, wrapped or accepted silently. The address mapping is checked with bad fields and widths.
Every figure of the energy table gets the same bad values. Prints how many bad inputs it tried per
section. Usage: check_config_keys.py ENERGON_VP DIR
"""
import concurrent.futures
import os
import re
import subprocess
import sys

vp, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
base_args = ["--workload", "bert-base-128", "--seq-len", "32"]
run_args = ["--layers", "1", "--no-compare", "--no-check", "--quiet"]

dump = subprocess.run([vp, *base_args, "--dump-config"], capture_output=True, text=True, env=env, check=True).stdout
lines = dump.splitlines()

NUMBER_BAD = ["abc", "[1, 2]", "{a: 1}", ".nan", ".inf", "-.inf", "-1", "1e30", "4294967297", ""]
BOOL_BAD = ["abc", "[true]", "{a: 1}", "2", ""]
WORD_BAD = ["no-such-value", "[a]", "{a: 1}", ""]
# Keys whose value is free text (names, citations): any string, but not a list or a mapping.
FREE_TEXT = {"name", "description", "source"}
# Keys that are a choice among words (checked with a word that is not one of them).
WORDS = {"timing", "data.source"}
# Values that are good for one key: the seed is 64-bit.
GOOD = {("data.seed", "4294967297")}
# Sections of the dump that the run reads back from the file (run: is the command line's).
SECTIONS = ("hardware", "workload")


def key_paths():
    """(line index, dotted key, section, value) for every scalar leaf under the read-back sections."""
    stack, out = [], []
    for i, line in enumerate(lines):
        m = re.match(r"^( *)([A-Za-z_][A-Za-z0-9_]*): ?(.*)$", line)
        if not m:
            continue
        indent, key, value = len(m.group(1)) // 2, m.group(2), m.group(3)
        stack = stack[:indent] + [key]
        if not value or stack[0] not in SECTIONS:
            continue
        out.append((i, ".".join(stack[1:]), stack[0], value))
    return out


def bad_values(path, value):
    leaf = path.split(".")[-1]
    if leaf in FREE_TEXT and path != "data.source":
        return ["[a, b]", "{a: 1}"]  # any text, but one text
    if path in WORDS or path.endswith(".timing") and not re.match(r"^-?[0-9.]", value):
        return WORD_BAD
    if value in ("true", "false"):
        return BOOL_BAD
    return NUMBER_BAD


cases = []  # (section, description, file, expected key text)
for i, path, section, value in key_paths():
    for bad in bad_values(path, value):
        if (path, bad) in GOOD:
            continue
        mutated = list(lines)
        mutated[i] = re.sub(r": ?.*$", ": " + bad if bad else ":", lines[i], count=1)
        name = f"{section}.{path}={bad or 'empty'}"
        cases.append((section, name, mutated, path.split(".")[-1]))

# The address mapping: fields and widths that do not exist or do not fit.
amap = [i for i, l in enumerate(lines) if l.strip().startswith("- row:")]
for bad in ["row:99", "bogus:3", "row:-1", "row:abc", "row:", "[1]", "{row: 15}", "row:4294967297", "row:15.5"]:
    mutated = list(lines)
    mutated[amap[0]] = re.sub(r"- .*$", "- " + bad, lines[amap[0]])
    cases.append(("hardware", f"address_mapping={bad}", mutated, "address_mapping"))

# The energy table (looked up by name in its folder): every figure's value.
table = os.path.join(os.path.dirname(os.path.abspath(vp)), "..", "share", "energon-vp", "energy", "energon-45nm.yaml")
table_lines = open(table).read().splitlines()
parents = []
for i, line in enumerate(table_lines):
    m = re.match(r"^( *)([A-Za-z_][A-Za-z0-9_]*):(.*)$", line)
    if not m:
        continue
    indent = len(m.group(1)) // 2
    parents = parents[:indent] + [m.group(2)]
    if m.group(2) == "value" and indent > 0:
        for bad in NUMBER_BAD:
            mutated = list(table_lines)
            mutated[i] = re.sub(r": ?.*$", ": " + bad if bad else ":", line, count=1)
            cases.append(("energy", f"energy.{'.'.join(parents[:-1])}={bad or 'empty'}", mutated, parents[-2]))


def run(case):
    section, name, mutated, key = case
    stem = re.sub(r"[^A-Za-z0-9_.=-]", "_", name)
    run_env, args = env, [vp, *base_args, *run_args]
    if section == "energy":
        folder = os.path.join(work, stem)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "energon-45nm.yaml")
        run_env = dict(env, ENERGON_ENERGY_TABLES_DIR=folder)
    else:
        path = os.path.join(work, stem + ".yaml")
        args = [vp, "--hw", path, "--workload", path, *run_args]
    with open(path, "w") as f:
        f.write("\n".join(mutated) + "\n")
    try:
        r = subprocess.run(args, capture_output=True, text=True, env=run_env, timeout=60)
    except subprocess.TimeoutExpired:
        return f"FAIL (hung): {name}"
    msg = r.stdout + r.stderr
    if r.returncode != 2:
        return f"FAIL: {name}: exit {r.returncode}, expected 2 (bad input):\n{msg[-600:]}"
    if path not in msg or key not in msg:
        return f"FAIL: {name}: the message does not name the file and the key '{key}':\n{msg[-600:]}"
    return None


with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    results = list(pool.map(run, cases))
failures = [r for r in results if r]
for f in failures:
    print(f)
per_section = {}
for section, *_ in cases:
    per_section[section] = per_section.get(section, 0) + 1
print("check_config_keys: " + ", ".join(f"{s} {n} bad values" for s, n in per_section.items()) +
      f"; {len(cases) - len(failures)} refused correctly, {len(failures)} failed")
sys.exit(1 if failures else 0)
