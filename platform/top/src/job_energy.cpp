#include "energon/platform/job_energy.h"

#include "energon/hw/accelerator_energy.h"

namespace energon::platform {

hw::EnergyBreakdown job_energy(const hw::EnergyTable& table, const PlatformConfig& hw, const hw::JobRecord& job) {
  return hw::job_energy(table, hw::dram_standard_of(hw.dram.name), hw.accel, job);
}

}  // namespace energon::platform
