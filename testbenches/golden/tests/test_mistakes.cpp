// Each mistake the issue names, made on purpose in a mutant: the checks that guard the
// golden model reject the mutant, so the golden tests would fail if the mistake were made.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "energon/golden/golden.h"

using namespace energon::golden;

namespace {
using Threshold = std::function<void(const int64_t*, const uint32_t*, uint32_t, int32_t, std::vector<uint32_t>&)>;
using TopK = std::function<void(const int64_t*, const uint32_t*, uint32_t, uint32_t, std::vector<uint32_t>&)>;
using Softmax = std::function<void(const int64_t*, uint32_t, float, uint16_t*)>;

// The threshold checks of test_rules.cpp, as a predicate over an implementation.
bool threshold_cases_hold(const Threshold& rule) {
  const int64_t s[5] = {0, 2, 4, 6, 8};
  const uint32_t c[5] = {0, 1, 2, 3, 4};
  std::vector<uint32_t> kept;
  rule(s, c, 5, 128, kept);
  if (kept != std::vector<uint32_t>{3, 4}) return false;
  kept.clear();
  rule(s, c, 5, -128, kept);
  return kept == std::vector<uint32_t>{1, 2, 3, 4};
}

bool topk_cases_hold(const TopK& rule) {
  const int64_t s[5] = {5, 7, 7, 3, 7};
  const uint32_t c[5] = {0, 1, 2, 3, 4};
  std::vector<uint32_t> kept;
  rule(s, c, 5, 2, kept);
  return kept == std::vector<uint32_t>{1, 2};
}

// A row whose Q0.16 probabilities depend on the order Z is summed in: one dominant key
// followed by many small ones (found by search; the expected values follow the spec's
// ascending order).
std::vector<int64_t> order_sensitive_row() {
  std::vector<int64_t> acc(64);
  for (uint32_t j = 0; j < 64; ++j) acc[j] = (j == 0) ? 0 : -int64_t(22 + 55 * j);
  return acc;
}
constexpr float kOrderC = 0.0021f;

bool softmax_cases_hold(const Softmax& fn, const std::vector<uint16_t>& expected) {
  const auto acc = order_sensitive_row();
  std::vector<uint16_t> p(acc.size());
  fn(acc.data(), uint32_t(acc.size()), kOrderC, p.data());
  return p == expected;
}

std::vector<uint16_t> softmax_reference_ascending() {
  const auto acc = order_sensitive_row();
  std::vector<float> e(acc.size());
  float m = -INFINITY, z = 0.0f;
  for (int64_t a : acc) m = std::fmax(m, float(a) * kOrderC);
  for (size_t j = 0; j < acc.size(); ++j) z += (e[j] = std::exp(float(acc[j]) * kOrderC - m));
  std::vector<uint16_t> p(acc.size());
  for (size_t j = 0; j < acc.size(); ++j) p[j] = uint16_t(std::min(65535L, std::lrint((e[j] / z) * 65536.0f)));
  return p;
}
}  // namespace

TEST_CASE("golden mistake: off-by-one threshold comparison is caught", "[golden][mistake]") {
  CHECK(threshold_cases_hold(select_threshold));
  const Threshold strict = [](const int64_t* s, const uint32_t* c, uint32_t n, int32_t a, std::vector<uint32_t>& kept) {
    int64_t sum = 0, mx = s[0], mn = s[0];
    for (uint32_t j = 0; j < n; ++j) sum += s[j], mx = std::max(mx, s[j]), mn = std::min(mn, s[j]);
    const int64_t rhs = a >= 0 ? a * n * mx + (256 - a) * sum : (256 + a) * sum - int64_t(a) * n * mn;
    for (uint32_t j = 0; j < n; ++j)
      if (256 * int64_t(n) * s[j] > rhs) kept.push_back(c[j]);  // the mistake: > instead of ≥
  };
  CHECK_FALSE(threshold_cases_hold(strict));
}

TEST_CASE("golden mistake: wrong top-k tie-break is caught", "[golden][mistake]") {
  CHECK(topk_cases_hold(select_topk));
  const TopK higher_index_wins = [](const int64_t* s, const uint32_t* c, uint32_t n, uint32_t k,
                                    std::vector<uint32_t>& kept) {
    std::vector<uint32_t> order(n);
    for (uint32_t j = 0; j < n; ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      return s[x] != s[y] ? s[x] > s[y] : c[x] > c[y];  // the mistake: ties to the higher index
    });
    order.resize(std::min(k, n));
    std::sort(order.begin(), order.end());
    for (uint32_t j : order) kept.push_back(c[j]);
  };
  CHECK_FALSE(topk_cases_hold(higher_index_wins));
}

TEST_CASE("golden mistake: a different softmax summation order is caught", "[golden][mistake]") {
  const std::vector<uint16_t> expected = softmax_reference_ascending();
  CHECK(softmax_cases_hold(softmax_q16, expected));
  const Softmax descending = [](const int64_t* acc, uint32_t n, float c, uint16_t* p16) {
    float m = -INFINITY, z = 0.0f;
    for (uint32_t j = 0; j < n; ++j) m = std::fmax(m, float(acc[j]) * c);
    for (uint32_t j = n; j-- > 0;) z += std::exp(float(acc[j]) * c - m);  // the mistake: descending
    for (uint32_t j = 0; j < n; ++j)
      p16[j] = uint16_t(std::min(65535L, std::lrint((std::exp(float(acc[j]) * c - m) / z) * 65536.0f)));
  };
  CHECK_FALSE(softmax_cases_hold(descending, expected));
}
