// Firmware host-side packing against the golden model, and the K bit-plane format.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "energon/fw/energon_fw.h"
#include "energon/fw/energon_pack.h"
#include "energon/golden/golden.h"

namespace {

bool same_bits(float a, float b) {
  uint32_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
}

std::vector<float> random_floats(size_t n, float magnitude, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, magnitude);
  std::vector<float> x(n);
  for (auto& v : x) v = dist(rng);
  return x;
}

}  // namespace

TEST_CASE("firmware: quantization equals golden quantize bit for bit") {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const float magnitude = std::ldexp(1.0f, int(seed % 13) - 6);
    std::vector<float> x = random_floats(4096, magnitude, seed);
    const float s_fw = energon_tensor_scale(x.data(), x.size());
    const float s_gold = energon::golden::tensor_scale(x.data(), x.size());
    REQUIRE(same_bits(s_fw, s_gold));
    for (float v : x) REQUIRE(energon_quantize(v, s_fw) == energon::golden::quantize(v, s_gold));
  }
  // Ties (x / scale exactly k + 0.5 go to even), saturation, zero, NaN.
  const float scale = 0.5f;
  for (float v : {0.25f, 0.75f, -0.25f, -0.75f, 1.25f, 16383.75f, 16383.25f, 20000.0f, -20000.0f, -16384.0f, -16384.25f,
                  0.0f, -0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                  std::numeric_limits<float>::quiet_NaN()})
    REQUIRE(energon_quantize(v, scale) == energon::golden::quantize(v, scale));
  REQUIRE(energon_quantize(0.25f, 0.5f) == 0);  // 0.5 → even 0
  REQUIRE(energon_quantize(0.75f, 0.5f) == 2);  // 1.5 → even 2
  REQUIRE(energon_quantize(20000.0f, 0.5f) == 32767);
  REQUIRE(energon_quantize(-20000.0f, 0.5f) == -32768);
  std::vector<float> zeros(64, 0.0f);
  REQUIRE(energon_tensor_scale(zeros.data(), zeros.size()) == 1.0f);
}

TEST_CASE("firmware: quantize_heads equals golden quantize_layer") {
  energon::FloatLayer layer;
  layer.shape = {4, 2, 16, 24, 32, false, 24};
  layer.q = random_floats(layer.shape.q_elems(), 3.0f, 7);
  layer.k = random_floats(layer.shape.kv_elems(), 0.01f, 8);
  layer.v = random_floats(layer.shape.kv_elems(), 100.0f, 9);
  std::fill(layer.v.begin(), layer.v.begin() + 24 * 32, 0.0f);  // an all-zero head
  const energon::QuantizedLayer gold = energon::golden::quantize_layer(layer);
  std::vector<int16_t> q(layer.q.size()), k(layer.k.size()), v(layer.v.size());
  std::vector<float> sq(4), sk(2), sv(2);
  energon_quantize_heads(layer.q.data(), 4, 16 * 32, q.data(), sq.data());
  energon_quantize_heads(layer.k.data(), 2, 24 * 32, k.data(), sk.data());
  energon_quantize_heads(layer.v.data(), 2, 24 * 32, v.data(), sv.data());
  REQUIRE(q == gold.q.data);
  REQUIRE(k == gold.k.data);
  REQUIRE(v == gold.v.data);
  for (int h = 0; h < 4; ++h) REQUIRE(same_bits(sq[h], gold.q.scale[h]));
  for (int h = 0; h < 2; ++h) REQUIRE(same_bits(sk[h], gold.k.scale[h]));
  for (int h = 0; h < 2; ++h) REQUIRE(same_bits(sv[h], gold.v.scale[h]));
  REQUIRE(sv[0] == 1.0f);
}

