// Model-quality figures of an attention backend against the float path: top-1 next-token
// agreement, KL divergence of next-token distributions and perplexity, on a fixed
// evaluation set of stories sampled from the float model (docs/real-model.md).
#pragma once

#include <cstdint>
#include <vector>

#include "energon/llama/model.h"
#include "energon/llama/tokenizer.h"

namespace energon::llama {

/// One evaluation text: BOS followed by tokens sampled from the float model.
struct EvalText {
  uint64_t seed = 0;
  std::vector<TokenId> tokens;
};

/// The fixed evaluation set: `count` texts of exactly `length` tokens (BOS included), sampled
/// from the float model at `temperature` with seeds first_seed, first_seed+1, … Stop tokens
/// are kept as ordinary tokens so every text has the same length.
std::vector<EvalText> sample_eval_set(const Model& model, uint32_t count, uint32_t length, float temperature = 1.0f,
                                      uint64_t first_seed = 1);

struct QualityFigures {
  uint64_t positions = 0;       ///< next-token predictions compared
  double top1_agreement = 0;    ///< share of positions where both argmax agree
  double mean_kl = 0;           ///< mean KL(p_float ‖ p_test) in nats
  double perplexity = 0;        ///< of the evaluation texts under the tested backend
  double float_perplexity = 0;  ///< of the same texts under the float path
};

/// Accumulates figures position by position.
class QualityMeter {
 public:
  /// `ref` and `test` are logits [vocab] predicting `next`.
  void add(const float* ref, const float* test, uint32_t vocab, TokenId next);
  QualityFigures figures() const;

 private:
  uint64_t positions_ = 0, agree_ = 0;
  double kl_sum_ = 0, nll_test_ = 0, nll_ref_ = 0;
  std::vector<double> p_ref_, p_test_;
};

}  // namespace energon::llama
