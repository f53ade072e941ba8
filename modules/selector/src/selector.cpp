#include "energon/hw/selector.h"

#include <algorithm>

#include "energon/kernels/kernels.h"

namespace energon::hw {

namespace {

/// ⌈a / b⌉ for b > 0 (C++ division truncates towards zero).
int64_t ceil_div_signed(int64_t a, int64_t b) { return a / b + (a % b > 0 ? 1 : 0); }

}  // namespace

Selector::Selector(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name), cmd("cmd"), config_(config), clock_(config), kernels_(kernels::active()) {
  cmd.bind(*this);
}

void Selector::select(SelectJob& job, sc_core::sc_time& delay) {
  job.kept.clear();
  job.cycles = 0;
  job.passes = 0;
  if (job.n == 0) return;
  if (job.rule.rule == SelectRule::threshold)
    select_threshold(job);
  else if (job.rule.rule == SelectRule::max_margin)
    select_max_margin(job);
  else
    select_topk(job);
  ++stats_.rows;
  stats_.elements += job.n;
  stats_.passes += job.passes;
  stats_.busy_cycles += job.cycles;
  trace_busy(trace_, TraceTrack::selector, "select", delay, clock_.cycles(job.cycles), job.cycles);
  if (job.decoupled)
    delay += clock_.cycles(job.cycles);
  else
    clock_.spend(job.cycles, delay);
}

void Selector::select_threshold(SelectJob& job) {
  if (job.stats.count != job.n) {
    job.stats = RowStats{};
    for (uint32_t c = 0; c < job.n; ++c) job.stats.add(job.scores[c]);
  }
  const int64_t n = job.n, a = job.rule.alpha_q8;
  const int64_t rhs =
      a >= 0 ? a * n * job.stats.max + (256 - a) * job.stats.sum : (256 + a) * job.stats.sum - a * n * job.stats.min;
  // 256·n·s ≥ rhs ⇔ s ≥ ⌈rhs / (256·n)⌉ (exact: no product of the spec's ranges reaches 2^63).
  keep_at_least(job, n > 0 ? ceil_div_signed(rhs, 256 * n) : 0);
  job.cycles = ceil_div(job.n, config_.selector_elems_per_cycle) + config_.selector_latency;
}

void Selector::select_max_margin(SelectJob& job) {
  if (job.stats.count != job.n) {
    job.stats = RowStats{};
    for (uint32_t c = 0; c < job.n; ++c) job.stats.add(job.scores[c]);
  }
  // One compare pass against max − margin (the row's max from the scoring engine's statistics).
  const int64_t floor = job.stats.max - job.rule.margin;
  keep_at_least(job, floor);
  job.cycles = ceil_div(job.n, config_.selector_elems_per_cycle) + config_.selector_latency;
}

// job.kept = the candidates scoring at least t, in order: one compare-and-emit pass (a kernel of
// this CPU's set: the hardware compares selector_elems_per_cycle elements per cycle).
// The kernel emits into emitted_, which grows without clearing; job.kept then takes only the kept
// keys (resizing job.kept to n first zero-filled up to n entries per row).
void Selector::keep_at_least(SelectJob& job, int64_t t) {
  if (emitted_.size() < job.n) emitted_.resize(job.n);
  const uint32_t kept = kernels_.keep_at_least(job.scores, job.candidates, job.n, t, emitted_.data());
  job.kept.assign(emitted_.data(), emitted_.data() + kept);
}

void Selector::select_topk(SelectJob& job) {
  const uint32_t n = job.n;
  const uint32_t k = job.rule.topk_count(n);
  const uint64_t epc = config_.selector_elems_per_cycle;
  uint64_t cycles = ceil_div(n, epc);  // the emit pass: compare each element with the k-th
  if (k < n) {
    // Quick-select on positions, strict order: higher score first, then lower key index.
    order_.resize(n);
    for (uint32_t c = 0; c < n; ++c) order_[c] = c;
    const int64_t* s = job.scores;
    auto before = [s](uint32_t x, uint32_t y) { return s[x] > s[y] || (s[x] == s[y] && x < y); };
    // Invariant: [0, lo) precede [lo, n); [hi, n) follow [0, hi); lo <= k <= hi.
    uint32_t lo = 0, hi = n;
    while (lo < k && k < hi) {
      const uint32_t len = hi - lo;
      // Median of three as pivot keeps sorted rows from degrading to n passes.
      uint32_t a = order_[lo], b = order_[lo + len / 2], c = order_[hi - 1];
      if (before(b, a)) std::swap(a, b);
      if (before(c, b)) std::swap(b, c);
      if (before(b, a)) std::swap(a, b);
      const uint32_t pivot = b;
      auto mid = std::partition(order_.begin() + lo, order_.begin() + hi, [&](uint32_t x) { return before(x, pivot); });
      const uint32_t m = uint32_t(mid - order_.begin());  // [lo, m) precede the pivot
      ++job.passes;
      cycles += ceil_div(len, epc) + config_.selector_latency;
      if (m >= k) {
        hi = m;
      } else {
        std::iter_swap(mid, std::find(mid, order_.begin() + hi, pivot));
        lo = m + 1;
      }
    }
    std::vector<uint32_t> top(order_.begin(), order_.begin() + k);  // exactly the top k
    std::sort(top.begin(), top.end());
    for (uint32_t c : top) job.kept.push_back(job.candidates[c]);
  } else {
    job.kept.assign(job.candidates, job.candidates + n);
  }
  job.cycles = cycles;
}

}  // namespace energon::hw
