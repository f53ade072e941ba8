// High-precision attention engine (AU): INT16 Q·K with 64-bit accumulation on the kept keys,
// the float32 softmax unit of spec §1.3 (ascending-order sum, expf, lrintf to Q0.16), ×V with
// round-half-away /65536 saturated to INT16, and the output row write-back. The arithmetic runs
// on the energon_kernels set of this CPU (bit-exact in every set, docs/numerics.md "Kernels"). K planes the
// filter engine has not fetched, V rows and the output go through its `fetch` socket.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/block_timing.h"
#include "energon/hw/filter_engine.h"
#include "energon/hw/fetch_unit.h"
#include "energon/hw/k_planes.h"
#include "energon/hw/payload_pool.h"
#include "energon/hw/scratch_vector.h"
#include "energon/prune_mask.h"

namespace energon::kernels {
struct KernelSet;
}

namespace energon::hw {

/// One query row of the attention engine.
struct AttendJob {
  const KPlaneLayout* layout = nullptr;
  uint32_t kv_head = 0;
  uint64_t v_addr = 0;             ///< V base: INT16 [kv_heads][n_k][d]
  uint64_t out_addr = 0;           ///< this row's output: INT16 [d]
  bool write_back = true;          ///< false: the caller collects rows and writes them with write_rows()
  const int16_t* q = nullptr;      ///< INT16 query row
  float c = 1.0f;                  ///< softmax scale (scale_q·scale_k)/sqrtf(d)
  std::vector<uint32_t> keys;      ///< keys to attend to, ascending
  std::vector<uint16_t> key_bits;  ///< keys.size()×d K bits; planes [0, planes_have) present
  /// Instead of key_bits (left empty): the filter engine's buffer of the kv head, [n_k][d] by key,
  /// holding planes [0, planes_have) of the row's keys (the datapath shares it with the head's rows).
  std::shared_ptr<const std::vector<uint16_t>> head_bits;
  uint32_t planes_have = 0;
  /// When a prefetch of this row's remaining K planes / V rows into the on-chip buffer completes
  /// (SC_ZERO_TIME: none); the Q·K and ×V units do not start on the row's data before.
  sc_core::sc_time k_ready, v_ready;
  /// When the scores (for top-k: the selection) are ready, if later than the finish_row call.
  sc_core::sc_time scores_ready;
  ScratchVector<int64_t> acc;  ///< INT16 Q·K per key: set by score_keys (or by the caller)
  RowStats stats;              ///< of acc
  // ---- results ----
  std::vector<int16_t> out;  ///< the row written back
  /// The job's importance table (ENERGON_DESC_FLAG_IMPORTANCE; nullptr: off): the ×V unit adds
  /// each kept key's p16 to its token and |out| to `head`'s entry as it weighs the row.
  Importance* importance = nullptr;
  uint32_t head = 0;                               ///< the row's query head
  uint64_t compute_cycles = 0, memory_cycles = 0;  ///< accumulated over the calls
  /// Set by finish_row: when the row's output leaves the ×V unit (absolute time; the caller's
  /// delay only advances to when the Q·K unit takes the next row, docs/attention-engine.md).
  sc_core::sc_time done;
  sc_core::sc_time started;  ///< set by score_keys: when the row entered the Q·K unit
};

class attention_engine_if : public virtual sc_core::sc_interface {
 public:
  /// Completes the K rows of job.keys (missing planes) and computes acc = Q·K.
  virtual void score_keys(AttendJob& job, sc_core::sc_time& delay) = 0;
  /// Softmax over job.keys (scoring first when acc is not set), ×V, writes the output row. The
  /// softmax and ×V units work on the row while the Q·K unit takes the next one: `delay` comes
  /// back at the time the engine accepts the next row, `job.done` is when this row's output is
  /// ready (with write_back, the write is issued then).
  virtual void finish_row(AttendJob& job, sc_core::sc_time& delay) = 0;
  /// A query tile (docs/attention-engine.md "Query tiles"): rows of one kv head, their scores
  /// together at most au_score_buffer_keys. Streams the union of the rows' K rows once (planes
  /// [planes_have, n_planes), the same planes_have for every row with keys) and computes every
  /// row's acc; `delay` comes back when the Q·K unit takes the next tile.
  virtual void score_tile(std::vector<AttendJob*>& rows, sc_core::sc_time& delay) = 0;
  /// Softmax and ×V of a scored tile (each row's keys may have shrunk since score_tile, e.g. by a
  /// selection): streams the union of the rows' V rows once; every row's `done` is the tile's.
  virtual void finish_tile(std::vector<AttendJob*>& rows, sc_core::sc_time& delay) = 0;
  /// Writes n_rows finished output rows (INT16, d each) to memory in one transaction, issued at
  /// local(delay); the write-back DMA is decoupled: `delay` comes back at the write's end and
  /// nothing waits, in the accurate mode too.
  virtual void write_rows(uint64_t addr, const int16_t* rows, uint32_t n_rows, uint32_t d, sc_core::sc_time& delay) = 0;
  /// Accurate mode: finish_row / finish_tile return before their V stream is in when it comes
  /// from memory (their rows' `done` not set yet): the ×V pass is timed once the V rows are in,
  /// at the next finish_row / finish_tile (after it has issued its own V stream), when the score
  /// buffer needs the rows' entries, or here (waiting for the V streams). completing() counts
  /// the passes not timed yet: the last finished ones, in order. Returns whether there were any.
  virtual bool complete(sc_core::sc_time& delay) = 0;
  virtual unsigned completing() const = 0;
};

/// Counted by the attention engine since its reset(); a job's figures are the difference over the job.
struct AttentionEngineStats {
  uint64_t busy_cycles = 0;  ///< cycles with a row in the engine (union over rows)
  uint64_t qk_busy_cycles = 0, exp_busy_cycles = 0, xv_busy_cycles = 0;
  uint64_t score_buffer_stalls = 0, score_buffer_stall_cycles = 0;
  uint64_t v_wait_cycles = 0;
  uint64_t recomputed_rows = 0, recomputed_keys = 0;
  uint64_t tiles = 0;  ///< query tiles (rows sharing one K and one V stream)
  uint64_t rows = 0;
  uint64_t qk_macs = 0;
  uint64_t softmax_elems = 0;
  uint64_t v_macs = 0;

