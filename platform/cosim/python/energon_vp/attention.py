"""run_attention: one attention job from NumPy tensors through the accelerator, as the C driver does it."""
import struct

import numpy as np

from . import packing, regmap

# Every policy of the register map (ENERGON_POLICIES, generated into regmap.py) by its name.
POLICIES = {name[len("POLICY_"):].lower(): value for name, value in vars(regmap).items() if name.startswith("POLICY_")}


def _result(block):
    status, _, cycles, allowed, k0, k1, k2, k3, final = struct.unpack("<IIQQQQQQQ", block[:64])
    error = (status >> regmap.RESULT_ERR_SHIFT) & 0xFF
    return {"done": bool(status & regmap.RESULT_DONE), "error": error,
            "error_name": regmap.ERRORS.get(error, ("UNKNOWN", ""))[0], "cycles": cycles, "allowed": allowed,
            "kept": [k0, k1, k2, k3], "final_kept": final}


def counters(vp):
    """The PERF_* counters as a dict (names without PERF_ and _LO)."""
    return {name[5:-3].lower(): vp.read64(name) for name in regmap.REGISTERS
            if name.startswith("PERF_") and name.endswith("_LO")}


def run_attention(vp, q, k, v, policy="mpmrf", rounds=None, topk=None, causal=False, valid_len=None,
                  overrides=None, timeout_ps=10**13, pq_msb_bits=8, pq_threshold=0.1, a3_iterations=0.5, a3_threshold=8.0, pruned_heads=None,
                  pruned_tokens=None, importance=False):
    """Quantizes q [heads, n_q, d], k and v [kv_heads, n_k, d] (float32), packs K into the planes the
    policy needs, writes the buffers and a descriptor, rings the doorbell, sleeps until the interrupt
    and reads back. Returns (output float32 [heads, n_q, d] in V's scale, result dict with the result
    block, the INT16 output and the counters). `rounds`: list of packing.select_rule (mpmrf; default
    Energon's 4x2 α=−0.25, 4x4 α=0); `topk`: a select_rule (default top=25%, topk and spatten);
    `pq_msb_bits`, `pq_threshold`: spatten's MSB pass (the K bits of its first Q·K, 1..15) and the
    probability under which a row is recomputed with every bit (0..1, descriptor round[0], Q0.16);
    `a3_iterations`, `a3_threshold`: a3's candidate search (iterations per allowed key, in (0, 1]) and
    its post-scoring threshold in nats (descriptor round[0]: k_fraction_ppm and k in Q8.8);
    `pruned_heads`, `pruned_tokens`: sequences of 0/1 per head and per key, the job's prune mask
    (docs/pruning.md); `importance`: the job writes its importance table, returned as
    result["importance"] = {"tokens": uint64 [n_k], "heads": uint64 [heads]};
    `overrides`: descriptor fields to force (to send a bad descriptor on purpose)."""
    q = np.asarray(q, dtype=np.float32)
    k = np.asarray(k, dtype=np.float32)
    v = np.asarray(v, dtype=np.float32)
    heads, n_q, d = q.shape
    kv_heads, n_k, _ = k.shape
    code = POLICIES[policy]
    rounds = packing.ENERGON_ROUNDS if rounds is None else rounds
    if code == regmap.POLICY_SPATTEN:
        rounds = [packing.progressive_rule(pq_msb_bits, pq_threshold)]
    if code == regmap.POLICY_A3:
        rounds = [packing.search_rule(a3_iterations, a3_threshold)]
    topk = packing.select_rule("topk", fraction=0.25) if topk is None else topk
    qi, qs = packing.quantize_heads(q)
    ki, ks = packing.quantize_heads(k)
    vi, vs = packing.quantize_heads(v)
    has_rounds = code in (regmap.POLICY_MPMRF, regmap.POLICY_SPATTEN, regmap.POLICY_A3)
    bits = packing.planes_for_rounds(code, rounds if has_rounds else [])
    if bits is None:
        raise ValueError("the rounds need more than MAX_PLANES K bit planes")
    planes = packing.pack_k_planes(ki, bits)

    mark = vp.alloc_mark()
    q_addr = vp.alloc(qi.nbytes, regmap.BUFFER_ALIGN)
    vp.mem_write(q_addr, qi)
    plane_addrs = []
    for p in planes:
        plane_addrs.append(vp.alloc(len(p), regmap.BUFFER_ALIGN))
        vp.mem_write(plane_addrs[-1], p)
    v_addr = vp.alloc(vi.nbytes, regmap.BUFFER_ALIGN)
    vp.mem_write(v_addr, vi)
    scale_addr = vp.alloc(4 * (heads + kv_heads), regmap.BUFFER_ALIGN)
    vp.mem_write(scale_addr, packing.scale_table(qs, ks))
    out_addr = vp.alloc(qi.nbytes, regmap.BUFFER_ALIGN)
    flags = regmap.DESC_FLAG_CAUSAL if causal else 0
    pruning = {}
    if pruned_heads is not None or pruned_tokens is not None:
        mask = packing.prune_mask(heads, n_k, pruned_heads, pruned_tokens)
        pruning["prune_mask_addr"] = vp.alloc(len(mask), regmap.BUFFER_ALIGN)
        vp.mem_write(pruning["prune_mask_addr"], mask)
        flags |= regmap.DESC_FLAG_PRUNE
    if importance:
        pruning["importance_addr"] = vp.alloc(8 * (n_k + heads), regmap.BUFFER_ALIGN)
        flags |= regmap.DESC_FLAG_IMPORTANCE
    fields = {"magic": regmap.DESC_MAGIC, "heads": heads, "kv_heads": kv_heads, "n_q": n_q, "n_k": n_k,
              "valid_len": n_k if valid_len is None else valid_len, "d": d, "policy": code,
              "flags": flags, **pruning,
              "n_rounds": len(rounds) if has_rounds else 0, "n_planes": len(bits),
              "plane_bits": bits, "q_addr": q_addr, "k_plane_addr": plane_addrs, "v_addr": v_addr,
              "scale_addr": scale_addr, "out_addr": out_addr, "topk": topk}
    if has_rounds:
        fields["round"] = rounds
    fields.update(overrides or {})

    ring = vp.ring()
    entry = ring["base"] + ring["tail"] * regmap.DESC_BYTES
    vp.mem_write(entry, packing.encode_descriptor(fields))
    done_before = vp.read32("JOBS_DONE")
    ring["tail"] = (ring["tail"] + 1) % ring["entries"]
    vp.write32("QUEUE_TAIL", ring["tail"])
    irq_causes = 0
    while vp.read32("JOBS_DONE") == done_before:
        if not vp.wait_irq(timeout_ps):
            raise TimeoutError(f"no interrupt within {timeout_ps} ps of simulated time")
        causes = vp.read32("IRQ_STATUS")
        vp.write32("IRQ_STATUS", causes)  # write one to clear
        irq_causes |= causes
    result = _result(vp.mem_read(entry + regmap.DESC_FIELDS["result_status"][0], 64).tobytes())
    result["irq_causes"] = irq_causes
    result["status_register"] = vp.read32("STATUS")
    out_i = vp.mem_read(out_addr, heads * n_q * d, np.int16).reshape(heads, n_q, d)
    group = heads // kv_heads
    out = out_i.astype(np.float32) * vs[np.arange(heads) // group][:, None, None]
    result["out_int16"] = out_i
    result["scales"] = {"q": qs, "k": ks, "v": vs}
    result["counters"] = counters(vp)
    if importance:
        table = vp.mem_read(pruning["importance_addr"], n_k + heads, np.dtype("<u8"))
        result["importance"] = {"tokens": table[:n_k], "heads": table[n_k:]}
    vp.release_to(mark)
    return out, result
