// energon-llm-bench MODEL TOKENIZER [steps] [lt|at]: the simulation cost of real-model mode. The
// trained network generates greedily from "Once upon a time" on the platform (host CPU model,
// firmware driver, accelerator; no golden shadow, as energon-vp --model ... --no-check), dense
// and mpmrf, and the float host path (llama::Transformer with its own float attention) runs the
// same positions one token at a time. Prints CPU times and their ratio; numbers only, no
// pass/fail (scripts/bench_sim_speed.sh, docs/architecture.md "Simulation speed"). Under callgrind
// the platform is the run_llm region and the float path the run_float_path region (3 runs).
#include <systemc>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include "energon/llama/model_loader.h"
#include "energon/llama/transformer.h"
#include "energon/platform/llm/llm_command.h"
#include "energon/platform/platform_config.h"

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// The float host path over `tokens`, one position at a time. Not inlined: callgrind counts its
// instructions alone with --toggle-collect='*run_float_path*' (scripts/bench_sim_speed.sh).
__attribute__((noinline)) void run_float_path(energon::llama::Transformer& net,
                                              const std::vector<energon::llama::TokenId>& tokens) {
  for (uint32_t pos = 0; pos < tokens.size(); ++pos) net.forward(tokens[pos], pos);
}

}  // namespace

int sc_main(int argc, char** argv) {
  using namespace energon;
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: energon-llm-bench MODEL TOKENIZER [steps (default 200)] [lt|at]\n");
    return 2;
  }
  const std::string model_path = argv[1], tok_path = argv[2];
  const long steps = argc > 3 ? std::strtol(argv[3], nullptr, 10) : 200;
  const std::string timing = argc > 4 ? argv[4] : "lt";
  if (steps <= 0 || steps > 100000 || (timing != "lt" && timing != "at")) {
    std::fprintf(stderr, "energon-llm-bench: steps must be 1..100000 and timing lt or at\n");
    return 2;
  }
  try {
    const llama::LoadedModel lm = llama::load_model_files(model_path, tok_path);
    const platform::PlatformConfig hw = platform::load_platform_config("energon-edge");
    platform::llm::LlmAppConfig cfg;
    cfg.prompt = lm.tokenizer.encode("Once upon a time", true, false);
    cfg.steps = uint32_t(steps);
    cfg.check = false;
    // One simulation per process: mpmrf (the default filter) on the platform.
    const double t0 = cpu_seconds();
    const platform::llm::LlmRun run = platform::llm::run_llm(
        lm, hw, timing == "at" ? platform::PlatformTiming::accurate : platform::PlatformTiming::lt, cfg);
    const double platform_s = cpu_seconds() - t0;
    if (!run.error.empty()) {
      std::fprintf(stderr, "energon-llm-bench: %s\n", run.error.c_str());
      return 1;
    }
    // The float path on the same positions: the prompt and every generated token but the last.
    std::vector<llama::TokenId> tokens = cfg.prompt;
    tokens.insert(tokens.end(), run.app.generated.begin(), run.app.generated.end());
    if (!run.app.generated.empty()) tokens.pop_back();
    double float_s = 1e30;
    for (int r = 0; r < 3; ++r) {
      llama::Transformer net(lm.model);
      const double f0 = cpu_seconds();
      run_float_path(net, tokens);
      float_s = std::min(float_s, cpu_seconds() - f0);
    }
    const size_t jobs = run.jobs.size();
    std::printf(
        "real model %s, mpmrf, %s, generation of %zu positions (%zu accelerator jobs): platform %.1f ms CPU "
        "(%.1f us per job), float path %.1f ms: %.2fx float\n",
        model_path.substr(model_path.rfind('/') + 1).c_str(), timing.c_str(), tokens.size(), jobs, platform_s * 1e3,
        jobs ? platform_s * 1e6 / double(jobs) : 0.0, float_s * 1e3, platform_s / float_s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "energon-llm-bench: %s\n", e.what());
    return 2;
  }
  return 0;
}
