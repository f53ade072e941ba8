"""The Python packing is the C firmware's, byte for byte; the protocol constants are the C header's."""
import os
import re

import numpy as np
import pytest

from conftest import layer, reference
from energon_vp import packing, protocol, regmap

HEADER = os.path.join(os.path.dirname(__file__), "..", "..", "include", "energon", "cosim", "energon_cosim_protocol.h")


@pytest.mark.parametrize("policy", ["dense", "topk", "mpmrf", "spatten", "a3"])
def test_python_packing_equals_c_packing(policy):
    q, k, v = layer(heads=4, kv_heads=2, n=40, d=64, seed=3)
    k[0, 5, :] = 0.0  # a zero row, and extreme values that saturate
    q[1, 2, 3] = 1e30
    ref = reference(q, k, v, policy, causal=True)
    qi, qs = packing.quantize_heads(q)
    ki, ks = packing.quantize_heads(k)
    vi, vs = packing.quantize_heads(v)
    assert qi.tobytes() == ref["q"] and ki.tobytes() == ref["k"] and vi.tobytes() == ref["v"]
    assert qs.tobytes() == ref["q_scales"] and ks.tobytes() == ref["k_scales"] and vs.tobytes() == ref["v_scales"]
    code = {"dense": regmap.POLICY_DENSE, "topk": regmap.POLICY_TOPK, "mpmrf": regmap.POLICY_MPMRF,
            "spatten": regmap.POLICY_SPATTEN, "a3": regmap.POLICY_A3}[policy]
    rounds = {"mpmrf": packing.ENERGON_ROUNDS, "spatten": [packing.progressive_rule(8, 0.1)],
              "a3": [packing.search_rule(0.5, 8)]}.get(policy, [])
    bits = packing.planes_for_rounds(code, rounds)
    planes = packing.pack_k_planes(ki, bits)
    assert [p for p in planes] == [ref[f"plane{i}"] for i in range(len(bits))]
    fields = {"magic": regmap.DESC_MAGIC, "heads": 4, "kv_heads": 2, "n_q": 40, "n_k": 40, "valid_len": 40, "d": 64,
              "policy": code, "flags": regmap.DESC_FLAG_CAUSAL, "n_rounds": len(rounds), "n_planes": len(bits),
              "plane_bits": bits, "q_addr": 0x10000, "v_addr": 0x20000, "scale_addr": 0x30000, "out_addr": 0x40000,
              "k_plane_addr": [0x50000 + 0x10000 * p for p in range(len(bits))],
              "topk": packing.select_rule("topk", fraction=0.25)}
    if rounds:
        fields["round"] = rounds
    assert packing.encode_descriptor(fields) == ref["desc"]


def test_plane_layout_by_hand():
    k = np.zeros((1, 8), dtype=np.int16)
    k[0, 1] = np.int16(-16384)  # 0xC000: top two bits 11
    planes = packing.pack_k_planes(k, [2, 2, 12])
    assert planes[0] == bytes([0b00001100, 0])  # element 1 at bits 2..3, LSB first
    assert planes[1] == bytes(2) and len(planes[2]) == 12


def test_protocol_constants_equal_the_c_header():
    text = open(HEADER).read()
    types = {m[0]: int(m[1], 16) for m in re.findall(r"X\((\w+), (0x[0-9A-Fa-f]+),", text)}
    statuses = {int(m[1]): m[0] for m in re.findall(r"X\((\w+), (\d+), \"", text)}
    assert types == protocol.TYPES
    assert statuses == protocol.STATUSES
    assert f"#define ENERGON_COSIM_VERSION {protocol.VERSION}u" in text
    assert "#define ENERGON_COSIM_MAX_PAYLOAD (64u << 20)" in text and protocol.MAX_PAYLOAD == 64 << 20


def test_progressive_rule_is_exact_and_checked():
    rule = packing.progressive_rule(8, 0.1)
    assert rule["k_bits"] == 8 and rule["k"] == 6554  # ceil(0.1 * 65536), as energon-vp --pq-threshold
    assert packing.progressive_rule(4, 1)["k"] == regmap.PQ_THRESHOLD_ONE
    assert packing.progressive_rule(4, 0.5)["k"] == 32768
    for bad in ((0, 0.1), (16, 0.1), (8, -0.1), (8, 1.5)):
        with pytest.raises(ValueError):
            packing.progressive_rule(*bad)
