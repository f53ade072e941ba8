// The firmware application the host CPU runs: for each layer of a workload it quantizes and
// places the tensors, submits descriptors (up to queue_depth layers in flight), waits for the
// interrupt, reads the output back and optionally compares it with the golden model. The
// comparison runs outside simulated time: it is the testbench's check, not host work.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "energon/attention_job.h"
#include "energon/cascade_schedule.h"
#include "energon/fw/energon_fw.h"
#include "energon/golden/accuracy.h"
#include "energon/golden/golden.h"
#include "energon/platform/host_cpu.h"
#include "energon/platform/job_placement.h"

namespace energon::checks {

struct AppConfig {
  uint64_t reg_base = 0;  ///< accelerator register block
  FilterConfig filter = FilterConfig::dense();
  std::map<uint32_t, FilterConfig> layer_filters;  ///< per-layer overrides of `filter` (--rounds-file)
  const FilterConfig& filter_at(uint32_t layer) const {
    const auto it = layer_filters.find(layer);
    return it == layer_filters.end() ? filter : it->second;
  }
  uint32_t queue_depth = 2;  ///< layers submitted before waiting for completion (1 with cascade pruning)
  /// Cascade token and head pruning (docs/pruning.md): layer l's job gets the prune mask the
  /// driver computed from the importance of layers 0..l−1. Off when no list is given.
  CascadeSchedule cascade;
  uint32_t ring_entries = 16;
  bool check = true;               ///< golden comparison and accuracy figures
  uint32_t timeout_us = 10000000;  ///< simulated time to wait for the next interrupt
  /// Called after each layer is read back (and checked): the number of layers done (progress).
  std::function<void(uint32_t layers_done)> on_layer;
};

struct LayerResult {
  uint32_t layer = 0;
  AttentionShape shape;
  energon_result_t hw{};                  ///< result block of the descriptor
  sc_core::sc_time submitted, completed;  ///< host view: doorbell and interrupt handled
  bool checked = false;
  bool bit_exact = false;                    ///< output equals the golden model's
  size_t mismatches = 0;                     ///< output elements that differ
  bool counts_match = false;                 ///< allowed / kept-per-round / final counts equal golden's
  bool importance_match = true;              ///< cascade pruning: the importance table equals golden's
  uint32_t tokens_kept = 0, heads_kept = 0;  ///< cascade pruning: what the layer's prune mask left
  golden::GoldenStats golden;
  golden::Accuracy accuracy;  ///< hardware output vs the float64 reference
};

struct AppResult {
  int status = ENERGON_FW_OK;  ///< first driver failure (energon_fw_status)
  std::string error;           ///< what failed, "" when everything ran
  std::vector<LayerResult> layers;
  energon_counters_t counters{};  ///< PERF_* registers at the end
  sc_core::sc_time start, end;    ///< simulated time of the first placement and last completion
  double check_wall_s = 0;        ///< wall time spent in golden checks (excluded from speed figures)
  bool all_bit_exact() const;
};

/// Produces layer `i` of the workload as float tensors (not charged to simulated time: the
/// activations are already in host memory).
using LayerSource = std::function<FloatLayer(uint32_t layer)>;

class AttentionApp {
 public:
  AttentionApp(uint32_t n_layers, LayerSource source, const AppConfig& config);
  /// The program: pass to HostCpu::load_program via a lambda or std::ref.
  void operator()(platform::HostCpu& cpu);
  const AppResult& result() const { return result_; }

 private:
  void fail(int status, const std::string& what);
  void check_layer(const FloatLayer& layer, const platform::PlacedJob& job, const std::vector<int16_t>& out,
                   const std::vector<uint8_t>* importance, LayerResult& r);

  uint32_t n_layers_;
  LayerSource source_;
  AppConfig config_;
  AppResult result_;
};

}  // namespace energon::checks
