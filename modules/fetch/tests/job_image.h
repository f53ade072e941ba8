// Testbench job images: random quantized layers and their placement in a TestMemory as the
// descriptor describes (Q, K bit planes, V, scale table, output), plus a descriptor builder.
#pragma once

#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "energon/attention_job.h"
#include "energon/desc_fields.h"
#include "energon/hw/energon_regs.h"
#include "test_memory.h"

namespace energon::test {

/// Random INT16 layer; `spread` < 1 shrinks magnitudes; a few "dominant" keys per kv head get
/// large values aligned with the queries so that filtering has something to find.
inline QuantizedLayer random_layer(const AttentionShape& s, uint32_t seed, int amplitude = 20000,
                                   uint32_t dominant = 0) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> u(-amplitude, amplitude);
  QuantizedLayer L;
  L.shape = s;
  L.q.data.resize(s.q_elems());
  L.k.data.resize(s.kv_elems());
  L.v.data.resize(s.kv_elems());
  for (auto& x : L.q.data) x = int16_t(u(rng));
  for (auto& x : L.k.data) x = int16_t(u(rng));
  for (auto& x : L.v.data) x = int16_t(u(rng));
  for (uint32_t g = 0; g < s.kv_heads; ++g)
    for (uint32_t m = 0; m < dominant; ++m) {
      const uint32_t j = (m * 7919u + g * 31u) % s.n_k;
      for (uint32_t t = 0; t < s.d; ++t) {
        // Align with the sign pattern of the first query of the first head of the group.
        const int16_t q = L.q.data[size_t(g) * (s.heads / s.kv_heads) * s.n_q * s.d + t];
        L.k.data[(size_t(g) * s.n_k + j) * s.d + t] = int16_t(q >= 0 ? 30000 : -30000);
      }
    }
  std::uniform_real_distribution<float> sc(0.0005f, 0.003f);
  for (uint32_t h = 0; h < s.heads; ++h) L.q.scale.push_back(sc(rng));
  for (uint32_t g = 0; g < s.kv_heads; ++g) {
    L.k.scale.push_back(sc(rng));
    L.v.scale.push_back(sc(rng));
  }
  return L;
}

/// Packs one kv-major INT16 K tensor into plane p's byte stream (LSB-first, element t at
/// bits [t·w, t·w+w) of its row).
inline std::vector<uint8_t> pack_plane(const std::vector<int16_t>& k, uint32_t d, uint32_t shift, uint32_t w) {
  const size_t rows = k.size() / d;
  const size_t rb = d * w / 8;
  std::vector<uint8_t> out(rows * rb, 0);
  for (size_t r = 0; r < rows; ++r)
    for (uint32_t t = 0; t < d; ++t) {
      const uint32_t u = (uint16_t(k[r * d + t]) >> shift) & ((1u << w) - 1u);
      for (uint32_t b = 0; b < w; ++b)
        if (u & (1u << b)) {
          const size_t bit = size_t(t) * w + b;
          out[r * rb + bit / 8] |= uint8_t(1u << (bit % 8));
        }
    }
  return out;
}

/// Writes `len` bytes at a global address of the memory under test.
using StoreFn = std::function<void(uint64_t addr, const void* src, size_t len)>;

/// Writes the layer through `store` from `base` (64-byte aligned buffers), returns the descriptor.
inline energon_desc_t place_job(const StoreFn& store, const QuantizedLayer& L, const FilterConfig& f,
                                const std::vector<uint8_t>& plane_bits, uint64_t base) {
  const AttentionShape& s = L.shape;
  energon_desc_t d{};
  d.magic = ENERGON_DESC_MAGIC;
  d.heads = uint16_t(s.heads);
  d.kv_heads = uint16_t(s.kv_heads);
  d.n_q = s.n_q;
  d.n_k = s.n_k;
  d.valid_len = s.valid_len;
  d.d = uint16_t(s.d);
  d.policy = uint8_t(f.policy);
  d.flags = s.causal ? ENERGON_DESC_FLAG_CAUSAL : 0;
  d.n_rounds = uint8_t(desc_rounds(f).size());
  d.n_planes = uint8_t(plane_bits.size());
  uint64_t a = base;
  auto take = [&a](size_t bytes) {
    const uint64_t at = a;
    a += (bytes + 63) / 64 * 64;
    return at;
  };
  d.q_addr = take(L.q.data.size() * 2);
  store(d.q_addr, L.q.data.data(), L.q.data.size() * 2);
  uint32_t used = 0;
  for (size_t p = 0; p < plane_bits.size(); ++p) {
    used += plane_bits[p];
    d.plane_bits[p] = plane_bits[p];
    const std::vector<uint8_t> plane = pack_plane(L.k.data, s.d, 16 - used, plane_bits[p]);
    d.k_plane_addr[p] = take(plane.size());
    store(d.k_plane_addr[p], plane.data(), plane.size());
  }
  d.v_addr = take(L.v.data.size() * 2);
  store(d.v_addr, L.v.data.data(), L.v.data.size() * 2);
  std::vector<float> scales = L.q.scale;
  scales.insert(scales.end(), L.k.scale.begin(), L.k.scale.end());
  d.scale_addr = take(scales.size() * 4);
  store(d.scale_addr, scales.data(), scales.size() * 4);
  d.out_addr = take(L.q.data.size() * 2);
  if (!L.prune.head.empty() ||
      !L.prune.token.empty()) {  // cascade pruning (docs/pruning.md): the mask, and the importance table written back
    const std::vector<uint8_t> mask = L.prune.encode(s.heads, s.n_k);
    d.flags |= ENERGON_DESC_FLAG_PRUNE | ENERGON_DESC_FLAG_IMPORTANCE;
    d.prune_mask_addr = take(mask.size());
    store(d.prune_mask_addr, mask.data(), mask.size());
    d.importance_addr = take(ENERGON_IMPORTANCE_BYTES(s.heads, s.n_k));
  }
  const std::vector<energon_select_t> rounds = desc_rounds(f);
  for (size_t r = 0; r < rounds.size() && r < ENERGON_MAX_ROUNDS; ++r) d.round[r] = rounds[r];
  d.topk = to_select(f.topk);
  return d;
}

inline energon_desc_t place_job(TestMemory& mem, const QuantizedLayer& L, const FilterConfig& f,
                                const std::vector<uint8_t>& plane_bits, uint64_t base) {
  return place_job([&mem](uint64_t a, const void* src, size_t len) { mem.store(a, src, len); }, L, f, plane_bits, base);
}

}  // namespace energon::test
