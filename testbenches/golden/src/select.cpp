// Selection rules of spec §1.2 on one query row.
#include <algorithm>

#include "energon/golden/golden.h"

namespace energon::golden {

void select_threshold(const int64_t* scores, const uint32_t* candidates, uint32_t n, int32_t alpha_q8,
                      std::vector<uint32_t>& kept) {
  if (n == 0) return;
  int64_t sum = 0, max = scores[0], min = scores[0];
  for (uint32_t j = 0; j < n; ++j) {
    sum += scores[j];
    max = std::max(max, scores[j]);
    min = std::min(min, scores[j]);
  }
  const int64_t nn = n, a = alpha_q8;
  // θ = mean + α·(max − mean) for α ≥ 0, mean + α·(mean − min) for α < 0, scaled by 256·N.
  const int64_t rhs = a >= 0 ? a * nn * max + (256 - a) * sum : (256 + a) * sum - a * nn * min;
  for (uint32_t j = 0; j < n; ++j)
    if (256 * nn * scores[j] >= rhs) kept.push_back(candidates[j]);
}

void select_topk(const int64_t* scores, const uint32_t* candidates, uint32_t n, uint32_t k,
                 std::vector<uint32_t>& kept) {
  if (k >= n) {
    kept.insert(kept.end(), candidates, candidates + n);
    return;
  }
  std::vector<uint32_t> order(n);
  for (uint32_t j = 0; j < n; ++j) order[j] = j;
  // Larger score first; equal scores: lower key index first.
  auto before = [&](uint32_t x, uint32_t y) {
    return scores[x] != scores[y] ? scores[x] > scores[y] : candidates[x] < candidates[y];
  };
  std::nth_element(order.begin(), order.begin() + k, order.end(), before);
  order.resize(k);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return candidates[x] < candidates[y]; });
  for (uint32_t j : order) kept.push_back(candidates[j]);
}

void select_max_margin(const int64_t* scores, const uint32_t* candidates, uint32_t n, int64_t margin,
                       std::vector<uint32_t>& kept) {
  if (n == 0) return;
  const int64_t max = *std::max_element(scores, scores + n);
  for (uint32_t j = 0; j < n; ++j)
    if (max - scores[j] <= margin) kept.push_back(candidates[j]);
}

void select(const SelectConfig& rule, const int64_t* scores, const uint32_t* candidates, uint32_t n,
            std::vector<uint32_t>& kept) {
  if (rule.rule == SelectRule::threshold)
    select_threshold(scores, candidates, n, rule.alpha_q8, kept);
  else if (rule.rule == SelectRule::max_margin)
    select_max_margin(scores, candidates, n, rule.margin, kept);
  else
    select_topk(scores, candidates, n, rule.topk_count(n), kept);
}

}  // namespace energon::golden
