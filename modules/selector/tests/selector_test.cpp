// Selector alone through its `cmd` export against the golden model's selection rules:
// threshold (α = −256, 0, ±128, 256), top-k with ties, k > N, fractions, and its cycle model.
#include <catch2/catch.hpp>

#include <random>

#include "energon/golden/golden.h"
#include "energon/hw/selector.h"

using namespace energon;
using namespace energon::hw;

namespace {

struct Bench : sc_core::sc_module {
  Selector selector{"selector", AccelConfig::edge()};
  sc_core::sc_port<selector_if> port{"port"};
  std::function<void()> body;
  bool finished = false;
  explicit Bench(std::function<void()> f, sc_core::sc_module_name n = "bench") : sc_module(n), body(std::move(f)) {
    port.bind(selector.cmd);
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run);
  }
  void run() {
    body();
    finished = true;
  }
  std::vector<uint32_t> select(const SelectConfig& rule, const std::vector<int64_t>& s,
                               const std::vector<uint32_t>& cand, SelectJob* out = nullptr) {
    SelectJob j;
    j.rule = rule;
    j.scores = s.data();
    j.candidates = cand.data();
    j.n = uint32_t(s.size());
    sc_core::sc_time delay;
    port->select(j, delay);
    if (out) *out = j;
    return j.kept;
  }
};

SelectConfig threshold(int32_t a) { return {SelectRule::threshold, a, 0, 0}; }
SelectConfig topk(uint32_t k, uint32_t frac = 0) { return {SelectRule::topk, 0, k, frac}; }

std::vector<uint32_t> golden_select(const SelectConfig& r, const std::vector<int64_t>& s,
                                    const std::vector<uint32_t>& cand) {
  std::vector<uint32_t> kept;
  golden::select(r, s.data(), cand.data(), uint32_t(s.size()), kept);
  return kept;
}

}  // namespace

TEST_CASE("selector: threshold rule equals golden for alpha -256..256", "[selector]") {
  size_t mismatches = 0, rows = 0, kept_all_neg = 0, maxima_only = 0;
  Bench b([&] {
    std::mt19937 rng(7);
    for (int32_t a : {-256, -200, -128, -1, 0, 1, 77, 128, 255, 256}) {
      for (int r = 0; r < 60; ++r) {
        const uint32_t n = 1 + rng() % 200;
        std::vector<int64_t> s(n);
        std::vector<uint32_t> cand(n);
        const int64_t range = (r % 3 == 0) ? 3 : 100000;  // few distinct values: many ties
        for (uint32_t c = 0; c < n; ++c) {
          s[c] = int64_t(rng() % (2 * range + 1)) - range;
          cand[c] = c * 3 + 1;
        }
        const auto got = b.select(threshold(a), s, cand);
        mismatches += got != golden_select(threshold(a), s, cand);
        ++rows;
        if (a == -256) kept_all_neg += got.size() == n;
        if (a == 256) {
          const int64_t m = *std::max_element(s.begin(), s.end());
          bool only = !got.empty();
          for (uint32_t k : got) only = only && s[(k - 1) / 3] == m;
          maxima_only += only;
        }
      }
    }
  });
  sc_core::sc_start();
  REQUIRE(b.finished);
  CHECK(rows == 600);
  CHECK(mismatches == 0);
  CHECK(kept_all_neg == 60);  // α = −256 keeps everything
  CHECK(maxima_only == 60);   // α = 256 keeps exactly the maxima
}

TEST_CASE("selector: alpha 0 keeps the keys at or above the mean", "[selector]") {
  std::vector<uint32_t> got;
  Bench b([&] { got = b.select(threshold(0), {1, 2, 3, 6}, {10, 11, 12, 13}); });  // mean 3
  sc_core::sc_start();
  CHECK(got == std::vector<uint32_t>{12, 13});
}

TEST_CASE("selector: top-k ties go to the lower key index", "[selector]") {
  std::vector<uint32_t> equal, mixed;
  Bench b([&] {
    equal = b.select(topk(3), std::vector<int64_t>(10, 5), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    mixed = b.select(topk(3), {4, 9, 4, 9, 4, 1}, {0, 1, 2, 3, 4, 5});
  });
  sc_core::sc_start();
  CHECK(equal == std::vector<uint32_t>{0, 1, 2});
  CHECK(mixed == std::vector<uint32_t>{0, 1, 3});
}

TEST_CASE("selector: top-k equals golden on random rows, k > N keeps all, fractions round up", "[selector]") {
  size_t mismatches = 0;
  std::vector<uint32_t> all, frac, tenth;
  Bench b([&] {
    std::mt19937 rng(11);
    for (int r = 0; r < 400; ++r) {
      const uint32_t n = 1 + rng() % 300;
      std::vector<int64_t> s(n);
      std::vector<uint32_t> cand(n);
      const int64_t range = (r % 2) ? 4 : 1000000;
      for (uint32_t c = 0; c < n; ++c) {
        s[c] = int64_t(rng() % (2 * range + 1)) - range;
        cand[c] = c;
      }
      if (r % 5 == 0) std::sort(s.begin(), s.end());  // sorted rows: worst case for naive pivots
      const SelectConfig rule = (r % 4 == 0) ? topk(0, 1 + rng() % kFractionOne) : topk(1 + rng() % (n + 5));
      mismatches += b.select(rule, s, cand) != golden_select(rule, s, cand);
    }
    all = b.select(topk(50), {3, 1, 2}, {4, 5, 6});
    frac = b.select(topk(0, kFractionOne / 4), {1, 2, 3, 4, 5}, {0, 1, 2, 3, 4});  // ceil(0.25·5) = 2
    tenth = b.select(topk(0, kFractionOne / 10), {1, 2, 3, 4, 5, 6, 7, 8, 9, 0},
                     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});  // ceil(0.1·10) = 1
  });
  sc_core::sc_start();
  REQUIRE(b.finished);
  CHECK(mismatches == 0);
  CHECK(all == std::vector<uint32_t>{4, 5, 6});
  CHECK(frac == std::vector<uint32_t>{3, 4});
  CHECK(tenth == std::vector<uint32_t>{8});
}

TEST_CASE("selector: cycle model (threshold one pass, quick-select passes)", "[selector]") {
  SelectJob th, tk, keep_all;
  sc_core::sc_time t_end;
  Bench b([&] {
    std::vector<int64_t> s(100);
    std::vector<uint32_t> cand(100);
    for (uint32_t c = 0; c < 100; ++c) {
      s[c] = int64_t((c * 37) % 101);
      cand[c] = c;
    }
    b.select(threshold(0), s, cand, &th);
    b.select(topk(10), s, cand, &tk);
    b.select(topk(100), s, cand, &keep_all);
    t_end = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  // Edge preset: 8 elements/cycle, 2 cycles per pass.
  CHECK(th.cycles == 13 + 2);
  CHECK(keep_all.cycles == 13);
  CHECK(keep_all.passes == 0);
  CHECK(tk.passes >= 1);
  CHECK(tk.passes <= 20);
  CHECK(tk.cycles >= 13 + 13 + 2);
  CHECK(b.selector.stats().rows == 3);
  CHECK(b.selector.stats().busy_cycles == th.cycles + tk.cycles + keep_all.cycles);
  CHECK(t_end == sc_core::SC_ZERO_TIME);  // lt mode: the time is annotated, not waited
}
