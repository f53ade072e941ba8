// Activity of a finished job from the blocks' own counts (docs/energy.md).
#include <cmath>
#include <stdexcept>
#include <string>

#include "energon/hw/attention_policy.h"
#include "energon/hw/energy.h"

namespace energon::hw {

JobActivity activity_from_counts(const energon_desc_t& desc, const JobCounts& c, const JobContext& ctx) {
  if (!(ctx.clock_mhz > 0) || !std::isfinite(ctx.clock_mhz))
    throw std::invalid_argument("JobContext::clock_mhz must be > 0, got " + std::to_string(ctx.clock_mhz));
  JobActivity a;
  // The filter engine's rounds are the policy's (modules/policy); they give each round's widths.
  const RowSchedule schedule = policy_by_id(desc.policy).schedule(desc);
  for (size_t r = 0; r < schedule.filter_rounds.size(); ++r)
    a.rounds.push_back(
        {schedule.filter_rounds[r].q_bits, schedule.filter_rounds[r].k_bits, c.round_macs[r], c.round_keys[r]});
  a.int16_macs = c.int16_macs;
  a.softmax_elems = c.softmax_elems;
  a.selector_elems = c.selector_elems;
  a.search_products = c.search_products;
  a.search_compares = c.search_compares;
  a.dram_read_bytes = c.dram_read_bytes;
  a.dram_write_bytes = c.dram_write_bytes;
  // Every data byte from DRAM is written once into an on-chip buffer and read once by an engine;
  // buffer hits are reads only; output rows are staged (written, then read for write-back).
  const uint64_t data_bytes = c.dram_read_bytes + c.dram_write_bytes;
  a.sram_write_bytes = data_bytes;
  a.sram_read_bytes = data_bytes + c.sram_hit_bytes;
  a.sram_array_bytes = ctx.sram_array_bytes;
  a.seconds = double(c.cycles) / (ctx.clock_mhz * 1e6);
  return a;
}

}  // namespace energon::hw
