#include "energon/platform/job_energy.h"

namespace energon::platform {

hw::JobCounts job_counts(const hw::DatapathStats& s) {
  hw::JobCounts c;
  c.cycles = s.cycles;
  c.round_keys = s.filter.round_keys;
  c.round_macs = s.filter.round_macs;
  c.int16_macs = s.attention.qk_macs + s.attention.v_macs;
  c.softmax_elems = s.attention.softmax_elems;
  c.selector_elems = s.selector.elements;
  for (size_t t = 0; t < s.fetch.dram_bytes.size(); ++t) {
    const bool write = t == size_t(hw::Traffic::out) || t == size_t(hw::Traffic::desc_wr);
    (write ? c.dram_write_bytes : c.dram_read_bytes) += s.fetch.dram_bytes[t];
    c.sram_hit_bytes += s.fetch.sram_bytes[t];
  }
  return c;
}

hw::EnergyBreakdown job_energy(const hw::EnergyTable& table, const PlatformConfig& hw, const hw::JobRecord& job) {
  hw::JobContext ctx;
  ctx.sram_array_bytes = hw.accel.sram_bytes / 2;  // the fetch unit gives a kv head half the buffer
  ctx.clock_mhz = hw.accel.clock_mhz;
  return hw::estimate_energy(table, hw::dram_standard_of(hw.dram.name),
                             hw::activity_from_counts(job.desc, job_counts(job.datapath), ctx));
}

}  // namespace energon::platform
