// The LLM host program: runs a trained network on the host CPU model with every attention
// layer offloaded to the accelerator (AcceleratorAttention), charges the network's host work
// with HostNetworkCost, generates text (greedy or seeded temperature sampling) and/or measures
// quality on an evaluation set. A shadow network with the golden backend runs on the same tokens
// outside simulated time: the testbench's bit-exactness check and per-head kept counts. The
// shadow backend is given by the caller (testbenches/checks: the golden one), so the platform
// never links the golden model.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "energon/attention_job.h"
#include "energon/layer_filters.h"
#include "energon/fw/energon_fw.h"
#include "energon/llama/model_loader.h"
#include "energon/llama/quality.h"
#include "energon/llama/transformer.h"
#include "energon/llama/attention_backend.h"
#include "energon/platform/host_cpu.h"
#include "energon/platform/llm/accelerator_attention.h"
#include "energon/platform/llm/host_network_cost.h"

namespace energon::platform::llm {

/// How the prompt and the generated tokens reach the accelerator.
enum class LlmMode : uint8_t {
  generation,  ///< every position one step (n_q = 1) on the resident K/V cache
  whole,       ///< every step re-places Q/K/V (per_job); the prompt is one causal job per layer
  prefill      ///< the prompt as one causal job per layer (per_job), then generation on the resident cache
};
const char* to_string(LlmMode m);
/// Parses "generation", "whole" or "prefill"; false otherwise.
bool parse_mode(const std::string& text, LlmMode& out);

struct LlmAppConfig {
  uint64_t reg_base = 0;  ///< accelerator register block
  FilterConfig filter = FilterConfig::energon_default();
  std::map<uint32_t, FilterConfig> layer_filters;  ///< per-layer overrides of `filter` (--rounds-file)
  LayerFilters filters() const { return {filter, layer_filters}; }
  LlmMode mode = LlmMode::generation;
  std::vector<llama::TokenId> prompt;  ///< generation run; empty = no generation run
  uint32_t steps = 64;                 ///< tokens to generate at most
  float temperature = 0.0f;            ///< 0 = greedy
  uint64_t seed = 1;
  uint32_t context = 0;  ///< KV capacity in positions; 0 = the model's seq_len
  uint32_t ring_entries = 16;
  uint32_t timeout_us = 1000000;  ///< simulated time allowed for one batch
  HostNetworkCost network;
  bool check = true;                  ///< run the shadow network and compare logits
  llama::ShadowFactory shadow;        ///< the shadow network's backend (required with check)
  std::vector<llama::EvalText> eval;  ///< evaluation texts; empty = no quality figures
  /// Progress: called after every generated token and every evaluation text with the steps done
  /// (tokens generated, then texts evaluated) and the simulated time in seconds.
  std::function<void(uint64_t steps_done, double simulated_s)> on_step;
};

/// One phase of the run in simulated time.
struct LlmPhase {
  sc_core::sc_time start, end;
  uint64_t tokens = 0;  ///< positions processed (prompt) or tokens generated
  uint64_t forward_steps = 0;
  double network_ns = 0;  ///< host network time charged in this phase
  double seconds() const { return (end - start).to_seconds(); }
};

/// Logits of the platform against the golden shadow network.
struct LogitCheck {
  uint64_t rows = 0;            ///< logit rows compared
  uint64_t rows_differing = 0;  ///< rows with at least one bit different
  double max_abs_diff = 0;
  bool bit_exact() const { return rows > 0 && rows_differing == 0; }
};

struct LlmAppResult {
  std::vector<llama::TokenId> generated;  ///< without the prompt and the stop token
  bool stopped = false;                   ///< BOS/EOS ended the generation
  std::string text;                       ///< prompt + generated text, decoded
  LlmPhase prompt, generation, eval;
  double network_ns = 0;               ///< all host network time charged
  llama::HostWorkLedger network_work;  ///< host work counts of the platform network
  std::vector<OffloadRecord> records;  ///< every descriptor, in submission order
  KvCacheStats cache;
  sc_core::sc_time offload_host_time = sc_core::SC_ZERO_TIME, offload_wait_time = sc_core::SC_ZERO_TIME;
  uint64_t batches = 0;
  energon_counters_t counters{};  ///< PERF_* at the end
  LogitCheck check;
  std::vector<llama::KeptCounts> golden_per_layer;  ///< golden shadow's counts
  std::vector<std::vector<llama::KeptCounts>> golden_per_head;
  bool evaluated = false;
  llama::QualityFigures quality;         ///< platform vs float on the eval set
  llama::QualityFigures golden_quality;  ///< golden backend vs float (equal when bit-exact)
  double eval_max_logit_diff = 0;        ///< largest |platform − float| logit over the eval set
  double eval_min_float_margin = 0;      ///< smallest float top-1 − top-2 logit gap over the eval set
  /// Share of eval positions whose float top-1 margin exceeds 2 · eval_max_logit_diff: there the
  /// argmax cannot change, so top-1 agreement is at least this.
  double eval_agreement_bound = 0;
  double check_wall_s = 0;  ///< wall time of shadow network and float reference
};

class LlmApp {
 public:
  /// `loaded` must outlive the app.
  LlmApp(const llama::LoadedModel& loaded, const LlmAppConfig& config);
  /// The program: pass to HostCpu::load_program. Throws on driver / job failures (HostCpu keeps
  /// the message as its program_error()).
  void operator()(HostCpu& cpu);
  const LlmAppResult& result() const { return result_; }
  const LlmAppConfig& config() const { return config_; }

 private:
  void generate(HostCpu& cpu, AcceleratorAttention& backend, llama::Transformer& net, llama::Transformer* shadow);
  void evaluate(HostCpu& cpu, AcceleratorAttention& backend, llama::Transformer& net, llama::Transformer* shadow);
  /// Charges the network's host work of the last forward call; returns the ns charged.
  double charge(HostCpu& cpu, const llama::Transformer& net);
  void compare(const std::vector<float>& platform, const std::vector<float>& golden);

  const llama::LoadedModel& loaded_;
  LlmAppConfig config_;
  LlmAppResult result_;
};

}  // namespace energon::platform::llm
