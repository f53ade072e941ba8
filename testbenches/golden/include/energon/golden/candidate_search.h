// The golden reference of A³'s greedy candidate search (the a3 policy, docs/numerics.md "Candidate
// search"), in exact integer arithmetic on the INT16 Q and K. No SystemC.
#pragma once

#include <cstdint>
#include <vector>

namespace energon::golden {

/// K's columns of one kv head sorted for the search: column t lists the keys 0..n−1 in ascending
/// (K[j][t], j) order (value first, ties by key index).
struct SortedKeyColumns {
  const int16_t* k = nullptr;  ///< [n][d], the kv head's K rows
  uint32_t n = 0, d = 0;
  std::vector<uint32_t> order;  ///< [t·n + r]: key at rank r of column t

  void build(const int16_t* k_head, uint32_t n_keys, uint32_t dim);
};

/// The candidates of one query row: `iterations` greedy iterations over the columns restricted to
/// the allowed keys (`allowed`, ascending, each < cols.n), then the allowed keys whose greedy score
/// G is above 0, ascending, in `candidates` (replaced). Per iteration one max pick (the largest
/// product q_t·K[j][t] at the d max cursors, ties to the lower column) and one min pick (the
/// smallest at the min cursors, ties to the lower column), each added to G of its key. When no key
/// ends above 0, the candidate is the key of the first max pick.
void search_candidates(const SortedKeyColumns& cols, const int16_t* q, const std::vector<uint32_t>& allowed,
                       uint32_t iterations, std::vector<uint32_t>& candidates);

}  // namespace energon::golden
