// The accelerator datapath: fetch unit, low-bit filter engine (FU), selector and attention
// engine (AU), wired as a two-stage pipeline. The filter stage (in the caller's thread) reads a
// query row, runs the policy's filter rounds and pushes the row's kept keys into a bounded row
// buffer; the attention stage (own thread) pops rows and runs the final attention. Runs one job
// per run_job() call (accel_job_if, exported as `job`); all memory traffic leaves through `mem`.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <systemc>
#include <tlm>

#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/attention_engine.h"
#include "energon/hw/candidate_search.h"
#include "energon/hw/fetch_unit.h"
#include "energon/hw/filter_engine.h"
#include "energon/hw/job_if.h"
#include "energon/hw/selector.h"

namespace energon::hw {

/// Figures of a job (or summed over jobs) beyond JobOutcome's fixed fields, with the inner
/// blocks' own statistics over the same span (docs/datapath.md).
struct DatapathStats {
  uint64_t cycles = 0;
  /// Job cycles split by what bounded them; the three sum to `cycles`.
  uint64_t filter_bound_cycles = 0, attention_bound_cycles = 0, memory_bound_cycles = 0;
  uint64_t filter_stalls = 0, filter_stall_cycles = 0;        ///< FU blocked on a full row buffer
  uint64_t attention_stalls = 0, attention_stall_cycles = 0;  ///< AU starved (empty row buffer)
  uint64_t rows = 0;
  std::array<uint64_t, ENERGON_MAX_ROUNDS> round_candidates{};  ///< keys entering each mpmrf round
  std::array<uint64_t, ENERGON_MAX_ROUNDS> round_kept{};        ///< keys leaving it (topk: [0])
  uint64_t pq_rows = 0;                                         ///< spatten: rows through the MSB pass
  uint64_t pq_recomputed_rows = 0;  ///< spatten: rows recomputed with their LSB planes (p16_max < threshold)
  uint64_t pq_softmax_elems = 0;    ///< spatten: approximate scores through the softmax unit's decision pass
  FetchStats fetch;                 ///< DRAM and on-chip buffer bytes per traffic class
  FilterEngineStats filter;
  SelectorStats selector;
  CandidateSearchStats candidate_search;
  AttentionEngineStats attention;
  uint64_t jobs = 0;

  DatapathStats& operator+=(const DatapathStats& o);
  /// Registers these figures in `g`: the pipeline's own, and a group per inner block.
  void describe(stats::Group& g) const;
};

struct RowWork;

class Datapath : public sc_core::sc_module, public accel_job_if {
 public:
  sc_core::sc_export<accel_job_if> job;
  /// To the system router / memory (global addresses as in the descriptor).
  tlm::tlm_initiator_socket<> mem;

  Datapath(sc_core::sc_module_name name, const AccelConfig& config);
  ~Datapath() override;
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  JobOutcome run_job(const energon_desc_t& desc) override;
  /// Figures of the last job.
  const DatapathStats& stats() const { return stats_; }
  /// Figures summed over every job since reset().
  const DatapathStats& totals() const { return totals_; }
  const AccelConfig& config() const { return config_; }
  void reset();
  /// Spans and values of every inner block go to `trace` (nullptr: off).
  void set_trace(ActivityTrace* trace);

 private:
  struct Job;
  void filter_stage(Job& j, tlm_utils::tlm_quantumkeeper& qk);
  /// Flag PRUNE: reads the prune mask (after the scale table) into j.prune.
  void read_prune_mask(Job& j, tlm_utils::tlm_quantumkeeper& qk);
  /// Flag IMPORTANCE: writes j.importance at importance_addr from `at`; returns when it is written.
  sc_core::sc_time write_importance(Job& j, const sc_core::sc_time& at);
  void attention_stage();
  /// The attention engine's work on a query tile (one row: the per-row pipeline).
  void attend(Job& j, std::vector<std::shared_ptr<RowWork>>& tile, tlm_utils::tlm_quantumkeeper& qk,
              sc_core::sc_time& busy_mem);
  /// Rows per query tile of this job (docs/attention-engine.md "Query tiles").
  uint32_t tile_rows(const Job& j) const;
  void settle(tlm_utils::tlm_quantumkeeper& qk, const sc_core::sc_time& delay);

