#!/usr/bin/python3
"""Writes the binary seed inputs of the fuzz targets into corpus/ (committed; rerun after a format
change): tiny but valid .npy, GGUF, llama2.c checkpoint, tokenizer and descriptor inputs, plus
hand-written YAML edge cases. The YAML and trace targets also read the repo's presets, workloads
and traces directly (testbenches/fuzz/CMakeLists.txt). Usage: make_corpus.py"""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def npy(dtype, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join(f"{d}, " for d in shape) if len(shape) == 1 else ", ".join(map(str, shape)))
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload


put("fuzz_npy", "f4_2x3.npy", npy("<f4", (2, 3), struct.pack("<6f", 0.5, -1, 2, 0, 1e-3, 3)))
put("fuzz_npy", "f2_4.npy", npy("<f2", (4,), struct.pack("<4H", 0x3C00, 0xBC00, 0x0001, 0x7BFF)))
put("fuzz_npy", "i2_1x2x2.npy", npy("<i2", (1, 2, 2), struct.pack("<4h", -32768, 32767, 0, 1)))


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf(kvs, tensors):
    """GGUF v3: kvs = [(key, type, packed value)], tensors = [(name, dims, data)] all F32."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs))
    for key, t, v in kvs:
        out += gguf_string(key) + struct.pack("<I", t) + v
    offset, blobs = 0, []
    for name, dims, data in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", 0, offset)
        blobs.append(data)
        offset += (len(data) + 31) // 32 * 32
    out += b"\0" * ((-len(out)) % 32)
    for b in blobs:
        out += b + b"\0" * ((-len(b)) % 32)
    return out


U32, F32, STR, ARR = 4, 6, 8, 9
dim, hid, kv, voc = 8, 12, 4, 8


def f32s(n, salt):
    return struct.pack(f"<{n}f", *[0.01 * ((i * 7 + salt) % 13) - 0.06 for i in range(n)])


kvs = [("general.architecture", STR, gguf_string("llama")), ("llama.embedding_length", U32, struct.pack("<I", dim)),
       ("llama.feed_forward_length", U32, struct.pack("<I", hid)), ("llama.block_count", U32, struct.pack("<I", 1)),
       ("llama.attention.head_count", U32, struct.pack("<I", 2)),
       ("llama.attention.head_count_kv", U32, struct.pack("<I", 1)),
       ("llama.context_length", U32, struct.pack("<I", 16)),
       ("llama.attention.layer_norm_rms_epsilon", F32, struct.pack("<f", 1e-6)),
       ("tokenizer.ggml.model", STR, gguf_string("llama")),
       ("tokenizer.ggml.tokens", ARR, struct.pack("<IQ", STR, voc) +
        b"".join(gguf_string(s) for s in ["<unk>", "<s>", "</s>", "\u2581", "a", "b", "\u2581a", "ab"])),
       ("tokenizer.ggml.scores", ARR, struct.pack("<IQ", F32, voc) + struct.pack(f"<{voc}f", 0, 0, 0, -1, -2, -3, -4, -5))]
shapes = [("token_embd.weight", [dim, voc]), ("blk.0.attn_norm.weight", [dim]), ("blk.0.attn_q.weight", [dim, dim]),
          ("blk.0.attn_k.weight", [dim, kv]), ("blk.0.attn_v.weight", [dim, kv]),
          ("blk.0.attn_output.weight", [dim, dim]), ("blk.0.ffn_norm.weight", [dim]),
          ("blk.0.ffn_gate.weight", [dim, hid]), ("blk.0.ffn_down.weight", [hid, dim]),
          ("blk.0.ffn_up.weight", [dim, hid]), ("output_norm.weight", [dim])]
tensors = []
for i, (name, dims) in enumerate(shapes):
    n = 1
    for d in dims:
        n *= d
    tensors.append((name, dims, f32s(n, i)))
put("fuzz_gguf", "tiny_llama.gguf", gguf(kvs, tensors))
put("fuzz_gguf", "metadata_only.gguf", gguf(kvs[:3], []))

# llama2.c checkpoint: 7 int32 (dim, hidden, layers, heads, kv_heads, vocab (>0: tied), seq_len), floats.
L, seq = 1, 4
hd = dim // 2
floats = voc * dim + L * (2 * dim + 2 * dim * dim + 2 * kv * dim + 3 * hid * dim) + dim + seq * hd
put("fuzz_llama2c", "tiny.bin", struct.pack("<7i", dim, hid, L, 2, 1, voc, seq) + f32s(floats, 3))

# llama2.c tokenizer: max_len, then per token: float score, int32 length, bytes. The fuzz input is
# 2 bytes vocabulary size, 2 bytes text length, the text, then the tokenizer file.
pieces = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + [" ", "a", "b", " a", "ab", "ba"]
tok = struct.pack("<i", 8) + b"".join(struct.pack("<fi", -float(i), len(p.encode())) + p.encode()
                                      for i, p in enumerate(pieces))
text = b"ab ba a"
put("fuzz_tokenizer", "bytes_vocab.tok", struct.pack("<HH", len(pieces), len(text)) + text + tok)

# Descriptor: 256 bytes (a small valid dense job), then ring base and ring bytes.
d = bytearray(256)
struct.pack_into("<IHHIII", d, 0, 0x43534445, 2, 1, 8, 8, 8)  # magic 'EDSC', heads, kv_heads, n_q, n_k, valid_len
struct.pack_into("<H", d, 0x14, 16)
struct.pack_into("<Q", d, 0x58, 0x90000)
put("fuzz_descriptor", "dense_small.bin", bytes(d) + struct.pack("<QQ", 0x100000, 256 * 4))

# YAML edge cases beside the repo's own files.
put("fuzz_accel_yaml", "edge.yaml", "preset: energon-edge\nclock_mhz: 1000\nfu_lanes: 8\n")
put("fuzz_accel_yaml", "server.yaml", "preset: energon-server\nmax_burst_bytes: 0\ntiming: accurate\n")
put("fuzz_workload_yaml", "npy.yaml", "name: m\nlayers: 1\nheads: 1\nkv_heads: 1\nd: 8\nseq_len: 8\ndata:\n"
                                      "  source: npy\n  files:\n    - {q: q.npy, k: k.npy, v: v.npy}\n")
put("fuzz_trace", "regs.trace", "write REGS+0x00 0x1\nread REGS+0x04 expect 0\n")

# Regressions found by the fuzzers: keys that are lists or mappings (yaml-cpp's bad conversion
# escaped the loaders without the file's name).
for target in ("fuzz_accel_yaml", "fuzz_dram_yaml", "fuzz_energy_yaml", "fuzz_workload_yaml"):
    put(target, "list_key.yaml", "[a]: 1\n")
    put(target, "map_key.yaml", "name: x\n{a: 1}: 2\n")
put("fuzz_dram_yaml", "nested_list_key.yaml", "organization: {[a]: 1}\n")
# A descriptor whose output ends exactly at 2^64 (the overlap test compared one-past-the-end).
d2 = bytearray(d)
struct.pack_into("<Q", d2, 0x58, (1 << 64) - 2 * 8 * 16 * 2)
put("fuzz_descriptor", "out_at_top.bin", bytes(d2) + struct.pack("<QQ", (1 << 64) - 0x400, 0x400))
