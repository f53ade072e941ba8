// The golden reference of A³'s candidate search (docs/numerics.md "Candidate search") on small
// hand-worked cases, the max-margin rule, and the a3 policy through run_attention.
#include <catch2/catch.hpp>

#include <vector>

#include "energon/golden/candidate_search.h"
#include "energon/golden/golden.h"

using namespace energon;
using namespace energon::golden;

namespace {

// Keys (rows, d = 2): 0 = (3, −1), 1 = (−2, 4), 2 = (1, 2), 3 = (0, −3).
const std::vector<int16_t> kKeys = {3, -1, -2, 4, 1, 2, 0, -3};

std::vector<uint32_t> search(const std::vector<int16_t>& k, uint32_t n, uint32_t d, const std::vector<int16_t>& q,
                             const std::vector<uint32_t>& allowed, uint32_t m) {
  SortedKeyColumns cols;
  cols.build(k.data(), n, d);
  std::vector<uint32_t> out = {99};  // replaced
  search_candidates(cols, q.data(), allowed, m, out);
  return out;
}

}  // namespace

TEST_CASE("golden candidate search: columns sorted by value, ties by key index", "[golden][a3]") {
  SortedKeyColumns cols;
  const std::vector<int16_t> k = {5, 1, 5, 0, -2, 1};  // keys 0..2, d = 2
  cols.build(k.data(), 3, 2);
  CHECK(cols.order == std::vector<uint32_t>{2, 0, 1, 1, 0, 2});  // column 0: −2, 5, 5; column 1: 0, 1, 1
}

TEST_CASE("golden candidate search: hand-worked iterations, ties to the lower column", "[golden][a3]") {
  const std::vector<int16_t> q = {2, -1};
  // M = 1: max 6 (key 0), min −4 (key 1; columns 0 and 1 tie, column 0). G = {6, −4, 0, 0}.
  CHECK(search(kKeys, 4, 2, q, {0, 1, 2, 3}, 1) == std::vector<uint32_t>{0});
  // M = 2: then max 3 (key 3, column 1), min −4 (key 1, column 1). G = {6, −8, 0, 3}.
  CHECK(search(kKeys, 4, 2, q, {0, 1, 2, 3}, 2) == std::vector<uint32_t>{0, 3});
  // M = 4: iteration 3 max 2 (key 2, column 0) and min −2 (key 2, column 1): G[2] = 0; iteration 4
  // max 1 (key 0, column 1) and min 0 (key 3, column 0). G = {7, −8, 0, 3}.
  CHECK(search(kKeys, 4, 2, q, {0, 1, 2, 3}, 4) == std::vector<uint32_t>{0, 3});
}

TEST_CASE("golden candidate search: only allowed keys take part", "[golden][a3]") {
  const std::vector<int16_t> q = {2, -1};
  // Allowed {0, 2}: max 6 (key 0), min −2 (key 2, column 1): G = {6, −2}.
  CHECK(search(kKeys, 4, 2, q, {0, 2}, 1) == std::vector<uint32_t>{0});
  // Allowed {1, 2}: max: column 0 key 2 (2), column 1 key 2 (−2) → 2 on key 2; min: column 0 key 1
  // (−4) → −4 on key 1. G = {·, −4, 2}.
  CHECK(search(kKeys, 4, 2, q, {1, 2}, 1) == std::vector<uint32_t>{2});
  CHECK(search(kKeys, 4, 2, q, {}, 3).empty());
}

TEST_CASE("golden candidate search: exhausted columns and the fallback key", "[golden][a3]") {
  // d = 1, keys 0 = 5, 1 = −3, q = 1, M = 3: G = {10, −6}, the third iteration has no cursor left.
  CHECK(search({5, -3}, 2, 1, {1}, {0, 1}, 3) == std::vector<uint32_t>{0});
  // q = 0: every product 0, no score above 0: the first max pick (column 0's top, key 0).
  CHECK(search(kKeys, 4, 2, {0, 0}, {0, 1, 2, 3}, 2) == std::vector<uint32_t>{0});
  // q < 0 in column 0 only: its max cursor starts at the smallest value (key 1, product 4).
  CHECK(search(kKeys, 4, 2, {2, 0}, {0, 1, 2, 3}, 1) == std::vector<uint32_t>{0});
  CHECK(search(kKeys, 4, 2, {-2, 0}, {0, 1, 2, 3}, 1) == std::vector<uint32_t>{1});
}

TEST_CASE("golden max-margin rule keeps the scores within the margin of the row's largest", "[golden][a3]") {
  const std::vector<int64_t> s = {10, 7, 3, 10, -5};
  const std::vector<uint32_t> c = {1, 4, 6, 8, 9};
  std::vector<uint32_t> kept;
  select_max_margin(s.data(), c.data(), 5, 0, kept);
  CHECK(kept == std::vector<uint32_t>{1, 8});
  kept.clear();
  select_max_margin(s.data(), c.data(), 5, 7, kept);
  CHECK(kept == std::vector<uint32_t>{1, 4, 6, 8});
  kept.clear();
  SelectConfig rule;
  rule.rule = SelectRule::max_margin;
  rule.margin = 1000;
  select(rule, s.data(), c.data(), 5, kept);
  CHECK(kept == c);
}

TEST_CASE("golden a3 through run_attention: search counts, post-scoring, a causal row of one key", "[golden][a3]") {
  QuantizedLayer L;
  L.shape.heads = L.shape.kv_heads = 1;
  L.shape.n_q = 2, L.shape.n_k = 4, L.shape.d = 2, L.shape.valid_len = 4;
  L.shape.causal = true;  // query 0 sees keys 0..2, query 1 every key
  L.q.data = {2, -1, 2, -1};
  L.k.data = kKeys;
  L.v.data = {100, 0, 0, 100, 50, 50, -100, 0};
  L.q.scale = {1.0f};
  L.k.scale = {1.0f};
  L.v.scale = {1.0f};
  CandidateSearchConfig cs;
  cs.iterations_ppm = 500000;  // M = 2 for both rows
  cs.threshold_q8 = 65535;     // every candidate kept
  GoldenStats st;
  const std::vector<int16_t> out = run_attention(L, FilterConfig::a3(cs), &st);
  REQUIRE(st.rounds.size() == 2);
  // Row 0 (keys 0..2, M = 2): max 6 (key 0), min −4 (key 1, column 0); max 2 (key 2, column 0),
  // min −4 (key 1, column 1): G = {6, −8, 2} → {0, 2}. Row 1: {0, 3} (above).
  CHECK(st.allowed == 3 + 4);
  CHECK(st.rounds[0].candidates == 7);
  CHECK(st.rounds[0].kept == 2 + 2);
  CHECK(st.rounds[1].candidates == 4);
  CHECK(st.rounds[1].kept == 4);
  CHECK(st.final_kept == 4);
  // T = 0: only each row's largest exact score survives (key 0: 7 against key 2's 0 and key 3's 3),
  // and the output rows are key 0's V row (p16 = 65535: round(65535·100 / 65536) = 100).
  cs.threshold_q8 = 0;
  const std::vector<int16_t> top = run_attention(L, FilterConfig::a3(cs), &st);
  CHECK(st.rounds[1].kept == 2);
  CHECK(top == std::vector<int16_t>{100, 0, 100, 0});
  CHECK(out != top);
}
