#include "energon/hw/accelerator_energy.h"

namespace energon::hw {

JobCounts job_counts(const DatapathStats& s) {
  JobCounts c;
  c.cycles = s.cycles;
  c.round_keys = s.filter.round_keys;
  c.round_macs = s.filter.round_macs;
  c.int16_macs = s.attention.qk_macs + s.attention.v_macs;
  c.softmax_elems = s.attention.softmax_elems + s.pq_softmax_elems;  // spatten: its decision pass too
  c.selector_elems = s.selector.elements;
  c.search_products = s.candidate_search.products;
  c.search_compares = s.candidate_search.sort_compares + s.candidate_search.pick_compares;
  for (size_t t = 0; t < s.fetch.dram_bytes.size(); ++t) {
    const bool write = t == size_t(Traffic::out) || t == size_t(Traffic::desc_wr);
    (write ? c.dram_write_bytes : c.dram_read_bytes) += s.fetch.dram_bytes[t];
    c.sram_hit_bytes += s.fetch.sram_bytes[t];
  }
  return c;
}

EnergyBreakdown job_energy(const EnergyTable& table, const std::string& dram_standard, const AccelConfig& config,
                           const JobRecord& job) {
  JobContext ctx;
  ctx.sram_array_bytes = config.sram_bytes / 2;  // the fetch unit gives a kv head half the buffer
  ctx.clock_mhz = config.clock_mhz;
  return estimate_energy(table, dram_standard, activity_from_counts(job.desc, job_counts(job.datapath), ctx));
}

}  // namespace energon::hw
