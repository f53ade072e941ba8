#include "energon/llama/quality.h"

#include <cmath>

#include "energon/llama/sampler.h"
#include "energon/llama/transformer.h"

namespace energon::llama {
namespace {

/// log-softmax in double: p[i] = exp(logit − logsumexp).
void log_probs(const float* logits, uint32_t n, std::vector<double>& out) {
  out.resize(n);
  double m = logits[0];
  for (uint32_t i = 1; i < n; ++i) m = std::max(m, double(logits[i]));
  double z = 0;
  for (uint32_t i = 0; i < n; ++i) z += std::exp(double(logits[i]) - m);
  const double lse = m + std::log(z);
  for (uint32_t i = 0; i < n; ++i) out[i] = double(logits[i]) - lse;
}

}  // namespace

std::vector<EvalText> sample_eval_set(const Model& model, uint32_t count, uint32_t length, float temperature,
                                      uint64_t first_seed) {
  std::vector<EvalText> set;
  Transformer net(model, length);
  for (uint32_t c = 0; c < count; ++c) {
    EvalText text;
    text.seed = first_seed + c;
    Sampler sampler(temperature, text.seed);
    net.reset();
    text.tokens.push_back(Tokenizer::kBos);
    while (text.tokens.size() < length) {
      const auto& logits = net.forward(text.tokens.back(), uint32_t(text.tokens.size() - 1));
      text.tokens.push_back(sampler.sample(logits.data(), model.config.vocab_size));
    }
    set.push_back(std::move(text));
  }
  return set;
}

void QualityMeter::add(const float* ref, const float* test, uint32_t vocab, TokenId next) {
  log_probs(ref, vocab, p_ref_);
  log_probs(test, vocab, p_test_);
  double kl = 0;
  for (uint32_t i = 0; i < vocab; ++i) kl += std::exp(p_ref_[i]) * (p_ref_[i] - p_test_[i]);
  kl_sum_ += kl;
  nll_ref_ -= p_ref_[next];
  nll_test_ -= p_test_[next];
  agree_ += argmax(ref, vocab) == argmax(test, vocab);
  ++positions_;
}

QualityFigures QualityMeter::figures() const {
  QualityFigures f;
  f.positions = positions_;
  if (!positions_) return f;
  const double n = double(positions_);
  f.top1_agreement = double(agree_) / n;
  f.mean_kl = kl_sum_ / n;
  f.perplexity = std::exp(nll_test_ / n);
  f.float_perplexity = std::exp(nll_ref_ / n);
  return f;
}

}  // namespace energon::llama
