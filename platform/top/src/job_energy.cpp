#include "energon/platform/job_energy.h"

namespace energon::platform {

hw::EnergyBreakdown job_energy(const hw::EnergyTable& table, const PlatformConfig& hw, const hw::JobRecord& job) {
  hw::JobContext ctx;
  for (uint64_t b : job.datapath.fetch.sram_bytes) ctx.sram_hit_bytes += b;
  ctx.sram_array_bytes = hw.accel.sram_bytes / 2;  // the fetch unit gives a kv head half the buffer
  ctx.clock_mhz = hw.accel.clock_mhz;
  ctx.selector_elems = job.datapath.selector.elements;
  return hw::estimate_energy(table, hw::dram_standard_of(hw.dram.name),
                             hw::activity_from_job(job.desc, job.outcome, ctx));
}

}  // namespace energon::platform
