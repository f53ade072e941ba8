// The Llama-2 network in float32 with a KV cache, run one token at a time (generation) or
// several positions at once (whole sequence), attention delegated to an AttentionBackend.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "energon/attention_job.h"
#include "energon/llama/attention_backend.h"
#include "energon/llama/host_work.h"
#include "energon/llama/model.h"
#include "energon/llama/tokenizer.h"

namespace energon::llama {

class Transformer {
 public:
  /// Runs `model` (which must outlive the transformer) with `attention` (likewise).
  /// `context` caps the KV cache; 0 means the model's seq_len. std::invalid_argument when
  /// the model is inconsistent or context exceeds seq_len.
  Transformer(const Model& model, AttentionBackend& attention, uint32_t context = 0);
  /// Same with the built-in FloatAttention.
  explicit Transformer(const Model& model, uint32_t context = 0);
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  /// Generation mode: `token` at position `pos` (n_q = 1, n_k = pos + 1). Positions
  /// 0..pos−1 must be in the cache. Returns the logits [vocab] (valid until the next call).
  const std::vector<float>& forward(TokenId token, uint32_t pos);
  /// Whole-sequence mode: tokens at positions pos..pos+n−1 in one step (n_q = n, causal).
  /// Returns logits [n][vocab] when all_logits, else only the last position's [vocab].
  const std::vector<float>& forward_sequence(const std::vector<TokenId>& tokens, uint32_t pos, bool all_logits = true);

  /// Forgets the KV cache (work counters are kept).
  void reset();
  /// Positions currently in the KV cache.
  uint32_t cached_positions() const { return cached_; }
  uint32_t context() const { return context_; }
  const Model& model() const { return model_; }

  /// Host work of the most recent forward call, and accumulated since construction/reset_work.
  const HostWorkLedger& last_work() const { return last_work_; }
  const HostWorkLedger& total_work() const { return total_work_; }
  /// Adds work done outside the network (sampling) to both ledgers.
  void add_work(HostOp op, const HostWork& w);
  void reset_work();

 private:
  Transformer(const Model& model, AttentionBackend* attention, std::unique_ptr<FloatAttention> own, uint32_t context);
  void run_layer(uint32_t layer, uint32_t n, uint32_t pos);

  const Model& model_;
  std::unique_ptr<FloatAttention> own_attention_;
  AttentionBackend& attention_;
  uint32_t context_ = 0;
  uint32_t cached_ = 0;
  // Activations, row-major [position][width].
  std::vector<float> x_, xb_, xb2_, q_, k_new_, v_new_, hb_, hb2_, att_out_, logits_;
  std::vector<float> k_cache_, v_cache_;  ///< [layer][kv_head][context][head_dim]
  FloatLayer job_;
  HostWorkLedger last_work_, total_work_;
};

}  // namespace energon::llama
