// Energy of one job the platform ran: the counts its blocks kept (the job record's datapath
// statistics) turned into activity (modules/energy) with the preset's buffer size and clock. One
// place for the VP and the real-model reports.
#pragma once

#include "energon/hw/energy.h"
#include "energon/hw/energy_table.h"
#include "energon/hw/accelerator.h"
#include "energon/platform/platform_config.h"

namespace energon::platform {

/// The energy model's view of a job's block statistics.
hw::JobCounts job_counts(const hw::DatapathStats& stats);

/// Throws hw::EnergyConfigError when the table lacks the preset's DRAM standard.
hw::EnergyBreakdown job_energy(const hw::EnergyTable& table, const PlatformConfig& hw, const hw::JobRecord& job);

}  // namespace energon::platform
