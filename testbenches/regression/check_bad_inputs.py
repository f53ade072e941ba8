#!/usr/bin/python3
"""Bad input never crashes, hangs or is silently accepted: each case below exits 2 (bad input) with a
message naming the option, file or key, within a time bound. Usage: check_bad_inputs.py ENERGON_VP ENERGON_TRACE DIR"""
import os
import subprocess
import sys

vp, trace, work = sys.argv[1], sys.argv[2], sys.argv[3]
llm_eval = os.path.join(os.path.dirname(os.path.abspath(vp)), "energon-llm-eval")
golden = os.path.join(os.path.dirname(os.path.abspath(vp)), "energon-golden")
models = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "models")
tok = os.path.join(models, "tok512.bin")
os.makedirs(work, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


lpddr4 = open(os.path.join(root, "modules", "dram", "presets", "lpddr4-4266.yaml")).read()
bl0 = write("bl0.yaml", lpddr4.replace("burst_length: 16", "burst_length: 0"))
hw_bl0 = write("hw_bl0.yaml", f"accelerator: {{preset: energon-edge}}\ndram: {bl0}\n")
bert = open(os.path.join(root, "workloads", "models", "bert-base-128.yaml")).read()
heads = write("heads.yaml", bert.replace("heads: 12\nkv_heads: 12", "heads: 65537\nkv_heads: 65537"))
big = write("big.yaml", "# " + "x" * (17 << 20) + "\n")
empty_trace = write("empty.trace", "# nothing\n")
small = ["--workload", "bert-base-128", "--seq-len", "32"]
import numpy as np  # noqa: E402  (Debian's python3-numpy)
q = np.ones((1, 8, 8), np.float32)
q[0, 1, 2] = np.inf
np.save(os.path.join(work, "q.npy"), q)
np.save(os.path.join(work, "kv.npy"), np.ones((1, 8, 8), np.float32))
npy_workload = write("npy.yaml", "name: m\nlayers: 1\nheads: 1\nkv_heads: 1\nd: 8\nseq_len: 8\ndata:\n  source: npy\n"
                                 "  files:\n    - {q: q.npy, k: kv.npy, v: kv.npy}\n")

cases = [
    ([vp, "--hw", hw_bl0, *small], "burst_length"),
    ([vp, "--layers", "-1"], "--layers '-1': expected a whole number >= 0"),
    ([vp, "--seq-len=-1"], "--seq-len '-1': expected a whole number >= 0"),
    ([vp, "-n", "-5"], "-n '-5': expected a whole number >= 0"),
    ([vp, "--queue-depth", "0", *small], "--queue-depth 0: expected 1..4095"),
    ([vp, "--layers", "999", *small], "--layers 999: workload bert-base-128 has 12 layers"),
    ([vp, "--workload", "/dev/zero"], "/dev/zero: workload file: not a regular file"),
    ([vp, "--workload", work], "is a folder, expected a workload YAML file"),
    ([vp, "--hw", "/dev/zero"], "/dev/zero: hardware configuration file: not a regular file"),
    ([vp, "--workload", big], "larger than the 16777216-byte limit"),
    ([vp, "--workload", heads], "must be at most 65535"),
    ([vp, "--rounds", "9x9:alpha=0", *small], "--rounds '9x9:alpha=0'"),
    ([trace, work], "not a regular file"),
    ([vp, "--workload", npy_workload, "--quiet"], "q.npy: element 10 is infinite; tensors must be finite"),
    ([vp, "--model", "x.bin", "--steps", "-1"], "--steps '-1': expected a whole number >= 0"),
    ([vp, "--hw", write("clk.yaml", "accelerator: {preset: energon-edge, clock_mhz: 1e-12}\ndram: lpddr4-4266\n")],
     "clock_mhz (1e-12) must be in 1..100000 MHz"),
    ([vp, "--hw", write("inf.yaml", "accelerator: {preset: energon-edge}\ndram: lpddr4-4266\nhost: {irq_entry_ns: .inf}\n")],
     "host.irq_entry_ns: must be a finite number of ns"),
    ([vp, "--hw", write("hw_ch.yaml", f"accelerator: {{preset: energon-edge}}\ndram: {write('ch.yaml', lpddr4.replace('channels: 2', 'channels: 4294967297'))}\n")],
     "organization.channels"),
    ([vp, "--hw", write("hw_sz.yaml", f"accelerator: {{preset: energon-edge}}\ndram: {write('sz.yaml', lpddr4.replace('organization:', 'size_bytes: 1e30' + chr(10) + 'organization:'))}\n")],
     "size_bytes"),
    ([trace, empty_trace], "no commands"),
    ([vp, "--topk-fraction", "0.0000001", *small], "--topk-fraction '0.0000001': finer than 1 ppm"),
    ([vp, "--topk-fraction", "1.5", *small], "--topk-fraction '1.5': above 1"),
    ([vp, "--topk-fraction", "nan", *small], "--topk-fraction 'nan': expected a decimal number"),
    ([vp, "--rounds", "4x4:top=10.00001%", *small], "finer than 1 ppm"),
    ([vp, "--rounds", "4x4:top=0%", *small], "must be above 0"),
    # Model and tokenizer files: the kind of file is checked before a byte is read.
    ([vp, "--model", "/dev/zero", "--tokenizer", tok, "--prompt", "a"], "/dev/zero: not a regular file"),
    ([vp, "--model", work, "--tokenizer", tok, "--prompt", "a"], "is a folder, expected a model"),
    ([vp, "--model", write("empty.gguf", ""), "--tokenizer", tok, "--prompt", "a"], "truncated"),
    ([llm_eval, "--model", work, "--tokenizer", tok], "is a folder"),
    ([llm_eval, "--texts", "-1"], "--texts"),
    ([golden, "--layers", "-1"], "--layers '-1': expected a whole number >= 0"),
    ([golden, "--layers", "999", "--workload", "bert-base-128"], "--layers 999: workload bert-base-128 has 12 layers"),
    ([golden, "--workload", "/dev/zero"], "/dev/zero: workload file: not a regular file"),
    ([golden, "--rounds", "9x9:alpha=0"], "--rounds"),
    # Output files are checked before the run.
    ([vp, *small, "--json", work], "--json '" + work + "': is a folder, expected a file to write"),
    ([vp, *small, "--vcd", work], "--vcd '" + work + "': is a folder"),
    ([vp, *small, "--timeline", os.path.join(work, "no-dir", "t.json")], "no-dir does not exist"),
    ([vp, "--workload", write("npyzero.yaml", "name: m\nlayers: 1\nheads: 1\nkv_heads: 1\nd: 8\nseq_len: 8\ndata:\n"
                                              "  source: npy\n  files:\n    - {q: /dev/zero, k: /dev/zero, v: /dev/zero}\n")],
     "'/dev/zero' is not a regular file, expected an .npy file"),
    # Lists or mappings where a single value or a plain key is expected: the file's name, not yaml-cpp's.
    ([vp, "--hw", write("listkey.yaml", "[a]: 1\naccelerator: {preset: energon-edge}\ndram: lpddr4-4266\n"), *small],
     "listkey.yaml:1: a key under the top level: expected a single value, got a list"),
    ([vp, "--hw", write("listname.yaml", "name: [a]\naccelerator: {preset: energon-edge}\ndram: lpddr4-4266\n"), *small],
     "listname.yaml:1: name: expected a single value, got a list"),
    ([vp, "--hw", write("hostkey.yaml", "accelerator: {preset: energon-edge}\ndram: lpddr4-4266\nhost: {{a: 1}: 2}\n"), *small],
     "a key under host: expected a single value, got a mapping"),
    # Memory: estimated before anything is allocated, host memory and the preset's shared DRAM.
    ([vp, "--workload", write("huge.yaml", "name: huge\nlayers: 1\nheads: 4096\nkv_heads: 4096\nd: 256\nseq_len: 65536\n")],
     "needs about 2.25 TiB of host memory"),
    ([vp, *small, "--max-memory", "1MiB"], "more than --max-memory 1.00 MiB"),
    ([vp, *small, "--max-memory", "12x"], "--max-memory '12x': expected a size"),
    ([vp, *small, "--max-memory", "0"], "--max-memory '0': expected a size above 0"),
    ([vp, "--workload", write("dram.yaml", "name: big\nlayers: 1\nheads: 64\nkv_heads: 64\nd: 256\nseq_len: 32768\n"),
      "--no-check", "--max-memory", "1TiB"], "need 4.00 GiB of shared DRAM"),
]
# A bad tokenizer beside a good model (the model files of ../shared; skipped where a clone has none).
if os.path.isfile(os.path.join(models, "stories260K.bin")):
    cases += [([vp, "--model", os.path.join(models, "stories260K.bin"), "--tokenizer", "/dev/zero", "--prompt", "a"],
               "/dev/zero: not a regular file"),
              ([vp, "--model", os.path.join(models, "stories260K.bin"), "--tokenizer", work, "--prompt", "a"],
               "is a folder, expected a model or tokenizer file")]
else:
    print("check_bad_inputs: ../shared/models absent: the two bad-tokenizer cases are skipped")
failed = 0
for args, expect in cases:
    try:
        r = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"FAIL (hung): {' '.join(args)}")
        failed += 1
        continue
    out = r.stdout + r.stderr
    if r.returncode not in (1, 2) or expect not in out or (args[0] in (vp, llm_eval, golden) and r.returncode != 2):
        print(f"FAIL: {' '.join(args)}: exit {r.returncode}, expected 2 and '{expect}' in:\n{out[-800:]}")
        failed += 1

# An energy table that cannot be loaded is bad input too, not a report footnote.
r = subprocess.run([vp, *small, "--layers", "1"], capture_output=True, text=True,
                   env=dict(env, ENERGON_ENERGY_TABLES_DIR=os.path.join(work, "no-tables")), timeout=120)
if r.returncode != 2 or "energy table" not in r.stderr:
    print(f"FAIL: missing energy table: exit {r.returncode}: {r.stderr[-400:]}")
    failed += 1
# Commands that only print show no SystemC banner.
plain = {k: v for k, v in env.items() if k != "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE"}
for flag in ("--help", "--list"):
    r = subprocess.run([vp, flag], capture_output=True, text=True, env=plain, timeout=60)
    if r.returncode != 0 or "Copyright" in r.stdout + r.stderr:
        print(f"FAIL: {flag} printed the SystemC banner or failed ({r.returncode})")
        failed += 1
n = len(cases) + 3
print(f"check_bad_inputs: {n - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