TEST_CASE("firmware: quantize_heads's vector loop equals quantize element by element") {
  // Blocks of a length no vector width divides (the scalar tail), each with the cases a vector
  // lane must treat as energon_quantize does: NaN, ±inf (an inf block's scale is inf), quotients
  // on ties, at and beyond ±32767 / −32768 after rounding, ±0, subnormals.
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const size_t per_head = 1029;
  std::vector<float> x = random_floats(4 * per_head, 50.0f, 11);
  const std::vector<float> specials = {nan,
                                       -nan,
                                       0.0f,
                                       -0.0f,
                                       1e-40f,
                                       -1e-40f,
                                       400.0f,
                                       -400.0f,
                                       399.99f,
                                       -400.01f,
                                       0.5f * 400.0f / 32767.0f,
                                       -1.5f * 400.0f / 32767.0f,
                                       399.995f,
                                       -399.995f,
                                       1e-30f};
  for (uint32_t h = 0; h < 2; ++h) {
    x[h * per_head] = 400.0f;  // with the specials, quotients reach ±32767 and just beyond
    for (size_t i = 0; i < specials.size(); ++i) x[h * per_head + 3 + 37 * i] = specials[i];
  }
  // Block 1 scaled by exactly 1 (max|x| = 32767): exact ties go to even in every lane.
  for (size_t i = 0; i < per_head; ++i) x[per_head + i] = std::fmod(x[per_head + i], 30000.0f);
  x[per_head] = 32767.0f;
  const std::vector<float> ties = {0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -3.5f, 32766.5f, -32766.5f, -32767.0f};
  for (size_t i = 0; i < ties.size(); ++i) x[per_head + 1 + i] = ties[i];
  x[2 * per_head + 5] = inf;
  x[2 * per_head + 9] = -inf;
  // Block 3 of subnormals: its scale underflows to 0, quotients are ±inf (and NaN for 0 / 0).
  for (size_t i = 0; i < per_head; ++i) x[3 * per_head + i] = i % 3 == 0 ? 0.0f : i % 3 == 1 ? 1e-42f : -1e-42f;
  std::vector<int16_t> q(x.size());
  std::vector<float> scales(4);
  energon_quantize_heads(x.data(), 4, per_head, q.data(), scales.data());
  for (uint32_t h = 0; h < 4; ++h) {
    const float* xh = x.data() + h * per_head;
    REQUIRE(same_bits(scales[h], energon::golden::tensor_scale(xh, per_head)));
    for (size_t i = 0; i < per_head; ++i) {
      INFO("head " << h << " element " << i << " x " << xh[i]);
      REQUIRE(q[h * per_head + i] == energon_quantize(xh[i], scales[h]));
      REQUIRE(q[h * per_head + i] == energon::golden::quantize(xh[i], scales[h]));
    }
  }
  REQUIRE(scales[1] == 1.0f);
  REQUIRE(std::vector<int16_t>(q.begin() + per_head + 1, q.begin() + per_head + 10) ==
          std::vector<int16_t>{0, 0, 2, -2, 2, -4, 32766, -32766, -32767});
  REQUIRE(scales[2] == inf);
  REQUIRE(scales[3] == 0.0f);
  REQUIRE(std::vector<int16_t>(q.begin() + 3 * per_head, q.begin() + 3 * per_head + 3) ==
          std::vector<int16_t>{0, 32767, -32768});
  REQUIRE(*std::min_element(q.begin(), q.begin() + per_head) == -32767);  // −400.01 is block 0's max|x|
  // The scale of a block whose max|x| sits in the scalar tail, of one whose max a NaN follows, and
  // of one holding only NaNs.
  std::vector<float> tail(per_head, 1.0f);
  tail[per_head - 1] = -3.0f;
  REQUIRE(energon_tensor_scale(tail.data(), tail.size()) == 3.0f / 32767.0f);
  std::vector<float> max_then_nan(16, 1.0f);  // a NaN after the max in the same lane keeps the max
  max_then_nan[0] = -3.0f;
  max_then_nan[4] = nan;
  REQUIRE(energon_tensor_scale(max_then_nan.data(), max_then_nan.size()) == 3.0f / 32767.0f);
  std::vector<float> nans(16, nan);
  REQUIRE(energon_tensor_scale(nans.data(), nans.size()) == 1.0f);
}

