// Deterministic random layers for property tests (no dependency on the workload generator).
#pragma once

#include <cmath>
#include <random>

#include "energon/attention_job.h"

namespace energon::test {

inline FloatLayer random_layer(AttentionShape s, uint64_t seed, float peak = 3.0f) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return (double(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); };
  auto normal = [&] { return float(std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform())); };
  FloatLayer L;
  L.shape = s;
  L.q.resize(s.q_elems());
  L.k.resize(s.kv_elems());
  L.v.resize(s.kv_elems());
  for (float& x : L.k) x = normal();
  for (float& x : L.v) x = normal();
  // Each query leans towards one key so rows have a few dominant keys.
  for (uint32_t h = 0; h < s.heads; ++h)
    for (uint32_t i = 0; i < s.n_q; ++i) {
      const uint32_t target = uint32_t(rng() % s.n_k);
      const float* k = L.k.data() + (size_t(s.kv_head_of(h)) * s.n_k + target) * s.d;
      float* q = L.q.data() + (size_t(h) * s.n_q + i) * s.d;
      for (uint32_t t = 0; t < s.d; ++t) q[t] = normal() + peak * k[t];
    }
  return L;
}

inline AttentionShape shape(uint32_t heads, uint32_t kv_heads, uint32_t n_q, uint32_t n_k, uint32_t d,
                            bool causal = false, uint32_t valid_len = 0) {
  AttentionShape s;
  s.heads = heads, s.kv_heads = kv_heads, s.n_q = n_q, s.n_k = n_k, s.d = d, s.causal = causal;
  s.valid_len = valid_len ? valid_len : n_k;
  return s;
}

}  // namespace energon::test
