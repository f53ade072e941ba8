// Hand-computed cases for the final attention of spec §1.3 and whole small jobs.
#include <catch2/catch.hpp>

#include <cmath>

#include "energon/golden/golden.h"

using namespace energon;
using namespace energon::golden;

TEST_CASE("golden INT16 dot product is exact at the extremes", "[golden][attn]") {
  std::vector<int16_t> q(128, -32768), k(128, -32768);
  CHECK(dot_int16(q.data(), k.data(), 128) == int64_t(128) * (int64_t(1) << 30));
  k.assign(128, 32767);
  CHECK(dot_int16(q.data(), k.data(), 128) == -int64_t(128) * 32768 * 32767);
}

TEST_CASE("golden softmax scale is computed once in float32", "[golden][attn]") {
  CHECK(softmax_scale(0.5f, 0.25f, 64) == 0.125f / 8.0f);
  CHECK(softmax_scale(1.0f, 1.0f, 16) == 0.25f);
}

TEST_CASE("golden softmax to Q0.16: equal scores split evenly, a single key saturates", "[golden][attn]") {
  const int64_t two[2] = {100, 100};
  uint16_t p[2];
  softmax_q16(two, 2, 0.01f, p);
  CHECK(p[0] == 32768);
  CHECK(p[1] == 32768);
  const int64_t one[1] = {-5};
  softmax_q16(one, 1, 1.0f, p);
  CHECK(p[0] == 65535);  // min(65535, lrintf(1.0 · 65536))
  // e = {1, e^-1}: p0 = 1/(1+e^-1) = 0.7310586 → 47911, p1 → 17625
  const int64_t pair[2] = {10, 0};
  softmax_q16(pair, 2, 0.1f, p);
  CHECK(p[0] == 47911);
  CHECK(p[1] == 17625);
}

TEST_CASE("golden weighted sum rounds half away from zero and saturates", "[golden][attn]") {
  const uint16_t half[2] = {32768, 32768};
  const uint32_t kept[2] = {0, 1};
  int16_t out[1];
  const int16_t v_pos[2] = {1, 0};
  weighted_sum(half, kept, 2, v_pos, 1, out);
  CHECK(out[0] == 1);  // 0.5 → 1
  const int16_t v_neg[2] = {-1, 0};
  weighted_sum(half, kept, 2, v_neg, 1, out);
  CHECK(out[0] == -1);  // −0.5 → −1
  const int16_t v_third[2] = {3, -2};
  weighted_sum(half, kept, 2, v_third, 1, out);
  CHECK(out[0] == 1);  // 0.5 → 1
  const uint16_t full[2] = {65535, 65535};
  const int16_t v_max[2] = {32767, 32767};
  weighted_sum(full, kept, 2, v_max, 1, out);
  CHECK(out[0] == 32767);
  const int16_t v_min[2] = {-32768, -32768};
  weighted_sum(full, kept, 2, v_min, 1, out);
  CHECK(out[0] == -32768);
  // kept indices select V rows
  const uint32_t second[1] = {1};
  const uint16_t one[1] = {65535};
  const int16_t v2[4] = {7, 8, 100, -100};
  int16_t o2[2];
  weighted_sum(one, second, 1, v2, 2, o2);
  CHECK(o2[0] == 100);
  CHECK(o2[1] == -100);
}

namespace {
QuantizedLayer constant_v_layer(AttentionShape s) {
  QuantizedLayer L;
  L.shape = s;
  L.q.data.assign(s.q_elems(), 100);
  L.k.data.assign(s.kv_elems(), 100);
  L.v.data.assign(s.kv_elems(), 0);
  for (uint32_t g = 0; g < s.kv_heads; ++g)
    for (uint32_t j = 0; j < s.n_k; ++j)
      for (uint32_t t = 0; t < s.d; ++t) L.v.data[(size_t(g) * s.n_k + j) * s.d + t] = int16_t(1000 * (g + 1) + j);
  L.q.scale.assign(s.heads, 0.01f);
  L.k.scale.assign(s.kv_heads, 0.01f);
  L.v.scale.assign(s.kv_heads, 1.0f);
  return L;
}
}  // namespace

TEST_CASE("golden valid length 1 and GQA: each head reads its own kv head's first V row", "[golden][job]") {
  AttentionShape s;
  s.heads = 4, s.kv_heads = 2, s.n_q = 3, s.n_k = 5, s.d = 8, s.valid_len = 1;
  const QuantizedLayer L = constant_v_layer(s);
  GoldenStats st;
  const auto out = run_attention(L, FilterConfig::dense(), &st);
  for (uint32_t h = 0; h < 4; ++h)
    for (uint32_t i = 0; i < 3; ++i) CHECK(out[(h * 3 + i) * 8] == int16_t(1000 * (h / 2 + 1)));
  CHECK(st.allowed == 4 * 3);
  CHECK(st.final_kept == 4 * 3);
}

TEST_CASE("golden causal first row sees one key, rows with no allowed key output zero", "[golden][job]") {
  AttentionShape s;
  s.heads = 1, s.kv_heads = 1, s.n_q = 4, s.n_k = 4, s.d = 8, s.valid_len = 4, s.causal = true;
  QuantizedLayer L = constant_v_layer(s);
  GoldenStats st;
  auto out = run_attention(L, FilterConfig::dense(), &st);
  CHECK(out[0] == 1000);  // query 0 sees only key 0
  CHECK(st.allowed == 1 + 2 + 3 + 4);
  // equal scores over keys 0..3 with V = 1000..1003: mean 1001.5 within rounding of Q0.16
  CHECK(out[3 * 8] >= 1001);
  CHECK(out[3 * 8] <= 1002);
  s.n_q = 6;  // more queries than keys: the first two rows see nothing
  L = constant_v_layer(s);
  out = run_attention(L, FilterConfig::energon_default(), &st);
  CHECK(out[0] == 0);
  CHECK(out[8] == 0);
  CHECK(out[16] == 1000);
  CHECK(st.allowed == 0 + 0 + 1 + 2 + 3 + 4);
}
