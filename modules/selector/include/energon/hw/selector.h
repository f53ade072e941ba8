// Top-k / threshold selector: applies a round's selection rule (spec §1.2) to one row's
// candidate scores and emits the kept key indices in ascending order. Threshold: one
// compare pass against the exact 64-bit rule. Max-margin (a3's post-scoring): one compare pass
// against the row's max − margin. Top-k: a quick-select engine in the spirit of
// SpAtten's (partition passes at elems_per_cycle, then one emit pass).
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

#include "energon/attention_job.h"
#include "energon/hw/accel_config.h"
#include "energon/hw/block_timing.h"
#include "energon/hw/filter_engine.h"
#include "energon/hw/scratch_vector.h"

namespace energon::kernels {
struct KernelSet;
}

namespace energon::hw {

struct SelectJob {
  SelectConfig rule;
  const int64_t* scores = nullptr;       ///< scores[c] of candidates[c]
  const uint32_t* candidates = nullptr;  ///< ascending key indices
  uint32_t n = 0;
  /// Row statistics from the scoring engine (threshold rule); recomputed when count != n.
  RowStats stats;
  /// True: the caller runs the selector alongside its own stage; `delay` comes back at the
  /// selection's end and nothing waits, in the accurate mode too.
  bool decoupled = false;
  // ---- results ----
  std::vector<uint32_t> kept;  ///< ascending key indices
  uint64_t cycles = 0;
  uint32_t passes = 0;  ///< quick-select partition passes (top-k)
};

class selector_if : public virtual sc_core::sc_interface {
 public:
  virtual void select(SelectJob& job, sc_core::sc_time& delay) = 0;
};

/// Counted by the selector since its reset(); a job's figures are the difference over the job.
struct SelectorStats {
  uint64_t busy_cycles = 0;
  uint64_t rows = 0;
  uint64_t elements = 0;  ///< candidates examined
  uint64_t passes = 0;    ///< quick-select partition passes

  SelectorStats& operator+=(const SelectorStats& o) {
    busy_cycles += o.busy_cycles, rows += o.rows, elements += o.elements, passes += o.passes;
    return *this;
  }
  SelectorStats& operator-=(const SelectorStats& o) {
    busy_cycles -= o.busy_cycles, rows -= o.rows, elements -= o.elements, passes -= o.passes;
    return *this;
  }
  /// Registers these figures (name, unit, description) in `g`.
  void describe(stats::Group& g) const {
    g.set("busy_cycles", busy_cycles, "cycles", "Selection cycles (PERF_BUSY_SELECT)");
    g.set("rows", rows, "", "Row selections (threshold or top-k)");
    g.set("elements", elements, "", "Candidates compared, over every pass");
    g.set("passes", passes, "", "Quick-select partition passes");
  }
};

class Selector : public sc_core::sc_module, public selector_if {
 public:
  sc_core::sc_export<selector_if> cmd;

  Selector(sc_core::sc_module_name name, const AccelConfig& config);
  Selector(const Selector&) = delete;
  Selector& operator=(const Selector&) = delete;

  void select(SelectJob& job, sc_core::sc_time& delay) override;
  void reset() { stats_ = SelectorStats{}; }  ///< the counters cleared
  const SelectorStats& stats() const { return stats_; }
  void set_trace(ActivityTrace* trace) { trace_ = trace; }

 private:
  void select_threshold(SelectJob& job);
  void select_max_margin(SelectJob& job);
  void select_topk(SelectJob& job);
  void keep_at_least(SelectJob& job, int64_t t);

  const AccelConfig config_;
  const BlockClock clock_;
  SelectorStats stats_;
  ActivityTrace* trace_ = nullptr;
  std::vector<uint32_t> order_;
  ScratchVector<uint32_t> emitted_;  ///< the compare-and-emit pass's output, before job.kept
  const kernels::KernelSet& kernels_;
};

}  // namespace energon::hw
