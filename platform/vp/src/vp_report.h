// The energon-vp report as a statistics tree (printed as a table and written as JSON).
#pragma once

#include "energon/stats/stats.h"
#include "vp_run.h"

namespace energon::vp {

/// Fills `root` with the run's figures; returns true when every check passed.
bool build_report(stats::Group& root, const VpOptions& o, const platform::PlatformConfig& hw,
                  const workload::Workload& w, uint32_t layers, const RunResult& run);

}  // namespace energon::vp
