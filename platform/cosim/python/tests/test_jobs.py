"""Jobs from NumPy through the server: bit-exact against the golden model, errors like hardware,
deterministic cycles, and the same accelerator cycles as the built-in host program."""
import json
import os
import subprocess
import tempfile

import numpy as np
import pytest

from conftest import binary, layer, reference
from energon_vp import Client, packing


@pytest.mark.parametrize("policy", ["dense", "topk", "mpmrf", "spatten", "a3"])
def test_causal_gqa_job_bit_exact(vp, policy):
    q, k, v = layer(heads=4, kv_heads=2, n=48, d=64, seed=5)
    out, r = vp.run_attention(q, k, v, policy=policy, causal=True)
    ref = reference(q, k, v, policy, causal=True)
    assert r["done"] and r["error_name"] == "NONE"
    assert r["out_int16"].tobytes() == ref["golden"]
    assert r["allowed"] == 4 * sum(i + 1 for i in range(48))  # causal: query i sees keys 0..i
    assert r["counters"]["kept_final"] == r["final_kept"] > 0
    assert r["cycles"] > 0 and r["counters"]["busy_attn"] > 0
    # the float output is the INT16 output in V's scale (kv head of each query head)
    assert np.allclose(out[3], r["out_int16"][3] * r["scales"]["v"][1])


@pytest.mark.parametrize("policy", ["dense", "spatten", "a3"])
def test_pruned_job_bit_exact_with_its_importance_table(vp, policy):
    q, k, v = layer(heads=4, kv_heads=2, n=48, d=64, seed=9)
    heads, tokens = [0, 0, 1, 0], [int(j % 5 == 2) for j in range(48)]
    out, r = vp.run_attention(q, k, v, policy=policy, causal=True, pruned_heads=heads, pruned_tokens=tokens,
                              importance=True)
    ref = reference(q, k, v, policy, causal=True, pruned_heads=heads, pruned_tokens=tokens)
    assert r["done"] and r["error_name"] == "NONE"
    assert r["out_int16"].tobytes() == ref["golden"]
    table = np.concatenate([r["importance"]["tokens"], r["importance"]["heads"]]).astype("<u8").tobytes()
    assert table == ref["importance"]
    assert (r["out_int16"][2] == 0).all() and r["importance"]["heads"][2] == 0
    assert all(r["importance"]["tokens"][j] == 0 for j in range(48) if tokens[j])
    # query i (not pruned) sees the keys 0..i that are not pruned, in the three live heads
    assert r["allowed"] == 3 * sum(sum(1 for j in range(i + 1) if not tokens[j]) for i in range(48) if not tokens[i])


def test_prune_mask_is_checked():
    with pytest.raises(ValueError, match=r"pruned_tokens: expected 9 entries"):
        packing.prune_mask(2, 9, None, [0] * 8)
    with pytest.raises(ValueError, match=r"pruned_heads\[1\]: expected 0 or 1, got 2"):
        packing.prune_mask(2, 9, [0, 2], None)
    assert packing.prune_mask(2, 9, [0, 1], [1] + [0] * 7 + [1]) == bytes([2, 0, 0, 0, 0, 0, 0, 0, 1, 1])


def test_bad_descriptor_sets_error_and_interrupt_next_job_fine(vp):
    q, k, v = layer(seed=7)
    _, bad = vp.run_attention(q, k, v, overrides={"magic": 0x12345678})
    assert bad["done"] and bad["error_name"] == "BAD_MAGIC"
    assert bad["irq_causes"] & 0x2  # ERROR cause, with DONE
    assert (bad["status_register"] >> 8) & 0xFF == 1
    _, misaligned = vp.run_attention(q, k, v, overrides={"q_addr": 0x100004})
    assert misaligned["error_name"] == "MISALIGNED"
    _, off_map = vp.run_attention(q, k, v, overrides={"v_addr": 0x1_0000_0000_0000})
    assert off_map["error_name"] == "ADDRESS"
    _, over = vp.run_attention(q, k, v, overrides={"out_addr": vp.ring()["base"]})  # onto the ring
    assert over["error_name"] == "OVERLAP" and over["irq_causes"] & 0x2
    _, reserved = vp.run_attention(q, k, v, overrides={"flags": 0x80})
    assert reserved["error_name"] == "RESERVED"
    bad_scales = vp.alloc(64)
    vp.mem_write(bad_scales, np.array([0.01, np.nan, 0.01, 0.01, 0.01, 0.01], dtype=np.float32))
    _, scale = vp.run_attention(q, k, v, overrides={"scale_addr": bad_scales})
    assert scale["error_name"] == "SCALE" and scale["irq_causes"] & 0x2
    _, good = vp.run_attention(q, k, v, policy="mpmrf")
    assert good["error_name"] == "NONE"
    assert good["out_int16"].tobytes() == reference(q, k, v, "mpmrf")["golden"]


