// Token and head pruning in the golden model (docs/pruning.md): a pruned token is exactly a key
// that is not there, pruned heads and queries give zero rows, and the importance table is the
// sum of the final probabilities per key and of |out| per head.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "energon/golden/golden.h"
#include "random_layer.h"

using namespace energon;
using namespace energon::golden;

namespace {

/// The layer with the keys (and V rows) in `drop` removed, queries unchanged.
QuantizedLayer without_keys(const QuantizedLayer& L, const std::vector<uint8_t>& drop) {
  QuantizedLayer r = L;
  const AttentionShape& s = L.shape;
  uint32_t kept = 0;
  for (uint32_t j = 0; j < s.n_k; ++j) kept += drop[j] == 0;
  r.shape.n_k = r.shape.valid_len = kept;
  r.k.data.clear();
  r.v.data.clear();
  for (uint32_t g = 0; g < s.kv_heads; ++g)
    for (uint32_t j = 0; j < s.n_k; ++j) {
      if (drop[j]) continue;
      const size_t at = (size_t(g) * s.n_k + j) * s.d;
      r.k.data.insert(r.k.data.end(), L.k.data.begin() + long(at), L.k.data.begin() + long(at + s.d));
      r.v.data.insert(r.v.data.end(), L.v.data.begin() + long(at), L.v.data.begin() + long(at + s.d));
    }
  return r;
}

}  // namespace

TEST_CASE("pruning: a pruned token is a key that is not there, pruned heads and queries are zero rows", "[pruning]") {
  for (const Policy p : {Policy::dense, Policy::topk, Policy::mpmrf, Policy::spatten}) {
    INFO(to_string(p));
    const FilterConfig f = p == Policy::dense     ? FilterConfig::dense()
                           : p == Policy::topk    ? FilterConfig::topk_fraction(kFractionOne / 4)
                           : p == Policy::spatten ? FilterConfig::spatten(kFractionOne / 4, {8, 6554})
                                                  : FilterConfig::energon_default();
    QuantizedLayer L = quantize_layer(test::random_layer(test::shape(4, 2, 24, 24, 32), 7));
    L.prune.token.assign(24, 0);
    for (const uint32_t j : {1u, 5u, 6u, 17u, 23u}) L.prune.token[j] = 1;
    L.prune.head = {0, 0, 1, 0};
    GoldenStats st;
    const std::vector<int16_t> out = run_attention(L, f, &st);

    // The layer without the pruned keys (n_q ≠ n_k there, so no query is pruned) gives the live rows.
    QuantizedLayer shorter = without_keys(L, L.prune.token);
    shorter.prune = {};
    GoldenStats st_short;
    const std::vector<int16_t> ref = run_attention(shorter, f, &st_short);
    const uint32_t d = 32;
    uint64_t allowed = 0;
    for (uint32_t h = 0; h < 4; ++h)
      for (uint32_t i = 0; i < 24; ++i) {
        const bool zero = h == 2 || L.prune.token[i];
        allowed += zero ? 0 : 19;
        for (uint32_t t = 0; t < d; ++t) {
          const size_t e = (size_t(h) * 24 + i) * d + t;
          if (zero)
            REQUIRE(out[e] == 0);
          else
            REQUIRE(out[e] == ref[e]);
        }
      }
    CHECK(st.allowed == allowed);
    // Importance: no pruned token gets any; head 2 none; each live row gives ~65536 in all.
    const Importance& imp = st.importance;
    REQUIRE(imp.token.size() == 24);
    REQUIRE(imp.head.size() == 4);
    uint64_t total = 0;
    for (uint32_t j = 0; j < 24; ++j) {
      if (L.prune.token[j]) CHECK(imp.token[j] == 0);
      total += imp.token[j];
    }
    const uint64_t rows = 3 * 19;
    CHECK(total <= rows * 65536 + rows * 19);  // each p16 rounds by at most 1/2
    CHECK(total + rows * 19 >= rows * 65536 - rows * 19);
    CHECK(imp.head[2] == 0);
    for (uint32_t h = 0; h < 4; ++h) {
      uint64_t magnitude = 0;
      for (uint32_t i = 0; i < 24; ++i)
        for (uint32_t t = 0; t < d; ++t) magnitude += uint64_t(std::abs(int(out[(size_t(h) * 24 + i) * d + t])));
      CHECK(imp.head[h] == magnitude);
    }
  }
}

TEST_CASE("pruning: one key left gets p16 65535 from every row", "[pruning]") {
  QuantizedLayer L = quantize_layer(test::random_layer(test::shape(2, 1, 5, 5, 16), 3));
  L.prune.token = {1, 1, 0, 1, 1};  // queries 0, 1, 3, 4 pruned with their tokens; query 2 sees key 2
  GoldenStats st;
  run_attention(L, FilterConfig::dense(), &st);
  CHECK(st.allowed == 2);
  CHECK(st.importance.token == std::vector<uint64_t>{0, 0, 2 * 65535, 0, 0});
}
