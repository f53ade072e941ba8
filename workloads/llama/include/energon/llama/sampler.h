// Next-token choice (greedy or seeded temperature / top-p, as llama2.c run.c) and the
// generation loop.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/llama/host_work.h"
#include "energon/llama/tokenizer.h"

namespace energon::llama {

class Transformer;

/// Index of the largest value (the first one on ties).
TokenId argmax(const float* values, uint32_t n);

class Sampler {
 public:
  /// temperature 0 → greedy argmax. Otherwise softmax(logits / temperature) is sampled with
  /// llama2.c's xorshift generator seeded by `seed` (0 is replaced by 1: xorshift needs a
  /// non-zero state); top_p in (0, 1) restricts to the nucleus, else the full distribution.
  /// std::invalid_argument for a negative or non-finite temperature.
  explicit Sampler(float temperature = 0.0f, uint64_t seed = 1, float top_p = 1.0f);

  /// Chooses the next token from logits [n] (not modified).
  TokenId sample(const float* logits, uint32_t n);
  float temperature() const { return temperature_; }
  /// Work of the most recent sample() call.
  const HostWork& last_work() const { return work_; }

  /// llama2.c random_u32 / random_f32.
  uint32_t random_u32();
  float random_f32();

 private:
  float temperature_;
  float top_p_;
  uint64_t state_;
  std::vector<float> probs_;
  std::vector<std::pair<float, TokenId>> nucleus_;
  HostWork work_;
};

enum class PromptMode : uint8_t { whole_sequence, token_by_token };

struct Generation {
  std::vector<TokenId> tokens;  ///< generated tokens (not the prompt, not the stop token)
  bool stopped = false;         ///< the model produced BOS or EOS
};

/// Runs `prompt` (non-empty, usually starting with BOS) from position 0 (the transformer's
/// cache is reset), then samples up to `max_new_tokens` tokens, stopping early at BOS/EOS or
/// at the end of the context. Sampling work is added to the transformer's ledgers.
Generation generate(Transformer& transformer, Sampler& sampler, const std::vector<TokenId>& prompt,
                    uint32_t max_new_tokens, PromptMode mode = PromptMode::whole_sequence);

}  // namespace energon::llama