TEST_CASE("firmware: K bit planes pack and unpack round trip") {
  // Every way a plane is packed: fields per byte (1, 2, 4, 8 bits), groups of 2 fields (12), 4 (6,
  // 10, 14) and 8 (3, 5, 7) in a register, 16 bits, and a bit accumulator per row (9).
  const std::vector<std::vector<uint8_t>> layouts = {{16},   {2, 2, 12}, {1, 3, 12}, {4, 4, 4, 4}, {3, 5, 8}, {7, 9},
                                                     {8, 8}, {4, 4, 8},  {8, 4, 4},  {6, 10},      {2, 14}};
  const uint32_t d = 24;
  const size_t rows = 13;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> dist(-32768, 32767);
  std::vector<int16_t> k(rows * d);
  for (auto& x : k) x = int16_t(dist(rng));
  k[0] = -32768;
  k[1] = 32767;
  k[2] = -1;
  for (const auto& bits : layouts) {
    std::vector<std::vector<uint8_t>> planes;
    std::vector<uint8_t*> ptrs;
    planes.reserve(bits.size());
    ptrs.reserve(bits.size());
    for (uint8_t b : bits) planes.emplace_back(energon_plane_bytes(rows, d, b), 0xA5);
    for (auto& p : planes) ptrs.push_back(p.data());
    REQUIRE(energon_pack_k_planes(k.data(), rows, d, bits.data(), uint32_t(bits.size()), ptrs.data()) == 0);
    // Plane 0 holds the MSB slice the filter engine uses: x >> (16 − b), low b bits.
    const uint32_t b0 = bits[0];
    for (size_t r = 0; r < rows; ++r)
      for (uint32_t t = 0; t < d; ++t) {
        const size_t bit = r * d * b0 + size_t(t) * b0;
        uint32_t field = 0;
        for (uint32_t i = 0; i < b0; ++i) field |= uint32_t((planes[0][(bit + i) / 8] >> ((bit + i) % 8)) & 1u) << i;
        REQUIRE(field == (uint32_t(energon::golden::msb_slice(k[r * d + t], b0)) & ((1u << b0) - 1u)));
      }
    std::vector<const uint8_t*> cptrs(ptrs.begin(), ptrs.end());
    std::vector<int16_t> back(k.size(), 0x1234);
    REQUIRE(energon_unpack_k_planes(cptrs.data(), rows, d, bits.data(), uint32_t(bits.size()), back.data()) == 0);
    REQUIRE(back == k);
  }
}

TEST_CASE("firmware: K plane bytes of a hand-computed row") {
  // d = 8, planes 2, 2, 12: element 0 = 0x8000 (plane 0 field 0b10), element 1 = 0x7FFF.
  std::vector<int16_t> k = {-32768, 32767, 0, 0, 0, 0, 0, -1};
  const uint8_t bits[3] = {2, 2, 12};
  std::vector<uint8_t> p0(2), p1(2), p2(12);
  uint8_t* ptrs[3] = {p0.data(), p1.data(), p2.data()};
  REQUIRE(energon_pack_k_planes(k.data(), 1, 8, bits, 3, ptrs) == 0);
  // plane 0: e0 = 10b at bits 0..1, e1 = 01b at bits 2..3, e7 = 11b at bits 14..15
  REQUIRE(p0 == std::vector<uint8_t>{0x06, 0xC0});
  // plane 1: e0 = 00b, e1 = 11b at bits 2..3, e7 = 11b
  REQUIRE(p1 == std::vector<uint8_t>{0x0C, 0xC0});
  // plane 2: 12-bit fields; e1 = 0xFFF at bits 12..23, e7 = 0xFFF at bits 84..95
  REQUIRE(p2[1] == 0xF0);
  REQUIRE(p2[2] == 0xFF);
  REQUIRE(p2[10] == 0xF0);
  REQUIRE(p2[11] == 0xFF);
  REQUIRE(p2[0] == 0x00);
  // Widths not summing to 16, or d not a multiple of 8, are refused.
  const uint8_t bad[2] = {2, 2};
  REQUIRE(energon_pack_k_planes(k.data(), 1, 8, bad, 2, ptrs) == -1);
  REQUIRE(energon_pack_k_planes(k.data(), 1, 6, bits, 3, ptrs) == -1);
}

