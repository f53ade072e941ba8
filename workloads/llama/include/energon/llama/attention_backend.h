// Where a transformer layer's attention runs: the float reference on the host, or (in a
// later change) the accelerator. The network calls it once per layer per forward step.
#pragma once

#include <cstdint>

#include "energon/attention_job.h"

namespace energon::llama {

/// Attention of one layer. `qkv.shape` is heads, kv_heads, n_q (new positions), n_k (all
/// positions so far), d, causal = true, valid_len = n_k. `qkv.q` is [heads][n_q][d] (after
/// rotary), `qkv.k`/`qkv.v` are [kv_heads][n_k][d]. `out` receives [heads][n_q][d].
struct AttentionBackend {
  virtual ~AttentionBackend() = default;
  virtual void attend(uint32_t layer, const FloatLayer& qkv, float* out) = 0;
};

/// Exact float32 attention in llama2.c's order of operations: dot products summed in key
/// order, divided by sqrtf(d), max-subtracted expf softmax, weighted V summed in key order.
struct FloatAttention : AttentionBackend {
  void attend(uint32_t layer, const FloatLayer& qkv, float* out) override;
};

}  // namespace energon::llama
