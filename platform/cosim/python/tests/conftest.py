"""Fixtures of the co-simulation tests: the binaries come from the environment (ctest sets them)."""
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from energon_vp import Client  # noqa: E402


def binary(var):
    path = os.environ.get(var)
    if not path or not os.path.exists(path):
        pytest.fail(f"${var} must name the built binary (ctest sets it)")
    return path


@pytest.fixture
def vp_bin():
    return binary("ENERGON_VP")


@pytest.fixture
def vp(vp_bin):
    client = Client.launch(vp=vp_bin)
    yield client
    client.close()
    assert client.server_exit_code == 0, client.server_log


def layer(heads=4, kv_heads=2, n=48, d=64, seed=1):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((heads, n, d)).astype(np.float32)
    k = rng.standard_normal((kv_heads, n, d)).astype(np.float32)
    v = rng.standard_normal((kv_heads, n, d)).astype(np.float32)
    # a few dominant keys, so that filtering has something to find
    k[:, ::7, :] += 2.0 * q[: kv_heads, ::7, :]
    return q, k, v


def reference(q, k, v, policy, causal=False, valid_len=None, pruned_heads=None, pruned_tokens=None):
    """What the C packing and the golden model make of the job (energon-pack-reference); with a
    prune mask (lists of 0/1 per head and per token), the golden model runs on it."""
    tool = binary("ENERGON_PACK_REFERENCE")
    heads, n_q, d = q.shape
    kv_heads, n_k, _ = k.shape
    code = {"dense": 0, "topk": 1, "mpmrf": 2, "spatten": 3, "a3": 4}[policy]
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        with open(src, "wb") as f:
            prune = pruned_heads is not None or pruned_tokens is not None
            f.write(struct.pack("<9I", heads, kv_heads, n_q, n_k, d, n_k if valid_len is None else valid_len,
                                int(causal), code, int(prune)))
            for x in (q, k, v):
                f.write(np.ascontiguousarray(x, dtype=np.float32).tobytes())
            if prune:
                f.write(bytes(pruned_heads or [0] * heads) + bytes(pruned_tokens or [0] * n_k))
        subprocess.run([tool, src, dst], check=True)
        records, raw = {}, open(dst, "rb").read()
        at = 0
        while at < len(raw):
            (n,) = struct.unpack_from("<I", raw, at)
            name = raw[at + 4:at + 4 + n].decode()
            (size,) = struct.unpack_from("<Q", raw, at + 4 + n)
            start = at + 12 + n
            records[name] = raw[start:start + size]
            at = start + size
    return records