TEST_CASE("firmware: plane widths follow the rounds' k_bits") {
  uint8_t bits[ENERGON_MAX_PLANES];
  energon_select_t rounds[4] = {};
  rounds[0].k_bits = 2;
  rounds[1].k_bits = 4;
  REQUIRE(energon_planes_for_rounds(ENERGON_POLICY_MPMRF, rounds, 2, bits) == 3);
  REQUIRE((bits[0] == 2 && bits[1] == 2 && bits[2] == 12));
  REQUIRE(energon_planes_for_rounds(ENERGON_POLICY_DENSE, rounds, 2, bits) == 1);
  REQUIRE(bits[0] == 16);
  REQUIRE(energon_planes_for_rounds(ENERGON_POLICY_TOPK, rounds, 0, bits) == 1);
  rounds[0].k_bits = 4;
  rounds[1].k_bits = 4;  // repeated width: no empty plane
  REQUIRE(energon_planes_for_rounds(ENERGON_POLICY_MPMRF, rounds, 2, bits) == 2);
  REQUIRE((bits[0] == 4 && bits[1] == 12));
  rounds[0].k_bits = 2, rounds[1].k_bits = 4, rounds[2].k_bits = 6, rounds[3].k_bits = 8;
  REQUIRE(energon_planes_for_rounds(ENERGON_POLICY_MPMRF, rounds, 4, bits) == 0);  // 5 planes
}

TEST_CASE("firmware: descriptor builder fills every field") {
  energon_job_shape_t shape = {12, 4, 100, 128, 64, 120, 1};
  energon_select_t rounds[2] = {{ENERGON_RULE_THRESHOLD, 4, 2, 0, 0, 0, 0},
                                {ENERGON_RULE_THRESHOLD, 4, 4, 0, 128, 0, 0}};
  const uint8_t bits[3] = {2, 2, 12};
  energon_job_buffers_t buf = {0x1000, {0x2000, 0x3000, 0x4000, 0}, 0x5000, 0x6000, 0x7000};
  energon_desc_t d;
  std::memset(&d, 0xFF, sizeof d);
  energon_desc_build(&d, &shape, ENERGON_POLICY_MPMRF, rounds, 2, nullptr, bits, 3, &buf);
  REQUIRE(d.magic == ENERGON_DESC_MAGIC);
  REQUIRE((d.heads == 12 && d.kv_heads == 4 && d.n_q == 100 && d.n_k == 128 && d.d == 64 && d.valid_len == 120));
  REQUIRE(d.flags == ENERGON_DESC_FLAG_CAUSAL);
  REQUIRE((d.policy == ENERGON_POLICY_MPMRF && d.n_rounds == 2 && d.n_planes == 3));
  REQUIRE((d.round[1].alpha_q8 == 128 && d.round[1].k_bits == 4 && d.round[0].k_bits == 2));
  REQUIRE((d.plane_bits[2] == 12 && d.k_plane_addr[2] == 0x4000 && d.k_plane_addr[3] == 0));
  REQUIRE((d.q_addr == 0x1000 && d.v_addr == 0x5000 && d.scale_addr == 0x6000 && d.out_addr == 0x7000));
  REQUIRE((d.result_status == 0 && d.result_cycles == 0 && d.topk.rule == 0));
  energon_job_sizes_t sz;
  energon_job_sizes(&shape, bits, 3, &sz);
  REQUIRE(sz.q == 12u * 100 * 64 * 2);
  REQUIRE(sz.k_plane[0] == 4u * 128 * 64 * 2 / 8);
  REQUIRE(sz.k_plane[2] == 4u * 128 * 64 * 12 / 8);
  REQUIRE(sz.v == 4u * 128 * 64 * 2);
  REQUIRE(sz.scale == 16u * 4);
}

TEST_CASE("firmware: strerror names every hardware error and driver status") {
#define CHECK_HW(name, value, desc)                        \
  REQUIRE(std::string(energon_strerror(value)) == (desc)); \
  REQUIRE(std::string(energon_error_name(value)) == #name);
  ENERGON_ERRORS(CHECK_HW)
#undef CHECK_HW
// 0 is both ENERGON_FW_OK and ENERGON_ERR_NONE: the hardware table names it.
#define CHECK_FW(name, value, desc) \
  if ((value) != 0) REQUIRE(std::string(energon_strerror(value)) == (desc));
  ENERGON_FW_ERRORS(CHECK_FW)
#undef CHECK_FW
  REQUIRE(std::string(energon_strerror(200)) == "Unknown hardware error code");
  REQUIRE(std::string(energon_strerror(-100)) == "Unknown driver status");
}