def program(vp_bin):
    """A small fixed client program; returns what it observed."""
    q, k, v = layer(seed=11)
    with Client.launch(vp=vp_bin) as vp:
        seen = []
        for policy in ("dense", "mpmrf"):
            _, r = vp.run_attention(q, k, v, policy=policy)
            seen.append((r["cycles"], r["final_kept"]))
        seen.append(vp.advance(12345))
        seen.append(vp.wait_irq(1_000_000))  # nothing pending after the W1C: a timeout
        seen.append(vp.time_ps())
    return seen


def test_same_client_program_gives_same_cycles(vp_bin):
    first, second = program(vp_bin), program(vp_bin)
    assert first == second
    assert first[3] is False and first[4] == first[2] + 1_000_000


def builtin_cycles(vp_bin, policy):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        subprocess.run([vp_bin, "--workload", "bert-base-128", "--seq-len", "64", "--layers", "2", "--policy", policy,
                        "--no-compare", "--queue-depth", "1", "--quiet", "--json", report], check=True,
                       env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"), stdout=subprocess.DEVNULL)
        return json.load(open(report))[policy]["latency"]["accelerator_cycles"]["value"]


@pytest.mark.parametrize("policy", ["dense", "topk", "mpmrf", "spatten", "a3"])
def test_c_client_same_accelerator_cycles_as_builtin_host(vp_bin, policy):
    client = binary("ENERGON_FW_CLIENT")
    with tempfile.TemporaryDirectory() as tmp:
        address = "unix:" + os.path.join(tmp, "vp.sock")
        server = subprocess.Popen([vp_bin, "--serve", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
        assert "listening on" in server.stdout.readline()
        run = subprocess.run([client, "--connect", address, "--workload", "bert-base-128", "--seq-len", "64",
                              "--layers", "2", "--policy", policy, "--topk", "top=25%"],
                             capture_output=True, text=True, timeout=300)
        assert server.wait(timeout=60) == 0
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [l for l in run.stdout.splitlines() if l.startswith("layer ")]
    assert len(lines) == 2 and all("bit-exact vs golden: PASS" in l for l in lines)
    cycles = sum(int(l.split("cycles ")[1].split(",")[0]) for l in lines)
    assert cycles == builtin_cycles(vp_bin, policy)


def test_log_names_the_failing_descriptor(vp_bin, tmp_path):
    log = tmp_path / "vp.log"
    q, k, v = layer(seed=9)
    with Client.launch(vp=vp_bin, extra_args=("--log-level", "debug", "--log", str(log))) as vp:
        vp.run_attention(q, k, v, overrides={"d": 12})  # not a multiple of 8
        vp.run_attention(q, k, v)
    text = log.read_text()
    assert "descriptor 0: magic ok, heads 4/2, n_q 48, n_k 48, valid_len 48, d 12, mpmrf" in text
    assert "job 0 failed: ERR_HEAD_DIM (Unsupported head dimension d (8..256, multiple of 8))" in text
    assert "controller [info]" in text and "job 1 done in" in text
    assert "write QUEUE_TAIL = 0x00000001 (1)" in text and "read  IRQ_STATUS = 0x00000003 (DONE ERROR)" in text
