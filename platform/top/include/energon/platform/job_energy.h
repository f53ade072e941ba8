// Energy of one job the platform ran, with the preset's DRAM standard (hw::job_energy in
// modules/accelerator does the work). One place for the VP and the real-model reports.
#pragma once

#include "energon/hw/energy.h"
#include "energon/hw/energy_table.h"
#include "energon/hw/accelerator.h"
#include "energon/platform/platform_config.h"

namespace energon::platform {

/// Throws hw::EnergyConfigError when the table lacks the preset's DRAM standard.
hw::EnergyBreakdown job_energy(const hw::EnergyTable& table, const PlatformConfig& hw, const hw::JobRecord& job);

}  // namespace energon::platform
