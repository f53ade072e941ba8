"""Host-side packing in Python, byte for byte the C firmware's (energon_pack.c, energon_desc_codec.h):
quantization, K bit planes, the scale table and the 256-byte descriptor."""
import math
import struct
from fractions import Fraction

import numpy as np

from . import regmap


def quantize_heads(x):
    """Per-head INT16 quantization of float32 x [heads, ...]: scale = max|x| / 32767 (1 for an all-zero
    head), q = round-half-even(x / scale) saturated, all in float32 as energon_quantize does."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    flat = x.reshape(x.shape[0], -1)
    max_abs = np.max(np.abs(flat), axis=1).astype(np.float32)
    scales = np.where(max_abs > 0, max_abs / np.float32(32767.0), np.float32(1.0)).astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = flat / scales[:, None]
    v = np.where(np.isnan(v), np.float32(0), v)
    q = np.where(v >= 32767, 32767, np.where(v <= -32768, -32768, np.rint(np.clip(v, -32768, 32767))))
    return q.astype(np.int16).reshape(x.shape), scales


def select_rule(rule="threshold", q_bits=0, k_bits=0, alpha=0.0, k=0, fraction=None):
    """An energon_select_t as a dict: threshold with α (stored as round(256·α)), or top-k with k keys or a
    fraction of the candidates (stored exactly in parts per million: k = ceil(ppm·N / 10^6); a fraction
    given as a float is rounded to the nearest ppm)."""
    return {"rule": regmap.RULE_TOPK if rule == "topk" else regmap.RULE_THRESHOLD, "q_bits": q_bits,
            "k_bits": k_bits, "reserved": 0, "alpha_q8": int(round(256 * alpha)) if rule != "topk" else 0,
            "k": int(k), "k_fraction_ppm": fraction_ppm(fraction) if fraction is not None else 0}


def progressive_rule(msb_bits=8, threshold=0.1):
    """spatten's round[0]: the MSB pass's K width and the Q0.16 recompute threshold ceil(t·65536), exact
    for a decimal t (as energon-vp --pq-threshold): a row is recomputed when its p16_max < threshold."""
    if not 1 <= int(msb_bits) <= regmap.PQ_MAX_MSB_BITS:
        raise ValueError(f"pq_msb_bits {msb_bits}: expected 1..{regmap.PQ_MAX_MSB_BITS}")
    t = Fraction(str(threshold))
    if not 0 <= t <= 1:
        raise ValueError(f"pq_threshold {threshold}: expected a decimal in [0, 1]")
    return select_rule("threshold", 0, int(msb_bits), k=math.ceil(t * regmap.PQ_THRESHOLD_ONE))


def search_rule(iterations=0.5, threshold=8.0):
    """a3's round[0]: the candidate search's iterations per allowed key (a fraction in (0, 1], stored in
    ppm: M = ceil(ppm·N / 10^6)) and the post-scoring threshold T in nats (stored as round(256·T), Q8.8,
    as energon-vp --a3-iterations / --a3-threshold)."""
    t = int(round(256 * float(threshold)))
    if not 0 <= t <= regmap.A3_MAX_THRESHOLD_Q8:
        raise ValueError(f"a3_threshold {threshold}: expected a decimal number of nats in [0, 255]")
    return select_rule("threshold", k=t) | {"k_fraction_ppm": fraction_ppm(iterations)}


def fraction_ppm(fraction):
    """A top-k fraction in (0, 1] as parts per million (the descriptor's k_fraction_ppm)."""
    ppm = int(round(fraction * regmap.FRACTION_ONE))
    if not 1 <= ppm <= regmap.FRACTION_ONE:
        raise ValueError(f"top-k fraction {fraction}: expected (0, 1] in steps of 1 ppm")
    return ppm


ENERGON_ROUNDS = [select_rule("threshold", 4, 2, alpha=-0.25), select_rule("threshold", 4, 4, alpha=0.0)]


def planes_for_rounds(policy, rounds):
    """Plane widths, MSB plane first: mpmrf → successive differences of the rounds' distinct k_bits, then
    the rest up to 16; dense / topk → [16]. None when more than MAX_PLANES would be needed."""
    if policy not in (regmap.POLICY_MPMRF, regmap.POLICY_SPATTEN):
        return [16]
    have, bits = 0, []
    while have < 16:
        nxt = min([r["k_bits"] for r in rounds if have < r["k_bits"] < 16] + [16])
        if len(bits) == regmap.MAX_PLANES:
            return None
        bits.append(nxt - have)
        have = nxt
    return bits


def pack_k_planes(k, plane_bits):
    """Splits INT16 K rows [..., d] into bit planes: plane p holds the next plane_bits[p] bits below the
    planes before it; element t of a row occupies bits t·b .. t·b+b−1 of the row's bit stream, LSB first."""
    k = np.ascontiguousarray(k, dtype=np.int16)
    d = k.shape[-1]
    rows = k.reshape(-1, d).view(np.uint16).astype(np.uint32)
    planes, used = [], 0
    for w in plane_bits:
        used += w
        u = (rows >> (16 - used)) & ((1 << w) - 1)
        bits = ((u[:, :, None] >> np.arange(w, dtype=np.uint32)) & 1).astype(np.uint8).reshape(rows.shape[0], d * w)
        planes.append(np.packbits(bits, axis=1, bitorder="little").tobytes())
    return planes


def _put(buf, field, value, fields=regmap.DESC_FIELDS, base=0):
    offset, size, count = fields[field]
    values = value if isinstance(value, (list, tuple)) else [value]
    for i, v in enumerate(values[:count]):
        at = base + offset + i * size
        buf[at:at + size] = int(v).to_bytes(size, "little", signed=int(v) < 0)


def encode_descriptor(fields):
    """256 little-endian bytes of a descriptor; `fields` maps energon_desc_t field names to values
    (round: a list of select_rule dicts, topk: one). Missing fields are 0."""
    buf = bytearray(regmap.DESC_BYTES_TOTAL)
    for name, value in fields.items():
        if name in ("round", "topk"):
            rules = value if name == "round" else [value]
            offset, size, _ = regmap.DESC_FIELDS[name]
            for i, rule in enumerate(rules):
                for f, v in rule.items():
                    _put(buf, f, v, regmap.SELECT_FIELDS, offset + i * size)
        else:
            _put(buf, name, value)
    return bytes(buf)


def scale_table(q_scales, k_scales):
    return struct.pack(f"<{len(q_scales)}f{len(k_scales)}f", *q_scales, *k_scales)


def prune_mask(heads, n_k, pruned_heads=None, pruned_tokens=None):
    """The descriptor's prune mask (docs/pruning.md): the head bitmap in whole 64-bit words, then one
    bit per token, bit x of byte x/8 set = pruned. `pruned_*`: sequences of 0/1 (None: none)."""
    head_bytes = 8 * ((heads + 63) // 64)
    buf = bytearray(head_bytes + (n_k + 7) // 8)
    for base, flags, n, what in ((0, pruned_heads, heads, "pruned_heads"),
                                 (head_bytes, pruned_tokens, n_k, "pruned_tokens")):
        flags = [0] * n if flags is None else list(flags)
        if len(flags) != n:
            raise ValueError(f"{what}: expected {n} entries of 0 or 1, got {len(flags)}")
        for x, f in enumerate(flags):
            if f not in (0, 1, True, False):
                raise ValueError(f"{what}[{x}]: expected 0 or 1, got {f!r}")
            if f:
                buf[base + x // 8] |= 1 << (x % 8)
    return bytes(buf)