  AttentionEngineStats& operator+=(const AttentionEngineStats& o);
  AttentionEngineStats& operator-=(const AttentionEngineStats& o);
  /// Registers these figures (name, unit, description) in `g`.
  void describe(stats::Group& g) const;
};

class AttentionEngine : public sc_core::sc_module, public attention_engine_if {
 public:
  sc_core::sc_export<attention_engine_if> cmd;
  tlm_utils::simple_initiator_socket<AttentionEngine> fetch;

  AttentionEngine(sc_core::sc_module_name name, const AccelConfig& config);
  AttentionEngine(const AttentionEngine&) = delete;
  AttentionEngine& operator=(const AttentionEngine&) = delete;

  void score_keys(AttendJob& job, sc_core::sc_time& delay) override;
  void finish_row(AttendJob& job, sc_core::sc_time& delay) override;
  void write_rows(uint64_t addr, const int16_t* rows, uint32_t n_rows, uint32_t d, sc_core::sc_time& delay) override;
  void score_tile(std::vector<AttendJob*>& rows, sc_core::sc_time& delay) override;
  void finish_tile(std::vector<AttendJob*>& rows, sc_core::sc_time& delay) override;
  bool complete(sc_core::sc_time& delay) override;
  unsigned completing() const override { return xv_count_; }
  /// Whether tiles of a kv head of n_k keys of dimension d can run (they read the tile's rows
  /// from the decoded-row and V-row caches, which must take the kv head).
  bool can_tile(uint32_t n_k, uint32_t d) const { return n_k > 0 && uint64_t(n_k) * d <= row_cache_limit_; }
  /// Q·K unit: cycles for n keys (the max pass is fused into it).
  uint64_t qk_cycles(uint32_t n, uint32_t d) const;
  /// Softmax unit, exp + sum pass over n keys (its latency softmax_latency comes on top).
  uint64_t exp_cycles(uint32_t n) const;
  /// Normalize pass streaming into the ×V multipliers (au_latency comes on top).
  uint64_t xv_cycles(uint32_t n, uint32_t d) const;
  /// Clears the decoded-row cache (start of a job); the counters go on.
  void begin_job();
  /// begin_job() and the counters cleared.
  void reset();
  const AttentionEngineStats& stats() const { return stats_; }
  /// Simulation speed only: the largest kv head (n_k·d elements) the decoded-row and V-row
  /// caches take (default 8 M); 0 turns them off. Bits, cycles and traffic do not depend on it.
  void set_row_cache_limit(uint64_t elems) {
    row_cache_limit_ = elems;
    begin_job();
  }
  void set_trace(ActivityTrace* trace) { trace_ = trace; }

