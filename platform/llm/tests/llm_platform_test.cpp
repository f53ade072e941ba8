// The trained model through the platform: known greedy story, bit-exact logits against the
// golden backend in every mode, quality figures equal to the golden backend's, command errors.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "energon/checks/golden_shadow.h"
#include "energon/llama/sampler.h"
#include "energon/llm_eval/golden_attention.h"
#include "energon/llama/transformer.h"
#include "energon/platform/llm/host_network_cost.h"
#include "energon/platform/llm/llm_command.h"
#include "model_files.h"
#include "energon/platform/llm/llm_report.h"

using namespace energon;
using namespace energon::platform;
using namespace energon::platform::llm;

namespace {

using namespace test_model;

llama::LoadedModel load() { return llama::load_model_files(kBin, kTok); }

LlmAppConfig app_config(const llama::LoadedModel& m, const FilterConfig& f, LlmMode mode, uint32_t steps) {
  LlmAppConfig c;
  c.shadow = checks::golden_shadow();
  c.filter = f;
  c.mode = mode;
  c.prompt = m.tokenizer.encode("Once upon a time", true, false);
  c.steps = steps;
  return c;
}

/// Runs the configuration and checks the platform logits against the golden shadow network.
LlmRun run_bit_exact(const LlmAppConfig& c, const llama::LoadedModel& m) {
  LlmRun run = run_llm(m, load_platform_config("energon-edge"), PlatformTiming::lt, c);
  REQUIRE(run.error.empty());
  INFO("max |logit difference| " << run.app.check.max_abs_diff);
  CHECK(run.app.check.rows > 0);
  CHECK(run.app.check.rows_differing == 0);
  CHECK(run.app.generated.size() == c.steps);
  return run;
}

}  // namespace

TEST_CASE("llm host network cost leaves attention and the float gather out", "[llm]") {
  llama::HostWorkLedger ledger;
  ledger.add(llama::HostOp::qkv_projection, {1000, 0, 0, 400});      // compute bound: 125 ns vs 40 ns
  ledger.add(llama::HostOp::ffn, {100, 100, 1, 8000});               // memory bound: 800 ns
  ledger.add(llama::HostOp::attention, {1000000, 1000, 100, 1000});  // offloaded
  ledger.add(llama::HostOp::kv_gather, {0, 0, 0, 1000000});          // replaced by the offload's packing
  const HostNetworkCost cost;
  CHECK(host_work_ns(ledger.op(llama::HostOp::qkv_projection), cost) == Approx(125.0));
  CHECK(host_work_ns(ledger.op(llama::HostOp::ffn), cost) == Approx(800.0));
  CHECK(offloaded_network_ns(ledger, cost) == Approx(925.0));
  CHECK(offloaded(llama::HostOp::attention));
  CHECK_FALSE(offloaded(llama::HostOp::rotary));
}

TEST_CASE("llm dense greedy generation through the platform tells the known story", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  LlmAppConfig c = app_config(m, FilterConfig::dense(), LlmMode::generation, 16);
  c.prompt = {llama::Tokenizer::kBos};
  // The float model's greedy text as an evaluation text, token by token on the resident cache.
  llama::Transformer fp(m.model, 24);
  llama::EvalText text;
  text.tokens = {llama::Tokenizer::kBos};
  while (text.tokens.size() < 24) {
    const auto& l = fp.forward(text.tokens.back(), uint32_t(text.tokens.size() - 1));
    text.tokens.push_back(llama::argmax(l.data(), m.model.config.vocab_size));
  }
  c.eval = {text};
  const LlmRun run = run_llm(m, load_platform_config("energon-edge"), PlatformTiming::lt, c);
  REQUIRE(run.error.empty());
  CHECK(run.app.text.rfind("Once upon a time, there was a little girl named Lily.", 0) == 0);
  CHECK(std::vector<llama::TokenId>(text.tokens.begin() + 1, text.tokens.begin() + 17) == run.app.generated);
  // Bound: top-1 cannot change where every logit moved by less than half the float top-1 margin.
  INFO("max |platform - float| logit " << run.app.eval_max_logit_diff << ", min float margin "
                                       << run.app.eval_min_float_margin);
  CHECK(run.app.eval_max_logit_diff < run.app.eval_min_float_margin / 2);
  CHECK(run.app.eval_agreement_bound == 1.0);
  CHECK(run.app.quality.top1_agreement == 1.0);
  CHECK(run.app.quality.mean_kl < 1e-5);
  CHECK(run.app.check.bit_exact());
}

