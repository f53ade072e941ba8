// Candidate-search unit (the a3 policy, A³ HPCA'20): a sorter that orders each of K's d columns
// once per kv head (value ascending, ties by key index) into the sorted-column memory, and a
// search engine that, per query row, runs A³'s greedy candidate search over those columns: a max
// and a min cursor per column, each iteration one max pick and one min pick on two comparator
// trees of d inputs, the picked products added to the greedy score register of their key; the keys
// whose score ends above 0 are the row's candidates. Exact integers (products int32, scores
// int64). Cycle model: docs/candidate-search.md. Commands arrive through the `cmd` export.
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/block_timing.h"
#include "energon/stats/stats.h"

namespace energon::hw {

/// One kv head's K into the sorted-column memory.
struct KeySortJob {
  const int16_t* keys = nullptr;  ///< [n][d] INT16 K rows of keys 0..n−1
  uint32_t n = 0, d = 0;
  // ---- results ----
  uint64_t cycles = 0;
  uint32_t passes = 0;  ///< merge passes per column: ceil(log2 n)
};

/// The search of one query row over the columns sorted last.
struct CandidateSearchJob {
  const int16_t* q = nullptr;                      ///< INT16 query row, d elements
  const std::vector<uint32_t>* allowed = nullptr;  ///< the row's allowed keys, ascending, each < the sorted n
  uint32_t iterations = 0;                         ///< M greedy iterations
  // ---- results ----
  std::vector<uint32_t> candidates;  ///< keys with a greedy score above 0, ascending (≥ 1 key)
  uint64_t cycles = 0;
  uint64_t skipped = 0;  ///< sorted entries of keys not allowed that the cursors passed over
};

class candidate_search_if : public virtual sc_core::sc_interface {
 public:
  virtual void sort_keys(KeySortJob& job, sc_core::sc_time& delay) = 0;
  virtual void search(CandidateSearchJob& job, sc_core::sc_time& delay) = 0;
};

/// Counted by the unit since its reset(); a job's figures are the difference over the job.
struct CandidateSearchStats {
  uint64_t busy_cycles = 0;      ///< sort_cycles + search_cycles
  uint64_t sort_cycles = 0;      ///< the sorter's
  uint64_t search_cycles = 0;    ///< the search engine's
  uint64_t heads_sorted = 0;     ///< kv heads through the sorter
  uint64_t sort_elements = 0;    ///< column entries sorted (n·d per head)
  uint64_t sort_compares = 0;    ///< merge compares: one per entry per pass
  uint64_t rows = 0;             ///< query rows searched
  uint64_t iterations = 0;       ///< greedy iterations (M per row)
  uint64_t picks = 0;            ///< max and min picks made (≤ 2 per iteration)
  uint64_t products = 0;         ///< q_t·K[j][t] products formed at the cursors
  uint64_t pick_compares = 0;    ///< comparator-tree compares: d − 1 per pick
  uint64_t skipped_entries = 0;  ///< sorted entries of keys a row may not use, passed over
  uint64_t candidates = 0;       ///< candidates handed on

  CandidateSearchStats& operator+=(const CandidateSearchStats& o);
  CandidateSearchStats& operator-=(const CandidateSearchStats& o);
  /// Registers these figures (name, unit, description) in `g`.
  void describe(stats::Group& g) const;
};

class CandidateSearchUnit : public sc_core::sc_module, public candidate_search_if {
 public:
  sc_core::sc_export<candidate_search_if> cmd;

  CandidateSearchUnit(sc_core::sc_module_name name, const AccelConfig& config);
  CandidateSearchUnit(const CandidateSearchUnit&) = delete;
  CandidateSearchUnit& operator=(const CandidateSearchUnit&) = delete;

  void sort_keys(KeySortJob& job, sc_core::sc_time& delay) override;
  void search(CandidateSearchJob& job, sc_core::sc_time& delay) override;
  /// The counters cleared and the sorted-column memory emptied.
  void reset();
  const CandidateSearchStats& stats() const { return stats_; }

 private:
  /// A cursor on one sorted column: its rank, its step (+1 up, −1 down) and the product there.
  struct Cursor {
    int64_t rank = 0;
    int64_t step = 1;
    bool live = false;
    int32_t product = 0;
  };
  /// Moves `c` to the first entry of an allowed key of column t at or past its rank and forms its
  /// product; returns the entries of other keys it passed over. `c.live` is false past the end.
  uint64_t seek(Cursor& c, uint32_t t, const int16_t* q);
  /// The live cursor with the largest (max) or smallest (min) product, ties to the lower column; −1: none.
  int64_t pick(const std::vector<Cursor>& cursors, bool largest) const;

  const AccelConfig config_;
  const BlockClock clock_;
  CandidateSearchStats stats_;
  uint32_t n_ = 0, d_ = 0;
  std::vector<int16_t> sorted_value_;  ///< sorted-column memory: [t·n + rank] value
  std::vector<uint32_t> sorted_key_;   ///< and its key index
  std::vector<uint8_t> allowed_;       ///< allowed-key bitmap of the row being searched
  std::vector<int64_t> greedy_score_;  ///< greedy score register per key
  std::vector<Cursor> max_cursor_, min_cursor_;
};

}  // namespace energon::hw