 private:
  // Simulation speed only: K rows this model already rebuilt from their planes for the current
  // kv head are not decoded again. Their bytes still cross the fetch unit (traffic and timing
  // unchanged); valid because a job's input buffers do not change while it runs.
  struct RowCacheTag {
    uint64_t addr[ENERGON_MAX_PLANES] = {};
    uint8_t bits[ENERGON_MAX_PLANES] = {};
    uint32_t kv_head = 0, n_k = 0, d = 0, n_planes = 0;
    bool operator==(const RowCacheTag& o) const {
      for (uint32_t p = 0; p < ENERGON_MAX_PLANES; ++p)
        if (addr[p] != o.addr[p] || bits[p] != o.bits[p]) return false;
      return kv_head == o.kv_head && n_k == o.n_k && d == o.d && n_planes == o.n_planes;
    }
  };
  static constexpr uint64_t kRowCacheElems = uint64_t(8) << 20;
  uint64_t row_cache_limit_ = kRowCacheElems;
  void select_row_cache(const KPlaneLayout& l, uint32_t kv_head);
  bool decoded(uint32_t key) const { return !row_decoded_.empty() && row_decoded_[key]; }
  RowCacheTag cache_tag_;
  std::vector<uint16_t> row_cache_;
  std::vector<uint8_t> row_decoded_;
  // Simulation speed only, on the same grounds: V rows of the current kv head the model already
  // holds, indexed by key, so ×V reads them in place instead of a packed copy per row.
  struct VCacheTag {
    uint64_t v_addr = 0;
    uint32_t kv_head = 0, n_k = 0, d = 0;
    bool operator==(const VCacheTag& o) const {
      return v_addr == o.v_addr && kv_head == o.kv_head && n_k == o.n_k && d == o.d;
    }
  };
  /// Points the V row cache at this kv head's rows; false when it does not fit (rows packed then).
  bool select_v_cache(uint64_t v_addr, uint32_t kv_head, uint32_t n_k, uint32_t d);
  VCacheTag v_tag_;
  std::vector<int16_t> v_cache_;
  std::vector<uint8_t> v_cached_;

  // Pipeline state (docs/attention-engine.md "Cycle model"): absolute times, reset per job.
  struct ScoreSlot {
    sc_core::sc_time release;  ///< when the row's ×V pass ends (set by finish_row)
    uint32_t entries = 0;
  };
  /// Takes `entries` of the score buffer at or after `t` (rows leave it in order); returns when.
  /// Completes the pending ×V pass first when its entries are needed.
  sc_core::sc_time reserve_scores(uint32_t entries, sc_core::sc_time t, sc_core::sc_time& delay);
  /// Fetches planes [plane_begin, n_planes) of keys [first, n) of the job; decodes the rows the
  /// model does not hold yet when `decode`. Returns the on-chip streaming cycles.
  uint64_t fetch_k_rows(AttendJob& job, size_t first, uint32_t plane_begin, bool decode, sc_core::sc_time& delay);
  /// Moves the caller's local time to `t` (waiting in the accurate mode).
  void advance_to(const sc_core::sc_time& t, sc_core::sc_time& delay) const;
  /// A row or tile of `entries` scores enters the Q·K unit (unit free, score-buffer room, K
  /// prefetch in; the wait for the prefetch goes to memory_cycles); returns when.
  sc_core::sc_time enter_qk(uint64_t entries, const sc_core::sc_time& k_ready, uint64_t& memory_cycles,
                            sc_core::sc_time& delay);
  /// The filter engine's leading planes of job's rows into the decoded-row cache (rows not rebuilt yet).
  void take_leading_planes(const AttendJob& job);
  /// Reads the V rows of `keys` (of job's kv head) in one gathered request; returns its on-chip cycles.
  /// `completion`: accurate mode, the read is posted (FetchExtension::completion).
  uint64_t stream_v(const AttendJob& job, const std::vector<uint32_t>& keys, bool cached, sc_core::sc_time& delay,
                    FetchCompletion* completion = nullptr);
  /// A row or tile done: its score-buffer entries free at the end of its ×V pass, busy time counted.
  void leave(size_t slot, const sc_core::sc_time& started, const sc_core::sc_time& done);