TEST_CASE("llm whole-sequence jobs give the golden backend's logits bit for bit (dense)", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  const LlmRun run = run_bit_exact(app_config(m, FilterConfig::dense(), LlmMode::whole, 8), m);
  // Prompt: one causal job per layer; then one job per layer per generated token but the last.
  CHECK(run.app.records.size() == 5 * (1 + 7));
  CHECK(run.app.records.front().n_q == 5);
  CHECK(run.app.records.front().kv_head == kAllKvHeads);
}

TEST_CASE("llm whole-sequence jobs give the golden backend's logits bit for bit (mpmrf)", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  const LlmRun run = run_bit_exact(app_config(m, FilterConfig::energon_default(), LlmMode::whole, 8), m);
  uint64_t allowed = 0, kept = 0;
  for (const auto& r : run.app.records) allowed += r.result.allowed, kept += r.result.final_kept;
  CHECK(kept < allowed);  // the filter dropped keys and the logits still match the golden model
}

TEST_CASE("llm resident K/V cache gives the golden backend's logits bit for bit (dense)", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  const LlmRun run = run_bit_exact(app_config(m, FilterConfig::dense(), LlmMode::generation, 12), m);
  const uint64_t positions = 5 + 11;                   // prompt + generated tokens fed back
  CHECK(run.app.records.size() == positions * 5 * 4);  // one descriptor per layer and kv head
  CHECK(run.app.cache.rows_appended == positions * 5 * 4);
  CHECK(run.app.cache.k_requantized + run.app.cache.v_requantized > 0);  // the repack path ran
  CHECK(run.app.cache.repack_bytes > 0);
  CHECK(run.app.batches == positions * 5);  // one doorbell per layer and step
}

TEST_CASE("llm resident K/V cache gives the golden backend's logits bit for bit (mpmrf)", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  const LlmRun run = run_bit_exact(app_config(m, FilterConfig::energon_default(), LlmMode::generation, 12), m);
  CHECK(run.app.cache.k_requantized > 0);
  const auto layers = layer_figures(run, load_platform_config("energon-edge"));
  REQUIRE(layers.size() == 5);
  for (const auto& l : layers) CHECK(l.per_kv_head.size() == 4);
}

TEST_CASE("llm prefill then resident cache gives the golden backend's logits bit for bit (topk)", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  const LlmRun run =
      run_bit_exact(app_config(m, FilterConfig::topk_fraction(kFractionOne / 4), LlmMode::prefill, 10), m);
  CHECK(run.app.records.front().kv_head == kAllKvHeads);  // the prompt as one job per layer
  CHECK(run.app.records.back().kv_head != kAllKvHeads);   // then per-kv-head descriptors
  CHECK(run.app.cache.rows_appended == (5 + 9) * 5 * 4);  // prompt rows synced into the cache
}

