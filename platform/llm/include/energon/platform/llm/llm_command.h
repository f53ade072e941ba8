// energon-vp-llm: a prompt through the platform with a trained model (docs/real-model.md,
// "Offloaded attention and calibration"). run_llm elaborates the platform and runs LlmApp once
// (one simulation per process); run_llm_command is the whole command (load, run, report).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "energon/attention_job.h"
#include "energon/config/rounds_yaml.h"
#include "energon/hw/dram_stats.h"
#include "energon/llama/model_loader.h"
#include "energon/hw/accelerator.h"
#include "energon/platform/llm/llm_app.h"
#include "energon/platform/platform.h"
#include "energon/platform/platform_config.h"

namespace energon::platform::llm {

struct LlmOptions {
  std::string model;      ///< .gguf or llama2.c .bin
  std::string tokenizer;  ///< llama2.c tokenizer (not needed for .gguf)
  std::string prompt = "Once upon a time";
  std::string hw = "energon-edge";  ///< hardware preset or YAML file
  Policy policy = Policy::mpmrf;
  std::string rounds;               ///< mpmrf rounds, "" = Energon's default
  std::string topk = "top=25%";     ///< topk policy rule
  std::string rounds_file;          ///< --rounds-file: per-layer rounds (docs/policies.md), "" = none
  config::RoundsFile layer_rounds;  ///< its contents, read by parse_llm_options
  uint32_t steps = 64;
  float temperature = 0.0f;
  uint64_t seed = 1;
  LlmMode mode = LlmMode::generation;
  uint32_t context = 0;  ///< 0 = what the run needs (≤ the model's seq_len)
  PlatformTiming timing = PlatformTiming::lt;
  bool eval = false;  ///< quality figures on the evaluation set
  uint32_t eval_texts = 2, eval_length = 128;
  uint64_t eval_seed = 1;
  bool generate = true;  ///< false: --eval only
  bool check = true;     ///< golden shadow network
  std::string json_path;
  bool quiet = false;        ///< only the text and the verdict lines
  std::string command_line;  ///< for the report's provenance
};

/// Parsed options, or the exit code to return (0 after --help, 2 after a bad option); messages
/// go to `out` (help) and `err` (problems).
struct LlmParseOutcome {
  std::optional<LlmOptions> options;
  int exit_code = 0;
};
LlmParseOutcome parse_llm_options(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// The filter configuration of the options (policy, rounds, top-k rule; the rounds file's default
/// with --rounds-file); std::invalid_argument naming the option when a rule does not parse or validate.
FilterConfig filter_of(const LlmOptions& o);
/// Every layer's filter: filter_of(o) and, with --rounds-file, the file's per-layer entries.
LayerFilters filters_of(const LlmOptions& o);

/// Everything one run produced.
struct LlmRun {
  LlmAppResult app;
  std::vector<hw::JobRecord> jobs;  ///< per-job datapath figures, same order as app.records
  hw::DramStats dram;               ///< DRAM model statistics
  HostCpuStats host;
  sc_core::sc_time end;  ///< simulated time at the end
  double wall_s = 0;     ///< wall time of the simulation
  std::string error;     ///< the program's failure, "" when it finished
};

/// Elaborates the platform, runs LlmApp with `config` (reg_base is set here), returns the
/// figures. Call once per process (one simulation).
LlmRun run_llm(const llama::LoadedModel& loaded, const PlatformConfig& hw, PlatformTiming timing,
               const LlmAppConfig& config);

/// The command: loads the preset and the model, runs, prints the text and the report to `out`
/// (and JSON to o.json_path). Returns 0 on success, 2 for bad options / files (message to
/// `err`, naming the file), 1 when the simulation fails or the golden check finds a mismatch.
/// `shadow` makes the backend of the shadow network that checks the run (o.check).
int run_llm_command(const LlmOptions& o, const llama::ShadowFactory& shadow, std::ostream& out, std::ostream& err);

}  // namespace energon::platform::llm
