// Energy model: activity counts of a job (MACs, softmax elements, selector compares, buffer
// and DRAM bytes, latency) times the energy table gives energy per block. Plain C++: the
// SystemC platform calls it after a job; see docs/energy.md for the model and its limits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "energon/hw/energon_regs.h"
#include "energon/hw/energy_table.h"

namespace energon::hw {

/// Low-bit scoring work of one filter round.
struct RoundActivity {
  uint8_t q_bits = 0, k_bits = 0;  ///< operand widths, 1..8
  uint64_t macs = 0;               ///< low-bit MACs (scored keys × d)
  uint64_t selected_elems = 0;     ///< scores handed to the selector (the round's candidates)
};

/// Everything a job did that costs energy.
struct JobActivity {
  std::vector<RoundActivity> rounds;  ///< filter engine
  uint64_t int16_macs = 0;            ///< attention engine Q·K and ×V (and top-k scoring)
  uint64_t softmax_elems = 0;
  uint64_t selector_elems = 0;  ///< elements the selector compared (all rounds + top-k, all passes)
  uint64_t sram_read_bytes = 0, sram_write_bytes = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t sram_array_bytes = 128 * 1024;  ///< capacity of the buffer array accessed (picks pJ/byte)
  double seconds = 0;                      ///< job latency, for static power
};

/// Energy per block in picojoules.
struct EnergyBreakdown {
  double filter_pj = 0, selector_pj = 0, attention_pj = 0, softmax_pj = 0, sram_pj = 0, dram_pj = 0,
         static_pj = 0;
  double total_pj() const;
  EnergyBreakdown& operator+=(const EnergyBreakdown& o) {
    filter_pj += o.filter_pj, selector_pj += o.selector_pj, attention_pj += o.attention_pj;
    softmax_pj += o.softmax_pj, sram_pj += o.sram_pj, dram_pj += o.dram_pj, static_pj += o.static_pj;
    return *this;
  }
};

/// Energy of `activity` with `table`; `dram_standard` is "ddr4", "lpddr4" or "hbm2" (see
/// dram_standard_of). Throws EnergyConfigError for an unknown standard and std::invalid_argument
/// for a round width outside 1..8 or a negative / non-finite latency.
EnergyBreakdown estimate_energy(const EnergyTable& table, const std::string& dram_standard,
                                const JobActivity& activity);

// ---- activity of a finished job (src/energy_activity.cpp) ----------------------------------

/// The JobOutcome counters the derivation uses (energon/hw/job_if.h), without SystemC.
struct JobCounters {
  uint64_t cycles = 0;             ///< accelerator cycles of the job
  uint64_t allowed = 0;            ///< keys allowed by the masks, over heads and queries
  std::array<uint64_t, 4> kept{};  ///< keys kept after each mpmrf round (topk: [0])
  uint64_t final_kept = 0;         ///< keys the attention engine used
  uint64_t dram_read_bytes = 0;    ///< every read traffic class, descriptors included
  uint64_t dram_write_bytes = 0;   ///< output and descriptor write-back
  uint64_t descriptor_bytes = 0;   ///< descriptor read + write-back (part of the above; never buffered)
};

/// What the JobOutcome does not carry: from the fetch unit's stats and the preset.
struct JobContext {
  uint64_t sram_hit_bytes = 0;             ///< bytes the on-chip buffer served (Σ FetchStats::sram_bytes)
  uint64_t sram_array_bytes = 128 * 1024;  ///< one half of AccelConfig::sram_bytes (docs/fetch.md)
  double clock_mhz = 1000.0;               ///< AccelConfig::clock_mhz, turns cycles into seconds
  /// Selector compares if the platform counted them (all passes); else estimated, see docs/energy.md.
  std::optional<uint64_t> selector_elems;
};

/// Expected quick-select work per candidate: one emit pass plus ~2 elements per candidate over
/// the partition passes (median-of-three pivots). Used when JobContext::selector_elems is unset.
constexpr double kTopkComparesPerCandidate = 3.0;

/// Activity of a finished job from its descriptor and counters (derivation in docs/energy.md).
JobActivity activity_from_counters(const energon_desc_t& desc, const JobCounters& counters,
                                   const JobContext& context = {});

enum class Traffic : uint8_t;  // energon/hw/job_if.h

/// The JobCounters of a JobOutcome (energon/hw/job_if.h). A template so that this library needs
/// no SystemC: it is instantiated where job_if.h is included.
template <class Outcome, class TrafficClass = Traffic>
JobCounters job_counters(const Outcome& outcome) {
  JobCounters c;
  c.cycles = outcome.cycles;
  c.allowed = outcome.allowed;
  for (size_t r = 0; r < c.kept.size() && r < outcome.kept.size(); ++r) c.kept[r] = outcome.kept[r];
  c.final_kept = outcome.final_kept;
  const auto bytes = [&](TrafficClass t) { return uint64_t(outcome.bytes[size_t(t)]); };
  uint64_t all = 0;
  for (size_t i = 0; i < size_t(TrafficClass::count); ++i) all += outcome.bytes[i];
  c.dram_write_bytes = bytes(TrafficClass::out) + bytes(TrafficClass::desc_wr);
  c.dram_read_bytes = all - c.dram_write_bytes;
  c.descriptor_bytes = bytes(TrafficClass::desc_rd) + bytes(TrafficClass::desc_wr);
  return c;
}

/// Activity of a finished job from its descriptor and JobOutcome (energon/hw/job_if.h).
template <class Outcome>
JobActivity activity_from_job(const energon_desc_t& desc, const Outcome& outcome,
                              const JobContext& context = {}) {
  return activity_from_counters(desc, job_counters(outcome), context);
}

}  // namespace energon::hw
