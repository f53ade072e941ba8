// The float network against the known greedy story, its two execution modes, the attention
// backend interface, sampling and the host work counters.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>

#include "energon/llama/model_loader.h"
#include "energon/llama/sampler.h"
#include "energon/llama/transformer.h"
#include "model_files.h"

using namespace energon::llama;
using energon::llama::test::known_story;

namespace {

Generation greedy(const Model& model, PromptMode mode, uint32_t steps = 256) {
  Transformer t(model);
  Sampler argmax_sampler;
  return generate(t, argmax_sampler, {Tokenizer::kBos}, steps, mode);
}

// The known story must be the start of the output, ending where a new line begins.
void check_known_story(const std::string& text) {
  const std::string story = known_story();
  REQUIRE(text.size() > story.size());
  CHECK(text.substr(0, story.size()) == story);
  CHECK(text[story.size()] == '\n');
}

// Records each job's shape and forwards to the float reference.
struct RecordingAttention : AttentionBackend {
  std::vector<std::pair<uint32_t, energon::AttentionShape>> calls;
  FloatAttention reference;
  void attend(uint32_t layer, const energon::FloatLayer& qkv, float* out) override {
    calls.emplace_back(layer, qkv.shape);
    reference.attend(layer, qkv, out);
  }
};

}  // namespace

TEST_CASE("llama greedy story from the llama2.c checkpoint", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const LoadedModel m = load_model_files(test::checkpoint_path(), test::tokenizer_path());
  const Generation g = greedy(m.model, PromptMode::token_by_token);
  check_known_story(m.tokenizer.decode(g.tokens));
}

TEST_CASE("llama greedy story from the GGUF file", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const LoadedModel m = load_model_files(test::gguf_path());
  const Generation g = greedy(m.model, PromptMode::whole_sequence);
  check_known_story(m.tokenizer.decode(g.tokens));
  // Same weights: the two files generate the same 256 tokens.
  const Model bin = load_llama2c_checkpoint(test::checkpoint_path());
  CHECK(greedy(bin, PromptMode::token_by_token).tokens == g.tokens);
}

TEST_CASE("llama whole-sequence logits equal generation logits", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const LoadedModel m = load_model_files(test::checkpoint_path(), test::tokenizer_path());
  const std::vector<TokenId> tokens = m.tokenizer.encode("Once upon a time, there was a cat.", true, false);
  REQUIRE(tokens.size() > 8);
  const uint32_t vocab = m.model.config.vocab_size;

  Transformer step(m.model);
  std::vector<float> stepwise;
  for (uint32_t p = 0; p < tokens.size(); ++p) {
    const std::vector<float>& l = step.forward(tokens[p], p);
    stepwise.insert(stepwise.end(), l.begin(), l.end());
  }
  Transformer whole(m.model);
  const std::vector<float> all = whole.forward_sequence(tokens, 0);
  REQUIRE(all.size() == stepwise.size());
  float max_diff = 0.0f;
  for (size_t i = 0; i < all.size(); ++i) max_diff = std::max(max_diff, std::fabs(all[i] - stepwise[i]));
  CHECK(max_diff <= 1e-5f);

  // Split into a prefix and a continuation of 3 positions: the last rows agree too.
  Transformer split(m.model);
  const std::vector<TokenId> head(tokens.begin(), tokens.end() - 3);
  const std::vector<TokenId> tail(tokens.end() - 3, tokens.end());
  split.forward_sequence(head, 0, false);
  const std::vector<float>& rest = split.forward_sequence(tail, static_cast<uint32_t>(head.size()));
  REQUIRE(rest.size() == 3u * vocab);
  for (size_t i = 0; i < rest.size(); ++i)
    REQUIRE(std::fabs(rest[i] - stepwise[(tokens.size() - 3) * vocab + i]) <= 1e-5f);
  // Changing a later token must not change earlier logits (causal mask).
  std::vector<TokenId> changed = tokens;
  changed.back() = 100;
  Transformer causal(m.model);
  const std::vector<float> c = causal.forward_sequence(changed, 0);
  for (size_t i = 0; i < (tokens.size() - 1) * vocab; ++i) REQUIRE(c[i] == all[i]);
}

TEST_CASE("llama attention backend receives one causal job per layer and step", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Model model = load_llama2c_checkpoint(test::checkpoint_path());
  RecordingAttention rec;
  Transformer t(model, rec);
  t.forward_sequence({1, 403, 407}, 0);
  t.forward(300, 3);
  const ModelConfig& c = model.config;
  REQUIRE(rec.calls.size() == 2u * c.n_layers);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const auto& [layer, s] = rec.calls[l];
    CHECK(layer == l);
    CHECK(s.heads == 8);
    CHECK(s.kv_heads == 4);
    CHECK(s.d == 8);
    CHECK(s.n_q == 3);
    CHECK(s.n_k == 3);
    CHECK(s.valid_len == 3);
    CHECK(s.causal);
    CHECK(energon::validate(s).empty());
    const auto& [layer2, s2] = rec.calls[c.n_layers + l];
    CHECK(layer2 == l);
    CHECK(s2.n_q == 1);
    CHECK(s2.n_k == 4);
    CHECK(s2.valid_len == 4);
  }
  // The recorded run and the default float run give the same logits.
  Transformer ref(model);
  ref.forward_sequence({1, 403, 407}, 0);
  CHECK(ref.forward(300, 3) == t.forward(300, 3));
}

