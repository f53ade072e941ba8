// Hand-computed cases for every rule of spec §1.2 and the masks of §1.1.
#include <catch2/catch.hpp>

#include "energon/filter_spec.h"
#include "energon/golden/golden.h"

#include <algorithm>
#include <tuple>

using namespace energon;
using namespace energon::golden;

namespace {
std::vector<uint32_t> iota(uint32_t n) {
  std::vector<uint32_t> v(n);
  for (uint32_t i = 0; i < n; ++i) v[i] = i;
  return v;
}
std::vector<uint32_t> threshold(const std::vector<int64_t>& s, int32_t a) {
  std::vector<uint32_t> kept;
  const auto c = iota(uint32_t(s.size()));
  select_threshold(s.data(), c.data(), uint32_t(s.size()), a, kept);
  return kept;
}
std::vector<uint32_t> topk(const std::vector<int64_t>& s, uint32_t k, std::vector<uint32_t> c = {}) {
  if (c.empty()) c = iota(uint32_t(s.size()));
  std::vector<uint32_t> kept;
  select_topk(s.data(), c.data(), uint32_t(s.size()), k, kept);
  return kept;
}
using V = std::vector<uint32_t>;
}  // namespace

TEST_CASE("golden threshold alpha > 0 keeps scores at or above mean + alpha (max - mean)", "[golden][select]") {
  // mean 4, max 8, alpha 0.5 → θ = 6: the score equal to θ is kept.
  CHECK(threshold({0, 2, 4, 6, 8}, 128) == V{3, 4});
  // mean 4, max 10, alpha 0.5 → θ = 7.
  CHECK(threshold({1, 2, 3, 10}, 128) == V{3});
  // alpha 0.25: θ = 4 + 0.25·4 = 5.
  CHECK(threshold({0, 2, 4, 5, 8, 5}, 64) == V{3, 4, 5});
}

TEST_CASE("golden threshold alpha < 0 keeps scores at or above mean + alpha (mean - min)", "[golden][select]") {
  // mean 4, min 0, alpha −0.5 → θ = 2 (kept: equal).
  CHECK(threshold({0, 2, 4, 6, 8}, -128) == V{1, 2, 3, 4});
  // negative scores: mean −4, min −10, alpha −0.25 → θ = −5.5.
  CHECK(threshold({-10, -6, -5, -1, 2}, -64) == V{2, 3, 4});
}

TEST_CASE("golden threshold alpha = 0 is the plain mean", "[golden][select]") {
  CHECK(threshold({1, 2, 3, 6}, 0) == V{2, 3});
  CHECK(threshold({-5, -3, -1}, 0) == V{1, 2});
}

TEST_CASE("golden threshold alpha = +256 keeps only the maxima, -256 keeps everything", "[golden][select]") {
  CHECK(threshold({5, 9, 9, 1}, 256) == V{1, 2});
  CHECK(threshold({5, 9, 9, 1}, -256) == V{0, 1, 2, 3});
  CHECK(threshold({7, 7, 7}, 256) == V{0, 1, 2});
  CHECK(threshold({-3}, 256) == V{0});
}

TEST_CASE("golden threshold works on a sparse candidate list", "[golden][select]") {
  const std::vector<int64_t> s{4, 0, 8};
  const std::vector<uint32_t> cand{3, 17, 40};
  std::vector<uint32_t> kept;
  select_threshold(s.data(), cand.data(), 3, 0, kept);
  CHECK(kept == V{3, 40});
}

TEST_CASE("golden top-k keeps the k largest, ties to the lower key index", "[golden][select]") {
  CHECK(topk({5, 7, 7, 3, 7}, 2) == V{1, 2});
  CHECK(topk({5, 7, 7, 3, 7}, 3) == V{1, 2, 4});
  CHECK(topk({5, 7, 7, 3, 7}, 4) == V{0, 1, 2, 4});
  CHECK(topk({1, 1, 1, 1}, 1) == V{0});
  // ties decided by key index, not by position in the candidate list
  CHECK(topk({2, 2, 2}, 1, {9, 4, 6}) == V{4});
}

