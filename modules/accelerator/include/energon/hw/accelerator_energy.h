// Energy of a job the accelerator ran, from what its blocks counted (the JobRecord's datapath
// statistics) and an energy table (energon::energy; docs/energy.md). Needs no platform.
#pragma once

#include <string>

#include "energon/hw/accelerator.h"
#include "energon/hw/energy.h"

namespace energon::hw {

/// The energy model's view of a job's (or a sum of jobs') block statistics.
JobCounts job_counts(const DatapathStats& stats);

/// Energy per block of one job on an accelerator configured with `config`, whose memory is of
/// `dram_standard` ("ddr4", "lpddr4", "hbm2"; dram_standard_of() maps a DRAM preset name).
/// Throws EnergyConfigError when the table lacks the standard.
EnergyBreakdown job_energy(const EnergyTable& table, const std::string& dram_standard, const AccelConfig& config,
                           const JobRecord& job);

}  // namespace energon::hw
