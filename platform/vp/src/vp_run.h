// One energon-vp simulation: the platform runs one pass per policy, one after the other, in
// the same simulation (same preset, same data); each pass keeps its own figures.
#pragma once

#include <string>
#include <vector>

#include "energon/hw/dram_stats.h"
#include "energon/checks/attention_app.h"
#include "energon/hw/accelerator.h"
#include "energon/layer_filters.h"
#include "energon/platform/platform_config.h"
#include "energon/workload/workload.h"
#include "vp_options.h"

namespace energon::vp {

struct PassResult {
  FilterConfig filter;   ///< the pass's filter (every layer without a per-layer entry)
  LayerFilters filters;  ///< per layer (--rounds-file on the requested pass)
  checks::AppResult app;
  hw::DramStats dram;               ///< DRAM model statistics of this pass
  std::vector<hw::JobRecord> jobs;  ///< per-job datapath figures
  platform::HostCpuStats host;      ///< host counters at the end of the pass (cumulative)
};

struct RunResult {
  std::vector<PassResult> passes;  ///< passes[0] is the --policy pass
  double wall_s = 0;               ///< wall time of the simulation
  double check_wall_s = 0;         ///< of which golden checks
  std::string error;               ///< a failure that stopped the program
};

/// Elaborates the platform, runs the passes, returns their figures (call once per process).
RunResult run_platform(const VpOptions& o, const platform::PlatformConfig& hw, const workload::Workload& w,
                       uint32_t layers);

}  // namespace energon::vp