TEST_CASE("llm quality figures through the platform equal the golden backend's", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const llama::LoadedModel m = load();
  LlmAppConfig c;
  c.shadow = checks::golden_shadow();
  c.filter = FilterConfig::energon_default();
  c.mode = LlmMode::whole;
  c.eval = llama::sample_eval_set(m.model, 2, 32, 1.0f, 1);
  const LlmRun run = run_llm(m, load_platform_config("energon-edge"), PlatformTiming::lt, c);
  REQUIRE(run.error.empty());
  REQUIRE(run.app.evaluated);
  // energon-llm-eval's computation, outside the platform: golden backend vs float path.
  llm_eval::GoldenAttention golden(c.filter);
  llama::QualityMeter meter;
  for (const auto& t : c.eval) {
    llama::Transformer fp(m.model, 32), gp(m.model, golden, 32);
    const auto ref = fp.forward_sequence(t.tokens, 0, true);
    const auto test = gp.forward_sequence(t.tokens, 0, true);
    for (size_t p = 0; p + 1 < t.tokens.size(); ++p) meter.add(&ref[p * 512], &test[p * 512], 512, t.tokens[p + 1]);
  }
  const llama::QualityFigures g = meter.figures();
  CHECK(run.app.quality.positions == 62);
  CHECK(run.app.quality.top1_agreement == g.top1_agreement);
  CHECK(run.app.quality.mean_kl == g.mean_kl);
  CHECK(run.app.quality.perplexity == g.perplexity);
  CHECK(run.app.quality.mean_kl > 0);  // mpmrf changes the distributions: the equality is not vacuous
}

TEST_CASE("llm command prints the text and writes the JSON report", "[llm]") {
  SKIP_WITHOUT_MODEL();
  const std::string json = (std::filesystem::temp_directory_path() / "energon_llm_command_test.json").string();
  const char* argv[] = {"energon-vp-llm", "--model", kBin.c_str(), "--tokenizer", kTok.c_str(), "--policy",
                        "mpmrf",          "--steps", "6",          "--json",      json.c_str()};
  std::ostringstream out, err;
  const LlmParseOutcome p = parse_llm_options(11, argv, out, err);
  REQUIRE(p.options);
  REQUIRE(run_llm_command(*p.options, checks::golden_shadow(), out, err) == 0);
  INFO(out.str() << err.str());
  CHECK(out.str().rfind("Once upon a time", 0) == 0);
  CHECK(out.str().find("bit-exact vs golden: yes") != std::string::npos);
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["accelerator"]["cycles"]["value"].get<uint64_t>() > 0);
  CHECK(j["layers"]["layer4"]["kept_fraction"]["value"].get<double>() > 0);
  CHECK(j["time"]["generation"]["tokens_per_s"]["value"].get<double>() > 0);
  CHECK(j["check"]["bit_exact"]["value"].get<std::string>() == "yes");
  CHECK(j["provenance"]["tool"]["value"].get<std::string>() == "energon-vp --model");
  CHECK(j["provenance"]["model_shape"]["layers"]["value"].get<uint64_t>() == 5);
  CHECK(!j["provenance"]["git_commit"]["value"].get<std::string>().empty());
  std::remove(json.c_str());
}

TEST_CASE("llm command rejects bad options and model files with a clear message", "[llm]") {
  std::ostringstream out, err;
  {
    const char* argv[] = {"energon-vp-llm", "--model", "x.gguf", "--policy", "sparse"};
    CHECK(parse_llm_options(5, argv, out, err).exit_code == 2);
    CHECK(err.str().find("--policy 'sparse'") != std::string::npos);
  }
  {
    const char* argv[] = {"energon-vp-llm", "--prompt", "hi"};
    CHECK(parse_llm_options(3, argv, out, err).exit_code == 2);
    CHECK(err.str().find("--model is required") != std::string::npos);
  }
  {
    const char* argv[] = {"energon-vp-llm", "--model", "x.gguf", "--policy", "mpmrf", "--rounds", "4x2:beta=1"};
    CHECK(parse_llm_options(7, argv, out, err).exit_code == 2);
    CHECK(err.str().find("--rounds") != std::string::npos);
  }
  LlmOptions o;
  o.model = "/nonexistent/dir/stories.bin";
  o.tokenizer = "/nonexistent/dir/tok512.bin";
  err.str("");
  CHECK(run_llm_command(o, checks::golden_shadow(), out, err) == 2);
  CHECK(err.str().find("/nonexistent/dir/stories.bin") != std::string::npos);
  if (have_model()) {
    o.model = kBin;
    o.tokenizer = "";  // a llama2.c checkpoint needs its tokenizer file
    err.str("");
    CHECK(run_llm_command(o, checks::golden_shadow(), out, err) == 2);
    CHECK(err.str().find("tokenizer") != std::string::npos);
  }
}
