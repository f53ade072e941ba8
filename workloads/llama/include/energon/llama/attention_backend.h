// Where a transformer layer's attention runs: the float reference on the host, or (in a
// later change) the accelerator. The network calls it once per layer per forward step.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "energon/attention_job.h"
#include "energon/layer_filters.h"

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

/// Kept-key counts of one layer (or one head of it), summed over every job it ran.
struct KeptCounts {
  uint64_t allowed = 0, kept = 0;
  double fraction() const { return allowed ? double(kept) / double(allowed) : 0.0; }
};

/// A backend that also counts the keys it kept, per layer and per head: the backend of a shadow
/// network that checks a platform run (the golden one lives in testbenches/checks).
struct CountingAttentionBackend : AttentionBackend {
  virtual const std::vector<KeptCounts>& per_layer() const = 0;
  /// [layer][head]
  virtual const std::vector<std::vector<KeptCounts>>& per_head() const = 0;
};

/// Makes the shadow backend of a run under `filters` (per layer when a rounds file gives them).
using ShadowFactory = std::function<std::unique_ptr<CountingAttentionBackend>(const LayerFilters& filters)>;

}  // namespace energon::llama