  const AccelConfig config_;
  const BlockClock clock_;
  std::unique_ptr<FetchUnit> fetch_;
  std::unique_ptr<FilterEngine> filter_;
  std::unique_ptr<Selector> selector_;
  std::unique_ptr<CandidateSearchUnit> search_;
  std::unique_ptr<AttentionEngine> attention_;
  tlm_utils::simple_initiator_socket<Datapath> seq_fetch_;  ///< sequencer: Q rows, scale table
  PayloadPool seq_payloads_;                                ///< payloads of seq_fetch_
  sc_core::sc_port<filter_engine_if> filter_port_;
  sc_core::sc_port<selector_if> selector_port_;
  sc_core::sc_port<candidate_search_if> search_port_;
  sc_core::sc_port<attention_engine_if> attention_port_;
  sc_core::sc_fifo<std::shared_ptr<RowWork>> row_buffer_;
  sc_core::sc_event attention_start_, attention_done_;
  Job* job_ = nullptr;
  std::vector<int16_t> out_tile_;  ///< finished output rows not yet written
  /// A full output tile waiting for its last row to leave the ×V unit (the write-back DMA issues
  /// it then, without holding up the attention engine's next rows).
  struct OutTile {
    sc_core::sc_time ready;
    uint64_t addr = 0;
    uint32_t rows = 0;
    std::vector<int16_t> data;
  };
  std::vector<OutTile> out_pending_;  ///< oldest first
  std::vector<OutTile> out_spare_;    ///< written tiles, reused for their buffers
  /// Issues the pending tiles ready by `until` (all of them: SC_ZERO_TIME); returns the last write's end.
  sc_core::sc_time write_tiles(const sc_core::sc_time& until, bool all);
  sc_core::sc_time last_row_done_;
  sc_core::sc_time selector_free_;         ///< topk: when the selector finishes its last row
  sc_core::sc_time filter_selector_free_;  ///< filter rounds: when the selector finishes its last pass
  /// The prefetch DMA: the remaining K planes (and, unless topk, V rows) of a query tile's rows
  /// into the on-chip buffer once the filter stage knows the keys of all of them, as one
  /// descriptor: the union of their keys, plane by plane, each plane's missing keys as long runs
  /// (docs/datapath.md "Prefetch"). Sets every row's k_ready, v_ready and dma_ticket.
  void prefetch_tile(Job& j, const std::vector<std::shared_ptr<RowWork>>& rows, const sc_core::sc_time& at);
  std::vector<uint32_t> prefetch_keys_;  ///< the tile's keys (union), ascending
  /// The filter engine's candidate buffer of a kv head ([n_k][d] leading-plane bits by key): one
  /// per kv head, shared with the head's rows until the attention engine has taken them, so that
  /// a row need not copy its kept keys' rows while the filter stage goes on with the next head.
  /// A buffer only the pool holds is reused.
  std::shared_ptr<std::vector<uint16_t>> candidate_buffer(size_t elems);
  std::vector<std::shared_ptr<std::vector<uint16_t>>> candidate_buffers_;
  std::vector<std::shared_ptr<RowWork>> filter_tile_;  ///< rows selected, waiting for the tile's prefetch
  /// The filter rounds' planes of kv head g (all valid keys) into its half at `at`, before the
  /// head's first round; returns when they are in (what fits of them: the partition's reserve).
  sc_core::sc_time prefetch_filter_planes(Job& j, uint32_t g, const sc_core::sc_time& at);
  /// a3: K of kv head g (its valid keys, every plane) into the candidate-search unit's sorter at
  /// `at`, through the on-chip buffer (the attention engine then finds the candidates' rows there);
  /// returns when the sort is done.
  sc_core::sc_time sort_search_keys(Job& j, uint32_t g, const sc_core::sc_time& at);
  std::vector<uint16_t> search_keys_;
  CandidateSearchJob search_job_;
  std::vector<FetchRun> prefetch_runs_;
  std::vector<uint8_t> prefetch_scratch_;
  // Simulation speed only: per-row working objects are reused, with their buffers' capacity,
  // instead of allocated for every row (the two stages run on one OS thread).
  std::shared_ptr<RowWork> take_row();
  std::vector<std::shared_ptr<RowWork>> free_rows_;
  FilterRoundJob round_job_;
  SelectJob filter_select_, attend_select_;
  /// One per row of the tile, two sets: a tile's rows stay intact while its ×V pass is pending
  /// (AttentionEngine::completing(), accurate mode) and the next tile uses the other set.
  std::vector<AttendJob> attend_jobs_[2];
  unsigned attend_set_ = 0;
  std::vector<AttendJob*> attend_ptrs_;
  /// A finished tile's rows, collected into the output tiles once their done times are known.
  struct FinishedRow {
    uint32_t head = 0, query = 0;
    const AttendJob* job = nullptr;
  };
  std::vector<FinishedRow> finished_;
  std::vector<size_t> finished_tiles_;  ///< rows of each tile in finished_, oldest first
  /// Collects the finished rows' outputs into the output tiles, but those of the last `keep`
  /// tiles (their ×V passes not timed yet: AttentionEngine::completing()).
  void collect_rows(Job& j, unsigned keep, sc_core::sc_time& mem_time);
  /// spatten (RowSchedule::progressive): scores attend_ptrs_ on the MSB planes, takes each row's
  /// p16_max on the softmax unit and scores the rows under the threshold again at exact INT16.
  void progressive_scores(Job& j, tlm_utils::tlm_quantumkeeper& qk, sc_core::sc_time& delay);
  std::vector<AttendJob*> recompute_ptrs_;
  sc_core::sc_time pq_decided_;  ///< spatten: when the last tile's decision pass ends
  std::vector<float> pq_exps_;
  std::vector<uint16_t> pq_p16_;
  std::vector<std::shared_ptr<RowWork>> tile_;  ///< rows collected for the next tile
  uint32_t out_rows_ = 0;
  std::pair<uint32_t, uint32_t> out_first_;  ///< head and query of the tile's first row
  bool attention_busy_ = false;
  DatapathStats stats_, totals_;
  ActivityTrace* trace_ = nullptr;
  uint64_t rows_buffered_ = 0;  ///< rows in the FU→AU buffer, for the trace
};

}  // namespace energon::hw
