// Per-layer rounds on the real model: each layer keeps what its rounds say, the resident cache
// holds each layer's K in that layer's planes, the golden shadow runs the same rules (bit-exact),
// and the command reads a rounds file and refuses bad ones with the file, key and value named.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "energon/checks/golden_shadow.h"
#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"
#include "energon/platform/llm/llm_command.h"
#include "model_files.h"

using namespace energon;
using namespace energon::platform;
using namespace energon::platform::llm;

namespace {

using namespace test_model;

FilterConfig rounds(const std::string& text) {
  hw::PolicyOptions po;
  po.rounds = text;
  return hw::policy_of(Policy::mpmrf).configure(po);
}

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

/// Per-layer rounds: layer 0 keeps every key (α = −1), layer 2 prunes hard (α = 0, 0.5), layer 4 one 4x4
/// round (other planes than the default's Q4×K2 → Q4×K4 in the resident cache).
void run_per_layer(LlmMode mode) {
  if (!have_model()) {
    WARN("skipped: model files not found in " << kModels);
    return;
  }
  const llama::LoadedModel m = llama::load_model_files(kBin, kTok);
  LlmAppConfig c;
  c.shadow = checks::golden_shadow();
  c.filter = FilterConfig::energon_default();
  c.layer_filters = {
      {0, rounds("8x8:alpha=-1")}, {2, rounds("4x2:alpha=0,4x4:alpha=0.5")}, {4, rounds("4x4:alpha=-0.25")}};
  c.mode = mode;
  c.prompt = m.tokenizer.encode("Once upon a time", true, false);
  c.steps = 12;
  const LlmRun run = run_llm(m, load_platform_config("energon-edge"), PlatformTiming::lt, c);
  REQUIRE(run.error.empty());
  CHECK(run.app.check.rows > 0);
  CHECK(run.app.check.rows_differing == 0);  // the golden shadow ran the same per-layer rules
  // Kept fractions per layer from the hardware result blocks.
  std::vector<uint64_t> allowed(5), kept(5);
  for (const auto& r : run.app.records) allowed[r.layer] += r.result.allowed, kept[r.layer] += r.result.final_kept;
  std::vector<double> f(5);
  for (size_t l = 0; l < 5; ++l) f[l] = double(kept[l]) / double(allowed[l]);
  INFO("kept per layer " << f[0] << " " << f[1] << " " << f[2] << " " << f[3] << " " << f[4]);
  CHECK(f[0] == 1.0);
  CHECK(f[2] < 0.5 * f[1]);
  CHECK(f[4] > f[3]);
  for (size_t l = 0; l < 5; ++l) CHECK(run.app.golden_per_layer[l].fraction() == f[l]);
  // Only layer 2 differs from the default among layers 1 and 3: those two sit near each other.
  CHECK(f[1] < 0.6);
  CHECK(f[3] < 0.6);
}

}  // namespace

TEST_CASE("llm per-layer rounds keep per layer and stay bit-exact (resident cache)", "[llm][rounds_file]") {
  run_per_layer(LlmMode::generation);
}

TEST_CASE("llm per-layer rounds keep per layer and stay bit-exact (whole-sequence jobs)", "[llm][rounds_file]") {
  run_per_layer(LlmMode::whole);
}

TEST_CASE("llm command takes a rounds file and reports the rules per layer", "[llm][rounds_file]") {
  if (!have_model()) {
    WARN("skipped: model files not found in " << kModels);
    return;
  }
  const std::string file = write_file("energon_llm_rounds.yaml",
                                      "policy: mpmrf\ndefault: \"8x8:alpha=-0.25\"\nlayers:\n  1: \"8x8:alpha=0\"\n");
  const std::string json = (std::filesystem::temp_directory_path() / "energon_llm_rounds.json").string();
  const char* argv[] = {"energon-vp-llm", "--model", kBin.c_str(), "--tokenizer", kTok.c_str(), "--rounds-file",
                        file.c_str(),     "--steps", "4",          "--json",      json.c_str()};
  std::ostringstream out, err;
  const LlmParseOutcome p = parse_llm_options(11, argv, out, err);
  REQUIRE(p.options);
  REQUIRE(run_llm_command(*p.options, checks::golden_shadow(), out, err) == 0);
  INFO(out.str() << err.str());
  CHECK(out.str().find("bit-exact vs golden: yes") != std::string::npos);
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["layers"]["layer0"]["policy"]["value"].get<std::string>() == "mpmrf 8x8:alpha=-0.25");
  CHECK(j["layers"]["layer1"]["policy"]["value"].get<std::string>() == "mpmrf 8x8:alpha=0");
  CHECK(j["layers"]["layer1"]["kept_fraction"]["value"].get<double>() <
        j["layers"]["layer0"]["kept_fraction"]["value"].get<double>());
  CHECK(j["provenance"]["run"]["rounds_file"]["value"].get<std::string>() == file);
  std::remove(json.c_str());
  std::remove(file.c_str());
}

TEST_CASE("llm command refuses bad rounds files naming the file, key and value", "[llm][rounds_file]") {
  std::ostringstream out, err;
  auto parse = [&](const std::vector<const char*>& extra) {
    std::vector<const char*> argv = {"energon-vp-llm", "--model", "x.bin", "--tokenizer", "t.bin"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    err.str("");
    return parse_llm_options(int(argv.size()), argv.data(), out, err);
  };
  const std::string bad = write_file("energon_llm_bad_rounds.yaml", "policy: mpmrf\nlayers:\n  3: \"4x4:beta=1\"\n");
  LlmParseOutcome p = parse({"--rounds-file", bad.c_str()});
  CHECK(p.exit_code == 2);
  CHECK(err.str().find(bad + ":3: key 'layers.3': value '4x4:beta=1'") != std::string::npos);
  p = parse({"--rounds-file", "/nonexistent/r.yaml"});
  CHECK(p.exit_code == 2);
  CHECK(err.str().find("--rounds-file: /nonexistent/r.yaml") != std::string::npos);
  const std::string topk = write_file("energon_llm_topk_rounds.yaml", "policy: topk\ndefault: top=50%\n");
  p = parse({"--rounds-file", topk.c_str(), "--policy", "mpmrf"});
  CHECK(p.exit_code == 2);
  CHECK(err.str().find("disagrees with --rounds-file") != std::string::npos);
  p = parse({"--rounds-file", topk.c_str(), "--rounds", "4x4:alpha=0"});
  CHECK(p.exit_code == 2);
  CHECK(err.str().find("--rounds-file replaces --rounds") != std::string::npos);
  p = parse({"--rounds-file", topk.c_str()});
  REQUIRE(p.options);
  CHECK(p.options->policy == Policy::topk);
  if (have_model()) {
    const std::string far = write_file("energon_llm_far_rounds.yaml", "policy: mpmrf\nlayers:\n  9: \"4x4:alpha=0\"\n");
    LlmOptions o = *parse({"--rounds-file", far.c_str()}).options;
    o.model = kBin;
    o.tokenizer = kTok;
    err.str("");
    CHECK(run_llm_command(o, checks::golden_shadow(), out, err) == 2);
    CHECK(err.str().find(far + ":3: key 'layers.9': layer 9 out of range (the model has 5 layers, 0..4)") !=
          std::string::npos);
    std::remove(far.c_str());
  }
  std::remove(bad.c_str());
  std::remove(topk.c_str());
}
