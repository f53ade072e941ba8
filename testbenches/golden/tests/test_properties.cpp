// Properties of the golden model on random data.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "energon/golden/accuracy.h"
#include "energon/golden/golden.h"
#include "random_layer.h"

using namespace energon;
using namespace energon::golden;
using energon::test::random_layer;
using energon::test::shape;

namespace {
/// Records every row's kept set per round.
struct Recorder : RowObserver {
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::vector<uint32_t>> sets;
  void on_round(uint32_t h, uint32_t i, uint32_t r, const std::vector<uint32_t>& kept, bool) override {
    sets[{h, i, r}] = kept;
  }
};

FilterConfig rounds(const std::vector<int32_t>& alphas) {
  FilterConfig f = FilterConfig::energon_default();
  f.rounds.clear();
  uint8_t kb = 2;
  for (int32_t a : alphas) {
    f.rounds.push_back({4, kb, {SelectRule::threshold, a, 0, 0}});
    kb = uint8_t(std::min(8, kb + 2));
  }
  return f;
}

const AttentionShape kShapes[] = {shape(4, 4, 32, 32, 16), shape(4, 2, 24, 40, 8, true),
                                  shape(2, 1, 16, 48, 32, false, 30), shape(2, 2, 40, 24, 8, true)};
}  // namespace

TEST_CASE("golden kept set of round r is a subset of round r-1", "[golden][property]") {
  for (const AttentionShape& s : kShapes) {
    const QuantizedLayer L = quantize_layer(random_layer(s, 11));
    Recorder rec;
    FilterConfig f = rounds({-64, 0, 64});
    f.rounds[2].select = {SelectRule::topk, 0, 0, 32768};
    run_attention(L, f, nullptr, &rec);
    for (uint32_t h = 0; h < s.heads; ++h)
      for (uint32_t i = 0; i < s.n_q; ++i)
        for (uint32_t r = 1; r <= 3; ++r) {
          const auto& prev = rec.sets[{h, i, r - 1}];
          const auto& cur = rec.sets[{h, i, r}];
          REQUIRE(std::includes(prev.begin(), prev.end(), cur.begin(), cur.end()));
          if (!prev.empty()) REQUIRE(!cur.empty());  // a round never empties a row
        }
  }
}

TEST_CASE("golden alpha -256 and dense keep every allowed key", "[golden][property]") {
  for (const AttentionShape& s : kShapes) {
    const QuantizedLayer L = quantize_layer(random_layer(s, 12));
    GoldenStats dense, all;
    run_attention(L, FilterConfig::dense(), &dense);
    run_attention(L, rounds({-256, -256}), &all);
    CHECK(dense.final_kept == dense.allowed);
    CHECK(all.final_kept == all.allowed);
    CHECK(all.allowed == dense.allowed);
    for (const RoundCounts& r : all.rounds) CHECK(r.kept == r.candidates);
  }
}

TEST_CASE("golden mpmrf keeping every key equals dense bit for bit", "[golden][property]") {
  for (const AttentionShape& s : kShapes) {
    const QuantizedLayer L = quantize_layer(random_layer(s, 13));
    const auto dense = run_attention(L, FilterConfig::dense());
    CHECK(run_attention(L, rounds({-256, -256})) == dense);
    FilterConfig topk_all = FilterConfig::topk_fraction(kFractionOne);
    CHECK(run_attention(L, topk_all) == dense);
  }
}

TEST_CASE("golden larger alpha never keeps more keys", "[golden][property]") {
  const AttentionShape s = shape(2, 2, 32, 64, 16, true);
  const QuantizedLayer L = quantize_layer(random_layer(s, 14));
  for (int32_t a = -256; a < 256; a += 32) {
    Recorder lo, hi;
    run_attention(L, rounds({a}), nullptr, &lo);
    run_attention(L, rounds({a + 32}), nullptr, &hi);
    for (const auto& [key, kept_hi] : hi.sets) {
      const auto& kept_lo = lo.sets[key];
      REQUIRE(std::includes(kept_lo.begin(), kept_lo.end(), kept_hi.begin(), kept_hi.end()));
    }
  }
}

TEST_CASE("golden results are identical across runs", "[golden][property]") {
  const AttentionShape s = shape(4, 2, 48, 48, 32, true);
  const FloatLayer F = random_layer(s, 15);
  const auto a = run_with_accuracy(F, FilterConfig::energon_default());
  const auto b = run_with_accuracy(F, FilterConfig::energon_default());
  CHECK(a.output == b.output);
  CHECK(a.quantized.q.data == b.quantized.q.data);
  CHECK(a.stats.final_kept == b.stats.final_kept);
  CHECK(a.accuracy.total.rel_l2_error == b.accuracy.total.rel_l2_error);
}

TEST_CASE("golden accuracy: dense is close to the float reference and filtering loses mass", "[golden][accuracy]") {
  const AttentionShape s = shape(2, 2, 64, 64, 32);
  const FloatLayer F = random_layer(s, 16);
  const auto dense = run_with_accuracy(F, FilterConfig::dense());
  CHECK(dense.accuracy.total.mass_recall == Approx(1.0).epsilon(1e-12));
  CHECK(dense.accuracy.total.rel_l2_error < 2e-3);
  CHECK(dense.accuracy.total.cosine > 0.99999);
  REQUIRE(dense.accuracy.per_head.size() == 2);
  const auto sparse = run_with_accuracy(F, rounds({0, 128}));
  CHECK(sparse.stats.final_kept < dense.stats.final_kept);
  CHECK(sparse.accuracy.total.mass_recall < 1.0);
  CHECK(sparse.accuracy.total.mass_recall > 0.5);
  CHECK(sparse.accuracy.total.rel_l2_error > dense.accuracy.total.rel_l2_error);
}
