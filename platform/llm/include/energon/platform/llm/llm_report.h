// Figures of an energon-vp-llm run: per layer and in total (cycles, latency, DRAM traffic per
// class, kept fractions, energy), host vs accelerator time, modelled tokens per second, wall
// time, the golden check and the quality figures, as a statistics tree (table and JSON).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "energon/hw/job_if.h"
#include "energon/platform/llm/llm_command.h"
#include "energon/stats/stats.h"

namespace energon::platform::llm {

/// One layer's accelerator figures, summed over every step.
struct LayerFigures {
  uint64_t jobs = 0, cycles = 0, allowed = 0, final_kept = 0;
  std::array<uint64_t, ENERGON_MAX_ROUNDS> kept{};
  std::array<uint64_t, size_t(hw::Traffic::count)> bytes{};  ///< datapath DRAM traffic per class
  /// Job cycles split by what bounded them (datapath figures of each job).
  uint64_t filter_bound = 0, attention_bound = 0, memory_bound = 0;
  double latency_ns = 0;                       ///< host view: doorbell to interrupt handled, per batch
  double energy_pj = -1;                       ///< < 0 when the energy model is not built in
  std::vector<llama::KeptCounts> per_kv_head;  ///< hardware result blocks (resident descriptors)
};

/// Per-layer figures from the run's records joined with the platform's job records (same order;
/// std::runtime_error when they do not line up).
std::vector<LayerFigures> layer_figures(const LlmRun& run, const PlatformConfig& hw);

/// Fills `root`; returns true when the run finished and every checked logit row was bit-exact.
bool build_llm_report(stats::Group& root, const LlmOptions& o, const PlatformConfig& hw,
                      const llama::LoadedModel& loaded, const LlmRun& run);

}  // namespace energon::platform::llm
