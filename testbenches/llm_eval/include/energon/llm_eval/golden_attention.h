// Attention backend that runs each layer's attention through the golden model: quantize
// to INT16, filter under a policy, fixed-point attention, dequantize. Bit-exact with the
// accelerator (the platform regression proves that), and fast enough for α sweeps.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "energon/attention_job.h"
#include "energon/golden/golden.h"
#include "energon/layer_filters.h"
#include "energon/llama/attention_backend.h"

namespace energon::llm_eval {

using llama::KeptCounts;

class GoldenAttention : public llama::CountingAttentionBackend {
 public:
  /// One filter for every layer, or per-layer filters (a rounds file).
  explicit GoldenAttention(LayerFilters filters) : filters_(std::move(filters)) {}
  void attend(uint32_t layer, const FloatLayer& qkv, float* out) override;

  const std::vector<KeptCounts>& per_layer() const override { return per_layer_; }
  const std::vector<std::vector<KeptCounts>>& per_head() const override { return per_head_; }
  KeptCounts total() const;
  uint64_t jobs() const { return jobs_; }

 private:
  LayerFilters filters_;
  std::vector<KeptCounts> per_layer_;
  std::vector<std::vector<KeptCounts>> per_head_;
  uint64_t jobs_ = 0;
};

}  // namespace energon::llm_eval
