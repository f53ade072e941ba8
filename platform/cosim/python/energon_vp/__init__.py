"""Python client of the Energon virtual platform's co-simulation server (docs/cosim.md).

    from energon_vp import Client
    with Client.launch(hw="energon-edge") as vp:        # or Client.connect("unix:/tmp/vp.sock")
        out, result = vp.run_attention(q, k, v, policy="mpmrf", causal=True)

Pure Python + NumPy (Debian's python3-numpy under /usr/bin/python3).
"""
from .attention import run_attention
from .client import Client, CosimError
from .packing import encode_descriptor, pack_k_planes, planes_for_rounds, quantize_heads, select_rule

__all__ = ["Client", "CosimError", "run_attention", "encode_descriptor", "pack_k_planes", "planes_for_rounds",
           "quantize_heads", "select_rule"]
