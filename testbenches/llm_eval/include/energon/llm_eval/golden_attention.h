// Attention backend that runs each layer's attention through the golden model: quantize
// to INT16, filter under a policy, fixed-point attention, dequantize. Bit-exact with the
// accelerator (the platform regression proves that), and fast enough for α sweeps.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/attention_job.h"
#include "energon/golden/golden.h"
#include "energon/llama/attention_backend.h"

namespace energon::llm_eval {

/// Kept-key counts of one layer (or one head of it), summed over every job it ran.
struct KeptCounts {
  uint64_t allowed = 0, kept = 0;
  double fraction() const { return allowed ? double(kept) / double(allowed) : 0.0; }
};

class GoldenAttention : public llama::AttentionBackend {
 public:
  explicit GoldenAttention(const FilterConfig& filter) : filter_(filter) {}
  void attend(uint32_t layer, const FloatLayer& qkv, float* out) override;

  const std::vector<KeptCounts>& per_layer() const { return per_layer_; }
  /// [layer][head]
  const std::vector<std::vector<KeptCounts>>& per_head() const { return per_head_; }
  KeptCounts total() const;
  uint64_t jobs() const { return jobs_; }

 private:
  FilterConfig filter_;
  std::vector<KeptCounts> per_layer_;
  std::vector<std::vector<KeptCounts>> per_head_;
  uint64_t jobs_ = 0;
};

}  // namespace energon::llm_eval