TEST_CASE("llama transformer rejects positions outside the cache and context", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Model model = load_llama2c_checkpoint(test::checkpoint_path());
  Transformer t(model, 16);
  CHECK_THROWS_AS(t.forward(1, 1), std::invalid_argument);    // position 0 not cached yet
  CHECK_THROWS_AS(t.forward(512, 0), std::invalid_argument);  // outside the vocabulary
  CHECK_THROWS_AS(t.forward_sequence(std::vector<TokenId>(17, 5), 0), std::invalid_argument);
  CHECK_THROWS_AS(Transformer(model, 513), std::invalid_argument);
  // Generation stops at the end of the context: positions 1..15 are fed back, and the token
  // sampled from position 15's logits is the 16th (it needs no cache slot).
  Sampler s;
  const Generation g = generate(t, s, {Tokenizer::kBos}, 100);
  CHECK(g.tokens.size() == 16);
  CHECK(t.cached_positions() == 16);
  CHECK_FALSE(g.stopped);
}

TEST_CASE("llama seeded temperature sampling is deterministic", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const LoadedModel m = load_model_files(test::checkpoint_path(), test::tokenizer_path());
  Transformer t(m.model);
  auto run = [&](uint64_t seed, float top_p) {
    Sampler s(1.0f, seed, top_p);
    return generate(t, s, {Tokenizer::kBos}, 64).tokens;
  };
  const auto a = run(42, 1.0f);
  CHECK(a == run(42, 1.0f));
  CHECK(a != run(43, 1.0f));
  CHECK(a != greedy(m.model, PromptMode::whole_sequence, 64).tokens);
  CHECK(run(7, 0.9f) == run(7, 0.9f));
  CHECK_THROWS_AS(Sampler(-1.0f), std::invalid_argument);
  // llama2.c's xorshift: the first outputs for seed 1 (computed from its definition).
  Sampler s(1.0f, 1);
  uint64_t state = 1;
  for (int i = 0; i < 4; ++i) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    CHECK(s.random_u32() == static_cast<uint32_t>((state * 0x2545F4914F6CDD1Dull) >> 32));
  }
}

TEST_CASE("llama host work counts follow the network size", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Model model = load_llama2c_checkpoint(test::checkpoint_path());
  const ModelConfig& c = model.config;
  Transformer t(model);
  t.forward(1, 0);
  t.forward(403, 1);
  const HostWorkLedger& w = t.last_work();
  CHECK(w.forward_steps == 1);
  CHECK(w.tokens == 1);
  const uint64_t dim = c.dim, kv = c.kv_dim(), hid = c.hidden_dim, L = c.n_layers;
  CHECK(w.op(HostOp::qkv_projection).macs == L * (dim * dim + 2 * dim * kv));
  CHECK(w.op(HostOp::output_projection).macs == L * dim * dim);
  CHECK(w.op(HostOp::ffn).macs == L * 3 * dim * hid);
  CHECK(w.op(HostOp::classifier).macs == dim * c.vocab_size);
  // Position 1 attends to 2 keys: scores and weighted sum, d MACs each, per head.
  CHECK(w.op(HostOp::attention).macs == L * c.n_heads * 2 * 2 * c.head_dim());
  CHECK(w.op(HostOp::rmsnorm).transcendental == 2 * L + 1);
  CHECK(w.op(HostOp::rotary).transcendental == L * 3 * dim / 2);
  CHECK(w.total().bytes > 4 * (L * (2 * dim * dim + 2 * dim * kv + 3 * dim * hid)));
  CHECK(w.total_except(HostOp::attention).macs == w.total().macs - w.op(HostOp::attention).macs);
  CHECK(t.total_work().forward_steps == 2);
  CHECK(t.total_work().op(HostOp::classifier).macs == 2 * dim * c.vocab_size);
  // Sampling is added by generate().
  Sampler s;
  generate(t, s, {Tokenizer::kBos}, 3);
  CHECK(t.total_work().op(HostOp::sampling).elementwise == 3 * c.vocab_size);
}

TEST_CASE("llama float path generates 256 tokens (timing)", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Model model = load_llama2c_checkpoint(test::checkpoint_path());
  Transformer t(model);
  Sampler s;
  const auto start = std::chrono::steady_clock::now();
  const Generation g = generate(t, s, {Tokenizer::kBos}, 256, PromptMode::token_by_token);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  WARN("generated " << g.tokens.size() << " tokens in " << ms << " ms (float path)");
  CHECK(g.tokens.size() == 256);
}