  // The ×V pass of a row or tile (src/xv_pass.cpp): timed once its V rows are in.
  struct XvPass {
    std::vector<AttendJob*> rows;
    sc_core::sc_time started;   ///< the rows entered the Q·K unit
    sc_core::sc_time ready;     ///< scores (and selection) ready
    sc_core::sc_time xv_start;  ///< the ×V unit could start (softmax done, unit free)
    sc_core::sc_time v_ready;   ///< V in, as far as known at the finish call (prefetch, on-chip)
    uint64_t cycles = 0;        ///< the pass once fed
    size_t slot = 0;            ///< the rows' score-buffer slot
    FetchCompletion v;          ///< accurate mode: the V stream's posted DMAs
  };
  /// Starts the pass of rows[0, n), after the pending ones.
  XvPass& begin_xv(AttendJob* const* rows, size_t n, const sc_core::sc_time& ready);
  /// The started pass's V completion handle in the accurate mode, else none (the delay tells).
  FetchCompletion* v_completion(XvPass& pass);
  /// Times the started pass now if its V rows are known to be in, else leaves it pending.
  void end_xv(XvPass& pass);
  /// Waits for the oldest pending pass's V rows and times it.
  void complete_oldest(sc_core::sc_time& delay);
  /// The ×V unit on the pass, fed at max(xv_start, v_in): xv_free_, the rows' done, the slot, busy.
  void run_xv(XvPass& pass, const sc_core::sc_time& v_in);
  /// Pending passes, a ring: the one being started and the one before it waiting for its V rows.
  XvPass xv_[2];
  unsigned xv_head_ = 0, xv_count_ = 0;
  size_t open_slot_ = 0;  ///< the score-buffer slot of the row or tile in the Q·K unit last
  /// The kv head's buffer of a row whose key_bits do not hold its leading planes ([n_k][d] by
  /// key); throws when the row has none.
  static const uint16_t* head_rows(const AttendJob& job);
  /// The union of the tile rows' keys (ascending) into tile_job_.keys, and each row's key count
  /// into tile_counts_.
  void tile_union(const std::vector<AttendJob*>& rows);
  /// finish_tile: true when `rows` are the rows score_tile took last, with as many keys each.
  /// A row's keys only shrink between the two (the interface's contract: a selection keeps a
  /// subset), so the same counts are the same keys and tile_job_.keys is their union still.
  bool tile_union_holds(const std::vector<AttendJob*>& rows) const;
  std::vector<std::pair<const AttendJob*, size_t>> tile_counts_;  ///< score_tile's rows, key counts
  /// Softmax of one row into p16_ (spec §1.3), and ×V from the V row cache into job.out.
  void softmax_row(AttendJob& job);
  void weigh_row(AttendJob& job, const int16_t* v_rows, const uint32_t* v_index);
  AttendJob tile_job_;            ///< the tile's union stream
  std::vector<ScoreSlot> slots_;  ///< rows holding score-buffer entries, oldest first from slot_head_
  size_t slot_head_ = 0;
  uint64_t slots_used_ = 0;
  bool row_open_ = false;  ///< score_keys took a row's entries; finish_row completes it
  sc_core::sc_time qk_free_, exp_free_, xv_free_, busy_until_;

  const AccelConfig config_;
  const BlockClock clock_;
  AttentionEngineStats stats_;
  ActivityTrace* trace_ = nullptr;
  /// Rows 0, 1, …, n−1 (the kernels address rows by index; the engine's rows are packed).
  const uint32_t* identity_rows(size_t n);
  const kernels::KernelSet& kernels_;  ///< the arithmetic, bit-exact in every set
  std::vector<uint32_t> identity_;
  PayloadPool payloads_;
  std::vector<FetchRun> runs_;
  std::vector<uint8_t> staging_;
  std::vector<int16_t> vrows_;
  std::vector<int64_t> sums_;
  std::vector<float> exps_;
  std::vector<uint16_t> p16_;
};

}  // namespace energon::hw
