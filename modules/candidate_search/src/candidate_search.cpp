#include "energon/hw/candidate_search.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace energon::hw {

CandidateSearchStats& CandidateSearchStats::operator+=(const CandidateSearchStats& o) {
  busy_cycles += o.busy_cycles, sort_cycles += o.sort_cycles, search_cycles += o.search_cycles;
  heads_sorted += o.heads_sorted, sort_elements += o.sort_elements, sort_compares += o.sort_compares;
  rows += o.rows, iterations += o.iterations, picks += o.picks, products += o.products;
  pick_compares += o.pick_compares, skipped_entries += o.skipped_entries, candidates += o.candidates;
  return *this;
}

CandidateSearchStats& CandidateSearchStats::operator-=(const CandidateSearchStats& o) {
  busy_cycles -= o.busy_cycles, sort_cycles -= o.sort_cycles, search_cycles -= o.search_cycles;
  heads_sorted -= o.heads_sorted, sort_elements -= o.sort_elements, sort_compares -= o.sort_compares;
  rows -= o.rows, iterations -= o.iterations, picks -= o.picks, products -= o.products;
  pick_compares -= o.pick_compares, skipped_entries -= o.skipped_entries, candidates -= o.candidates;
  return *this;
}

void CandidateSearchStats::describe(stats::Group& g) const {
  g.set("busy_cycles", busy_cycles, "cycles", "Sorter and search engine cycles");
  g.set("sort_cycles", sort_cycles, "cycles", "Sorter cycles (K columns of each kv head)");
  g.set("search_cycles", search_cycles, "cycles", "Search engine cycles (greedy iterations of every row)");
  g.set("heads_sorted", heads_sorted, "", "kv heads whose K columns were sorted");
  g.set("sort_elements", sort_elements, "", "Column entries sorted");
  g.set("sort_compares", sort_compares, "", "Sorter compares (one per entry per merge pass)");
  g.set("rows", rows, "", "Query rows searched");
  g.set("iterations", iterations, "", "Greedy iterations");
  g.set("picks", picks, "", "Max and min picks");
  g.set("products", products, "", "q·K products formed at the cursors");
  g.set("pick_compares", pick_compares, "", "Comparator-tree compares (d - 1 per pick)");
  g.set("skipped_entries", skipped_entries, "", "Sorted entries of keys not allowed, passed over");
  g.set("candidates", candidates, "", "Candidates handed to the attention engine");
}

CandidateSearchUnit::CandidateSearchUnit(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name), cmd("cmd"), config_(config), clock_(config) {
  cmd.bind(*this);
}

void CandidateSearchUnit::reset() {
  stats_ = CandidateSearchStats{};
  n_ = d_ = 0;
  sorted_value_.clear();
  sorted_key_.clear();
}

void CandidateSearchUnit::sort_keys(KeySortJob& job, sc_core::sc_time& delay) {
  n_ = job.n;
  d_ = job.d;
  sorted_value_.resize(size_t(n_) * d_);
  sorted_key_.resize(size_t(n_) * d_);
  std::vector<uint32_t> order(n_);
  for (uint32_t t = 0; t < d_; ++t) {
    std::iota(order.begin(), order.end(), 0u);
    // A merge sort is stable: keys of equal value stay in index order.
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return job.keys[size_t(a) * d_ + t] < job.keys[size_t(b) * d_ + t];
    });
    for (uint32_t r = 0; r < n_; ++r) {
      sorted_key_[size_t(t) * n_ + r] = order[r];
      sorted_value_[size_t(t) * n_ + r] = job.keys[size_t(order[r]) * d_ + t];
    }
  }
  allowed_.assign(n_, 0);
  greedy_score_.assign(n_, 0);
  max_cursor_.resize(d_);
  min_cursor_.resize(d_);
  // Merge sorter: ceil(log2 n) passes over each column at search_sort_elems_per_cycle entries per
  // cycle (one pass to load a column of one entry), then the pipeline drains.
  uint32_t passes = 0;
  while ((uint64_t(1) << passes) < n_) ++passes;
  job.passes = passes;
  job.cycles =
      uint64_t(d_) * std::max(passes, 1u) * ceil_div(n_, config_.search_sort_elems_per_cycle) + config_.search_latency;
  ++stats_.heads_sorted;
  stats_.sort_elements += uint64_t(n_) * d_;
  stats_.sort_compares += uint64_t(n_) * d_ * passes;
  stats_.sort_cycles += job.cycles;
  stats_.busy_cycles += job.cycles;
  clock_.spend(job.cycles, delay);
}

