// A³'s greedy candidate search as docs/numerics.md "Candidate search" defines it: each column's
// allowed keys in sorted order, a max cursor at the end with the largest products and a min cursor
// at the other end, M iterations of one max pick and one min pick.
#include "energon/golden/candidate_search.h"

#include <algorithm>
#include <numeric>

namespace energon::golden {

void SortedKeyColumns::build(const int16_t* k_head, uint32_t n_keys, uint32_t dim) {
  k = k_head;
  n = n_keys;
  d = dim;
  order.resize(size_t(n) * d);
  for (uint32_t t = 0; t < d; ++t) {
    uint32_t* col = order.data() + size_t(t) * n;
    std::iota(col, col + n, 0u);
    std::sort(col, col + n, [&](uint32_t a, uint32_t b) {
      const int16_t va = k[size_t(a) * d + t], vb = k[size_t(b) * d + t];
      return va != vb ? va < vb : a < b;
    });
  }
}

namespace {

/// One column's allowed keys in ascending (value, key) order, read from one end by each cursor.
struct Column {
  std::vector<uint32_t> keys;
  uint32_t max_taken = 0, min_taken = 0;
  bool max_from_top = true;  ///< q_t ≥ 0: the largest products are at the top (largest values)
};

}  // namespace

void search_candidates(const SortedKeyColumns& cols, const int16_t* q, const std::vector<uint32_t>& allowed,
                       uint32_t iterations, std::vector<uint32_t>& candidates) {
  candidates.clear();
  const uint32_t n = uint32_t(allowed.size());
  if (n == 0) return;
  std::vector<uint8_t> is_allowed(cols.n, 0);
  for (uint32_t j : allowed) is_allowed[j] = 1;
  std::vector<Column> c(cols.d);
  for (uint32_t t = 0; t < cols.d; ++t) {
    const uint32_t* order = cols.order.data() + size_t(t) * cols.n;
    for (uint32_t r = 0; r < cols.n; ++r)
      if (is_allowed[order[r]]) c[t].keys.push_back(order[r]);
    c[t].max_from_top = q[t] >= 0;
  }
  const auto product = [&](uint32_t t, uint32_t key) {
    return int32_t(q[t]) * int32_t(cols.k[size_t(key) * cols.d + t]);
  };
  // Key at a cursor: `taken` entries consumed from the top or from the bottom of the column.
  const auto at = [&](const Column& col, uint32_t taken, bool from_top) {
    return from_top ? col.keys[n - 1 - taken] : col.keys[taken];
  };
  std::vector<int64_t> g(cols.n, 0);
  int64_t first_max_key = -1;
  for (uint32_t m = 0; m < iterations; ++m) {
    int64_t best_t = -1, best_p = 0;
    for (uint32_t t = 0; t < cols.d; ++t) {
      if (c[t].max_taken == n) continue;
      const int32_t p = product(t, at(c[t], c[t].max_taken, c[t].max_from_top));
      if (best_t < 0 || p > best_p) best_t = t, best_p = p;
    }
    if (best_t >= 0) {
      Column& col = c[size_t(best_t)];
      const uint32_t key = at(col, col.max_taken++, col.max_from_top);
      g[key] += best_p;
      if (first_max_key < 0) first_max_key = key;
    }
    best_t = -1;
    for (uint32_t t = 0; t < cols.d; ++t) {
      if (c[t].min_taken == n) continue;
      const int32_t p = product(t, at(c[t], c[t].min_taken, !c[t].max_from_top));
      if (best_t < 0 || p < best_p) best_t = t, best_p = p;
    }
    if (best_t >= 0) {
      Column& col = c[size_t(best_t)];
      g[at(col, col.min_taken++, !col.max_from_top)] += best_p;
    }
  }
  for (uint32_t j : allowed)
    if (g[j] > 0) candidates.push_back(j);
  if (candidates.empty() && first_max_key >= 0) candidates.push_back(uint32_t(first_max_key));
}

}  // namespace energon::golden