TEST_CASE("golden top-k with k larger than the row keeps the row", "[golden][select]") {
  CHECK(topk({3, 1, 2}, 10) == V{0, 1, 2});
  CHECK(topk({3, 1, 2}, 3) == V{0, 1, 2});
}

TEST_CASE("golden top-k count from an absolute k or a fraction rounded up", "[golden][select]") {
  SelectConfig abs{SelectRule::topk, 0, 4, 0};
  CHECK(abs.topk_count(10) == 4);
  CHECK(abs.topk_count(3) == 3);
  SelectConfig frac{SelectRule::topk, 0, 0, kFractionOne / 2};  // 0.5
  CHECK(frac.topk_count(5) == 3);
  CHECK(frac.topk_count(4) == 2);
  CHECK(frac.topk_count(1) == 1);
  SelectConfig tiny{SelectRule::topk, 0, 0, 1};
  CHECK(tiny.topk_count(100) == 1);  // never empties a row
  SelectConfig all{SelectRule::topk, 0, 0, kFractionOne};
  CHECK(all.topk_count(77) == 77);
}

TEST_CASE("golden top-k fraction is k = ceil(p·N) exactly, p in ppm", "[golden][select]") {
  // 10 % of 10 keys is exactly 1 key (a Q0.16 fraction, 6554/65536 > 0.1, kept 2).
  const SelectConfig ten{SelectRule::topk, 0, 0, kFractionOne / 10};
  CHECK(ten.topk_count(10) == 1);
  CHECK(ten.topk_count(11) == 2);
  CHECK(ten.topk_count(20) == 2);
  CHECK(ten.topk_count(65536) == 6554);  // ceil(6553.6)
  // Every N up to the key limit against ceil(p·N) in exact rational arithmetic on p = num/den.
  for (const auto& [ppm, num, den] : {std::tuple<uint32_t, uint64_t, uint64_t>{100000, 1, 10},
                                      {125000, 1, 8},
                                      {333333, 333333, 1000000},
                                      {250000, 1, 4}}) {
    const SelectConfig f{SelectRule::topk, 0, 0, ppm};
    uint32_t wrong = 0;
    for (uint32_t n = 1; n <= kMaxKeys; ++n) {
      const uint64_t want = std::max<uint64_t>(1, (num * n + den - 1) / den);
      wrong += f.topk_count(n) != want;
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("top-k percentages and fractions parse exactly into ppm", "[golden][select]") {
  SelectConfig s;
  CHECK(parse_select("top=10%", s).empty());
  CHECK(s.k_fraction_ppm == 100000);
  CHECK(parse_select("top=12.5%", s).empty());
  CHECK(s.k_fraction_ppm == 125000);
  CHECK(parse_select("top=0.0001%", s).empty());
  CHECK(s.k_fraction_ppm == 1);
  CHECK(parse_select("top=100%", s).empty());
  CHECK(s.k_fraction_ppm == kFractionOne);
  CHECK(format_select(s) == "top=100%");
  CHECK(parse_select("top=33.3333%", s).empty());
  CHECK(format_select(s) == "top=33.3333%");
  for (const char* bad : {"top=0%", "top=100.0001%", "top=0.00001%", "top=-5%", "top=%", "top=1e1%", "top=.%",
                          "top=5.%", "top=nan%", "top=101%"})
    CHECK_FALSE(parse_select(bad, s).empty());
  uint32_t ppm = 0;
  CHECK(parse_fraction_ppm("0.25", 6, ppm).empty());
  CHECK(ppm == 250000);
  CHECK(parse_fraction_ppm("1", 6, ppm).empty());
  CHECK(ppm == kFractionOne);
  CHECK(parse_fraction_ppm(".5", 6, ppm).empty());
  CHECK(ppm == 500000);
  CHECK(parse_fraction_ppm("0.1000000", 6, ppm).empty());  // trailing zeros beyond ppm are exact
  CHECK(ppm == 100000);
  CHECK_FALSE(parse_fraction_ppm("0.0000001", 6, ppm).empty());
  CHECK_FALSE(parse_fraction_ppm("1.000001", 6, ppm).empty());
  CHECK_FALSE(parse_fraction_ppm("99999999999999999999", 6, ppm).empty());
  CHECK(fraction_to_ppm(0.3621) == 362100);
  CHECK(fraction_to_ppm(0.0) == 1);
  CHECK(fraction_to_ppm(2.0) == kFractionOne);
}

TEST_CASE("golden MSB slicing is an arithmetic shift (floor)", "[golden][quant]") {
  CHECK(msb_slice(int16_t(0x7FFF), 4) == 7);
  CHECK(msb_slice(int16_t(-1), 4) == -1);
  CHECK(msb_slice(int16_t(-32768), 2) == -2);
  CHECK(msb_slice(int16_t(0x4000), 2) == 1);
  CHECK(msb_slice(int16_t(-16385), 2) == -2);  // floor, not truncation toward zero
  // K4 = (K2 << 2) | next two bits: what makes bit-plane fetching possible
  for (int x = -32768; x < 32768; x += 97) {
    const int16_t v = int16_t(x);
    CHECK(msb_slice(v, 4) == msb_slice(v, 2) * 4 + ((uint16_t(v) >> 12) & 3));  // ×4: << of a negative is UB in C++17
  }
}

TEST_CASE("golden quantization rounds to nearest even and saturates", "[golden][quant]") {
  CHECK(quantize(2.5f, 1.0f) == 2);
  CHECK(quantize(3.5f, 1.0f) == 4);
  CHECK(quantize(-2.5f, 1.0f) == -2);
  CHECK(quantize(1e9f, 1.0f) == 32767);
  CHECK(quantize(-1e9f, 1.0f) == -32768);
  const float x[4] = {0.5f, -2.0f, 1.0f, 0.0f};
  const float s = tensor_scale(x, 4);
  CHECK(s == 2.0f / 32767.0f);
  CHECK(quantize(-2.0f, s) == -32767);
  const float zeros[2] = {0, 0};
  CHECK(tensor_scale(zeros, 2) == 1.0f);
}

TEST_CASE("golden causal mask and valid length form a prefix of allowed keys", "[golden][mask]") {
  AttentionShape s;
  s.n_q = 4, s.n_k = 4, s.valid_len = 4, s.causal = true;
  CHECK(s.allowed_end(0) == 1);
  CHECK(s.allowed_end(3) == 4);
  s.n_k = 6, s.valid_len = 6;  // query i sees j ≤ i + 2
  CHECK(s.allowed_end(0) == 3);
  s.valid_len = 2;
  CHECK(s.allowed_end(3) == 2);
  s.causal = false;
  CHECK(s.allowed_end(0) == 2);
  s.causal = true, s.n_q = 6, s.n_k = 4, s.valid_len = 4;  // more queries than keys
  CHECK(s.allowed_end(0) == 0);
  CHECK(s.allowed_end(2) == 1);
}

TEST_CASE("golden grouped-query attention maps query heads onto kv heads", "[golden][mask]") {
  AttentionShape s;
  s.heads = 8, s.kv_heads = 2;
  CHECK(s.kv_head_of(0) == 0);
  CHECK(s.kv_head_of(3) == 0);
  CHECK(s.kv_head_of(4) == 1);
  CHECK(s.kv_head_of(7) == 1);
}

TEST_CASE("golden shape and filter validation name what is wrong", "[golden][validate]") {
  AttentionShape s;
  s.heads = 6, s.kv_heads = 4, s.n_q = s.n_k = s.valid_len = 8, s.d = 8;
  CHECK_THAT(validate(s), Catch::Contains("kv_heads (4) must divide heads (6)"));
  s.kv_heads = 3, s.valid_len = 9;
  CHECK_THAT(validate(s), Catch::Contains("valid_len"));
  s.valid_len = 8;
  CHECK(validate(s).empty());
  FilterConfig f = FilterConfig::energon_default();
  CHECK(validate(f).empty());
  f.rounds[1].select.alpha_q8 = 300;
  CHECK_THAT(validate(f), Catch::Contains("round 2: alpha_q8 300"));
  f = FilterConfig::energon_default();
  f.rounds[1].k_bits = 1;
  CHECK_THAT(validate(f), Catch::Contains("may not decrease"));
}
