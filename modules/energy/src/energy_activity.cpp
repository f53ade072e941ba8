// Activity of a finished job from its descriptor and outcome counters. The counters are sums
// over heads and queries, so "keys" below are (head, query, key) triples. See docs/energy.md.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "energon/hw/energy.h"

namespace energon::hw {
namespace {

uint64_t selector_compares(uint8_t rule, uint64_t candidates) {
  if (rule != ENERGON_RULE_TOPK) return candidates;  // threshold: one compare per candidate
  return uint64_t(std::llround(double(candidates) * kTopkComparesPerCandidate));
}

}  // namespace

JobActivity activity_from_counters(const energon_desc_t& desc, const JobCounters& c, const JobContext& ctx) {
  if (!(ctx.clock_mhz > 0) || !std::isfinite(ctx.clock_mhz))
    throw std::invalid_argument("JobContext::clock_mhz must be > 0, got " + std::to_string(ctx.clock_mhz));
  JobActivity a;
  const uint64_t d = desc.d;
  uint64_t compares = 0;

  if (desc.policy == ENERGON_POLICY_MPMRF) {
    if (desc.n_rounds < 1 || desc.n_rounds > ENERGON_MAX_ROUNDS)
      throw std::invalid_argument("descriptor n_rounds must be 1.." + std::to_string(ENERGON_MAX_ROUNDS) +
                                  ", got " + std::to_string(desc.n_rounds));
    // Round 1 scores every allowed key; round r scores the keys round r-1 kept.
    uint64_t candidates = c.allowed;
    for (unsigned r = 0; r < desc.n_rounds; ++r) {
      const energon_select_t& s = desc.round[r];
      a.rounds.push_back({s.q_bits, s.k_bits, candidates * d, candidates});
      compares += selector_compares(s.rule, candidates);
      candidates = c.kept[r];
    }
  } else if (desc.policy == ENERGON_POLICY_TOPK) {
    // One INT16 scoring pass over every allowed key; the kept keys' scores are reused for softmax.
    a.int16_macs += c.allowed * d;
    compares += selector_compares(ENERGON_RULE_TOPK, c.allowed);
  }
  // Q·K of the kept keys (not for topk: already scored) and P×V of the kept keys.
  a.int16_macs += (desc.policy == ENERGON_POLICY_TOPK ? 0 : c.final_kept * d) + c.final_kept * d;
  a.softmax_elems = c.final_kept;
  a.selector_elems = ctx.selector_elems.value_or(compares);

  a.dram_read_bytes = c.dram_read_bytes;
  a.dram_write_bytes = c.dram_write_bytes;
  // Every data byte from DRAM is written once into an on-chip buffer and read once by an engine;
  // buffer hits are reads only; output rows are staged (written, then read for write-back).
  // Descriptors go to controller registers, not to the buffers.
  const uint64_t desc_bytes = std::min(c.descriptor_bytes, c.dram_read_bytes + c.dram_write_bytes);
  const uint64_t data_bytes = c.dram_read_bytes + c.dram_write_bytes - desc_bytes;
  a.sram_write_bytes = data_bytes;
  a.sram_read_bytes = data_bytes + ctx.sram_hit_bytes;
  a.sram_array_bytes = ctx.sram_array_bytes;
  a.seconds = double(c.cycles) / (ctx.clock_mhz * 1e6);
  return a;
}

}  // namespace energon::hw
