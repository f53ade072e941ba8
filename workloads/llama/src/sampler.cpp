#include "energon/llama/sampler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "energon/llama/transformer.h"

namespace energon::llama {

TokenId argmax(const float* values, uint32_t n) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < n; ++i)
    if (values[i] > values[best]) best = i;
  return static_cast<TokenId>(best);
}

Sampler::Sampler(float temperature, uint64_t seed, float top_p)
    : temperature_(temperature), top_p_(top_p), state_(seed == 0 ? 1 : seed) {
  if (!std::isfinite(temperature) || temperature < 0.0f)
    throw std::invalid_argument("sampling temperature must be finite and >= 0, got " + std::to_string(temperature));
  if (!std::isfinite(top_p)) throw std::invalid_argument("top_p must be finite");
}

uint32_t Sampler::random_u32() {
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return static_cast<uint32_t>((state_ * 0x2545F4914F6CDD1Dull) >> 32);
}

float Sampler::random_f32() { return static_cast<float>(random_u32() >> 8) / 16777216.0f; }

TokenId Sampler::sample(const float* logits, uint32_t n) {
  if (n == 0) throw std::invalid_argument("Sampler::sample: no logits");
  const uint64_t nn = n;
  if (temperature_ == 0.0f) {
    work_ = {0, nn, 0, 4 * nn};
    return argmax(logits, n);
  }
  // llama2.c: logits / T, softmax, then a multinomial draw (over the nucleus when top-p).
  probs_.assign(logits, logits + n);
  for (float& p : probs_) p /= temperature_;
  float max_val = probs_[0];
  for (uint32_t i = 1; i < n; ++i)
    if (probs_[i] > max_val) max_val = probs_[i];
  float sum = 0.0f;
  for (float& p : probs_) {
    p = expf(p - max_val);
    sum += p;
  }
  for (float& p : probs_) p /= sum;
  const float coin = random_f32();
  work_ = {0, 6 * nn, nn, 4 * 3 * nn};

  if (top_p_ <= 0.0f || top_p_ >= 1.0f || n < 2) {
    float cdf = 0.0f;
    for (uint32_t i = 0; i < n; ++i) {
      cdf += probs_[i];
      if (coin < cdf) return static_cast<TokenId>(i);
    }
    return static_cast<TokenId>(n - 1);  // rounding left the cdf just below 1
  }
  const float cutoff = (1.0f - top_p_) / static_cast<float>(n - 1);
  nucleus_.clear();
  for (uint32_t i = 0; i < n; ++i)
    if (probs_[i] >= cutoff) nucleus_.emplace_back(probs_[i], static_cast<TokenId>(i));
  std::stable_sort(nucleus_.begin(), nucleus_.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  float cumulative = 0.0f;
  size_t last = nucleus_.size() - 1;
  for (size_t i = 0; i < nucleus_.size(); ++i) {
    cumulative += nucleus_[i].first;
    if (cumulative > top_p_) {
      last = i;
      break;
    }
  }
  const float r = coin * cumulative;
  float cdf = 0.0f;
  for (size_t i = 0; i <= last; ++i) {
    cdf += nucleus_[i].first;
    if (r < cdf) return nucleus_[i].second;
  }
  return nucleus_[last].second;
}

Generation generate(Transformer& t, Sampler& sampler, const std::vector<TokenId>& prompt, uint32_t max_new_tokens,
                    PromptMode mode) {
  if (prompt.empty()) throw std::invalid_argument("generate: the prompt needs at least one token");
  const uint32_t vocab = t.model().config.vocab_size;
  t.reset();
  Generation g;
  const std::vector<float>* logits = nullptr;
  if (mode == PromptMode::whole_sequence) {
    logits = &t.forward_sequence(prompt, 0, false);
  } else {
    for (uint32_t p = 0; p < prompt.size(); ++p) logits = &t.forward(prompt[p], p);
  }
  uint32_t pos = static_cast<uint32_t>(prompt.size());
  while (g.tokens.size() < max_new_tokens) {
    const TokenId next = sampler.sample(logits->data() + logits->size() - vocab, vocab);
    t.add_work(HostOp::sampling, sampler.last_work());
    if (next == Tokenizer::kBos || next == Tokenizer::kEos) {
      g.stopped = true;
      break;
    }
    g.tokens.push_back(next);
    if (g.tokens.size() == max_new_tokens || pos >= t.context()) break;
    logits = &t.forward(next, pos++);
  }
  return g;
}

}  // namespace energon::llama
