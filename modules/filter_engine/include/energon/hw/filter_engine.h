// Low-bit filter engine (FU): scores one query row's surviving candidate keys with the MSB slices
// q_b·k_b of an MP-MRF round (exact integers) and produces the row statistics (max, min, sum,
// count) the threshold selector needs. K plane rows come through its `fetch` socket (to the
// fetch unit); commands arrive through the `cmd` export.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <array>
#include <utility>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/block_timing.h"
#include "energon/hw/k_planes.h"
#include "energon/hw/activity_trace.h"
#include "energon/hw/fetch_unit.h"
#include "energon/hw/payload_pool.h"
#include "energon/stats/stats.h"

namespace energon::kernels {
struct KernelSet;
}

namespace energon::hw {

/// Statistics of one row's scores over its candidates.
struct RowStats {
  int64_t max = 0, min = 0, sum = 0;
  uint32_t count = 0;
  void add(int64_t s) {
    if (count == 0 || s > max) max = s;
    if (count == 0 || s < min) min = s;
    sum += s;
    ++count;
  }
};

/// The statistics of a whole row of scores at once (the same as add() on each), on the kernel
/// set's vector units.
RowStats row_stats(const kernels::KernelSet& ks, const int64_t* scores, size_t n);

/// One MP-MRF round of one query row.
struct FilterRoundJob {
  const KPlaneLayout* layout = nullptr;
  uint32_t kv_head = 0;
  const int16_t* q = nullptr;  ///< INT16 query row, layout->d elements
  uint32_t round = 0;          ///< index of the round in the descriptor (statistics per round)
  uint32_t q_bits = 4, k_bits = 2;
  uint32_t plane_begin = 0, plane_end = 0;            ///< K planes to fetch now for the candidates
  const std::vector<uint32_t>* candidates = nullptr;  ///< ascending key indices
  /// Candidate buffer [n_k][d] of K bits fetched so far; the rows of the candidates gain planes
  /// [plane_begin, plane_end). Rows of other keys are left alone. Keep it unchanged between the
  /// calls of one kv head (the engine does not decode a row's plane twice); reset() forgets.
  std::vector<uint16_t>* key_bits = nullptr;
  /// Keys below this index were read in this round for an earlier row of the same query tile:
  /// the engine scores the tile's rows against the plane rows it read once (docs/filter-engine.md
  /// "Query tiles") and reads only the others. 0: read every candidate's new planes.
  uint32_t tile_read_end = 0;
  // ---- results ----
  std::vector<int64_t> scores;  ///< scores[c] of candidates[c]
  RowStats stats;
  uint64_t compute_cycles = 0, memory_cycles = 0;
};

class filter_engine_if : public virtual sc_core::sc_interface {
 public:
  /// Fetches the round's planes for the candidates and scores them; consumes the round's time.
  virtual void score_round(FilterRoundJob& job, sc_core::sc_time& delay) = 0;
};

/// Counted by the filter engine since its reset(); a job's figures are the difference over the job.
struct FilterEngineStats {
  uint64_t busy_cycles = 0;  ///< scoring cycles
  uint64_t rounds = 0;       ///< row-rounds scored
  uint64_t keys_scored = 0;
  uint64_t low_bit_macs = 0;                              ///< q_bits×k_bits multiplications
  std::array<uint64_t, ENERGON_MAX_ROUNDS> round_keys{};  ///< keys scored, per descriptor round
  std::array<uint64_t, ENERGON_MAX_ROUNDS> round_macs{};  ///< low-bit MACs, per descriptor round

  FilterEngineStats& operator+=(const FilterEngineStats& o);
  FilterEngineStats& operator-=(const FilterEngineStats& o);
  /// Registers these figures (name, unit, description) in `g`.
  void describe(stats::Group& g) const;
};

class FilterEngine : public sc_core::sc_module, public filter_engine_if {
 public:
  sc_core::sc_export<filter_engine_if> cmd;
  tlm_utils::simple_initiator_socket<FilterEngine> fetch;

  FilterEngine(sc_core::sc_module_name name, const AccelConfig& config);
  FilterEngine(const FilterEngine&) = delete;
  FilterEngine& operator=(const FilterEngine&) = delete;

  void score_round(FilterRoundJob& job, sc_core::sc_time& delay) override;
  /// Cycles to score n keys of dimension d at the given widths (docs/filter-engine.md).
  uint64_t round_cycles(uint32_t n, uint32_t d, uint32_t q_bits, uint32_t k_bits) const;
  /// Clears the counters and forgets which candidate-buffer rows are decoded (start of a job).
  /// Forgets the decoded planes (start of a job); the counters go on.
  void begin_job();
  /// begin_job() and the counters cleared.
  void reset();
  const FilterEngineStats& stats() const { return stats_; }
  void set_trace(ActivityTrace* trace) { trace_ = trace; }

 private:
  // Simulation speed only: which leading planes of each key the caller's candidate buffer
  // already holds for the current kv head, so a plane row is decoded once. Its bytes still
  // cross the fetch unit for every round that needs them (traffic and timing unchanged).
  void track_candidate_buffer(const FilterRoundJob& job);
  std::vector<uint8_t> planes_decoded_;
  /// keys_with_plane_[p]: keys whose plane p is decoded (planes_decoded_ > p), so a round whose
  /// planes every key holds skips the per-key checks.
  std::array<uint32_t, ENERGON_MAX_PLANES> keys_with_plane_{};
  std::vector<std::pair<size_t, size_t>> decode_runs_;  ///< candidate ranges to decode, one plane
  // Simulation speed only: each key's k_bits-bit MSB slice as int8, computed once per kv head
  // (slices_[k_bits], slice_ready_[k_bits] per key), so scoring runs on 8-bit operands.
  std::array<std::vector<int8_t>, ENERGON_MAX_FILTER_BITS + 1> slices_;
  std::array<std::vector<uint8_t>, ENERGON_MAX_FILTER_BITS + 1> slice_ready_;
  std::array<uint32_t, ENERGON_MAX_FILTER_BITS + 1> slices_ready_count_{};  ///< keys set in slice_ready_
  std::vector<int8_t> q_low_;
  const std::vector<uint16_t>* tracked_buffer_ = nullptr;
  uint32_t tracked_kv_head_ = 0;
  KPlaneLayout tracked_layout_;
  const AccelConfig config_;
  const BlockClock clock_;
  const kernels::KernelSet& kernels_;  ///< the arithmetic, bit-exact in every set
  FilterEngineStats stats_;
  ActivityTrace* trace_ = nullptr;
  PayloadPool payloads_;
  std::vector<FetchRun> runs_;
  std::vector<uint8_t> staging_;
};

}  // namespace energon::hw
