// Energy model: activity counts of a job (MACs, softmax elements, selector compares, buffer
// and DRAM bytes, latency) times the energy table gives energy per block. Plain C++: the
// SystemC platform calls it after a job; see docs/energy.md for the model and its limits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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
  uint64_t selector_elems = 0;   ///< elements the selector compared (all rounds + top-k, all passes)
  uint64_t search_products = 0;  ///< candidate-search unit: products q_t·K formed (each also a greedy-score add)
  uint64_t search_compares = 0;  ///< candidate-search unit: sorter and pick-tree compares
  uint64_t sram_read_bytes = 0, sram_write_bytes = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t sram_array_bytes = 128 * 1024;  ///< capacity of the buffer array accessed (picks pJ/byte)
  double seconds = 0;                      ///< job latency, for static power
};

/// Energy per block in picojoules.
struct EnergyBreakdown {
  double filter_pj = 0, selector_pj = 0, attention_pj = 0, softmax_pj = 0, sram_pj = 0, dram_pj = 0, static_pj = 0;
  double candidate_search_pj = 0;  ///< a3's sorter and greedy search
  double total_pj() const;
  EnergyBreakdown& operator+=(const EnergyBreakdown& o) {
    filter_pj += o.filter_pj, selector_pj += o.selector_pj, attention_pj += o.attention_pj;
    candidate_search_pj += o.candidate_search_pj;
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

/// What the blocks counted during one job (or a sum of jobs): the datapath's statistics
/// (energon/hw/datapath.h: filter engine, selector, attention engine, fetch unit), copied here so
/// that this library needs no SystemC. Nothing is re-derived from the descriptor.
struct JobCounts {
  uint64_t cycles = 0;                                    ///< accelerator cycles of the job
  std::array<uint64_t, ENERGON_MAX_ROUNDS> round_keys{};  ///< filter engine: keys scored per round
  std::array<uint64_t, ENERGON_MAX_ROUNDS> round_macs{};  ///< filter engine: low-bit MACs per round
  uint64_t int16_macs = 0;        ///< attention engine: Q·K (top-k scoring included) + ×V MACs
  uint64_t softmax_elems = 0;     ///< attention engine
  uint64_t selector_elems = 0;    ///< selector: elements compared over every pass
  uint64_t search_products = 0;   ///< candidate-search unit: q·K products formed at the cursors
  uint64_t search_compares = 0;   ///< candidate-search unit: sorter + pick-tree compares
  uint64_t dram_read_bytes = 0;   ///< fetch unit: tensor bytes read (descriptors go to the controller)
  uint64_t dram_write_bytes = 0;  ///< fetch unit: output bytes written
  uint64_t sram_hit_bytes = 0;    ///< fetch unit: bytes the on-chip buffer served
};

/// What the counts do not say: from the preset.
struct JobContext {
  uint64_t sram_array_bytes = 128 * 1024;  ///< one half of AccelConfig::sram_bytes (docs/fetch.md)
  double clock_mhz = 1000.0;               ///< AccelConfig::clock_mhz, turns cycles into seconds
};

/// Activity of a finished job from the blocks' counts; the descriptor gives only each round's
/// operand widths (docs/energy.md). Throws std::invalid_argument for an mpmrf descriptor with
/// n_rounds outside 1..ENERGON_MAX_ROUNDS or a clock that is not > 0.
JobActivity activity_from_counts(const energon_desc_t& desc, const JobCounts& counts, const JobContext& context = {});

}  // namespace energon::hw