uint64_t CandidateSearchUnit::seek(Cursor& c, uint32_t t, const int16_t* q) {
  uint64_t passed = 0;
  const size_t base = size_t(t) * n_;
  for (; c.rank >= 0 && c.rank < int64_t(n_); c.rank += c.step) {
    const uint32_t key = sorted_key_[base + size_t(c.rank)];
    if (allowed_[key]) {
      c.live = true;
      c.product = int32_t(q[t]) * int32_t(sorted_value_[base + size_t(c.rank)]);
      ++stats_.products;
      return passed;
    }
    ++passed;
  }
  c.live = false;
  return passed;
}

int64_t CandidateSearchUnit::pick(const std::vector<Cursor>& cursors, bool largest) const {
  int64_t best = -1;
  for (uint32_t t = 0; t < d_; ++t) {
    const Cursor& c = cursors[t];
    if (!c.live) continue;
    if (best < 0 || (largest ? c.product > cursors[size_t(best)].product : c.product < cursors[size_t(best)].product))
      best = t;
  }
  return best;
}

void CandidateSearchUnit::search(CandidateSearchJob& job, sc_core::sc_time& delay) {
  job.candidates.clear();
  job.cycles = 0;
  job.skipped = 0;
  const std::vector<uint32_t>& allowed = *job.allowed;
  if (allowed.empty()) return;
  for (uint32_t j : allowed) {
    if (j >= n_) throw std::logic_error("CandidateSearchUnit: allowed key beyond the sorted columns");
    allowed_[j] = 1;
  }
  // Each column's max cursor starts at the end with its largest products (the top when q_t ≥ 0),
  // the min cursor at the other end; all 2d cursors find their first allowed entry in parallel.
  uint64_t setup = 0;
  for (uint32_t t = 0; t < d_; ++t) {
    const bool top = job.q[t] >= 0;
    max_cursor_[t] = {top ? int64_t(n_) - 1 : 0, top ? -1 : 1, false, 0};
    min_cursor_[t] = {top ? 0 : int64_t(n_) - 1, top ? 1 : -1, false, 0};
    const uint64_t passed_max = seek(max_cursor_[t], t, job.q), passed_min = seek(min_cursor_[t], t, job.q);
    setup = std::max({setup, passed_max, passed_min});
    job.skipped += passed_max + passed_min;
  }
  // One iteration per cycle; a picked cursor that passes over entries of keys not allowed reads one
  // entry per cycle, and the next iteration waits for the slower of the two.
  uint64_t cycles = config_.search_latency + setup;
  int64_t first_max_key = -1;
  uint64_t picks = 0;
  for (uint32_t m = 0; m < job.iterations; ++m) {
    uint64_t passed_max = 0, passed_min = 0;
    if (const int64_t t = pick(max_cursor_, true); t >= 0) {
      Cursor& c = max_cursor_[size_t(t)];
      const uint32_t key = sorted_key_[size_t(t) * n_ + size_t(c.rank)];
      greedy_score_[key] += c.product;
      if (first_max_key < 0) first_max_key = key;
      c.rank += c.step;
      passed_max = seek(c, uint32_t(t), job.q);
      ++picks;
    }
    if (const int64_t t = pick(min_cursor_, false); t >= 0) {
      Cursor& c = min_cursor_[size_t(t)];
      greedy_score_[sorted_key_[size_t(t) * n_ + size_t(c.rank)]] += c.product;
      c.rank += c.step;
      passed_min = seek(c, uint32_t(t), job.q);
      ++picks;
    }
    job.skipped += passed_max + passed_min;
    cycles += 1 + std::max(passed_max, passed_min);
  }
  // The emit pass reads the allowed keys' score registers (and clears them and the bitmap).
  for (uint32_t j : allowed) {
    if (greedy_score_[j] > 0) job.candidates.push_back(j);
    greedy_score_[j] = 0;
    allowed_[j] = 0;
  }
  if (job.candidates.empty() && first_max_key >= 0) job.candidates.push_back(uint32_t(first_max_key));
  cycles += ceil_div(allowed.size(), config_.search_sort_elems_per_cycle);
  job.cycles = cycles;
  ++stats_.rows;
  stats_.iterations += job.iterations;
  stats_.picks += picks;
  stats_.pick_compares += picks * (d_ - 1);
  stats_.skipped_entries += job.skipped;
  stats_.candidates += job.candidates.size();
  stats_.search_cycles += cycles;
  stats_.busy_cycles += cycles;
  clock_.spend(cycles, delay);
}

}  // namespace energon::hw
