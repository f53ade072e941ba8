// Key-list helpers: the runs of consecutive keys equal a plain scan's, on lists from sparse to every
// key (the galloping search's short and long runs, ends at the list's end); the union of a tile's
// ascending key lists equals sort + unique of their concatenation, on random lists, empty ones, a
// single one and lists holding every key up to some key (the shortcut for dense tiles).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "energon/hw/key_runs.h"

using energon::hw::for_each_key_run;
using energon::hw::union_of_keys;

TEST_CASE("key runs: the runs of consecutive keys are a plain scan's, short and long, at either end") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 400; ++trial) {
    // Runs of random lengths (1 .. 1 << (trial % 12), so both the few linear steps and galloping
    // strides of every size) separated by gaps of 1 .. 3 missing keys.
    std::vector<uint32_t> keys;
    uint32_t k = rng() % 3;
    const uint32_t longest = 1u << (trial % 12);
    const size_t n = rng() % 2000;
    while (keys.size() < n) {
      const uint32_t len = 1 + rng() % longest;
      for (uint32_t i = 0; i < len && keys.size() < n; ++i) keys.push_back(k++);
      k += 1 + rng() % 3;
    }
    std::vector<std::pair<size_t, size_t>> want, got;
    for (size_t c = 0; c < keys.size();) {
      size_t e = c + 1;
      while (e < keys.size() && keys[e] == keys[e - 1] + 1) ++e;
      want.emplace_back(c, e);
      c = e;
    }
    for_each_key_run(keys.data(), keys.size(), [&](size_t c, size_t e) { got.emplace_back(c, e); });
    REQUIRE(got == want);
  }
  // Every key 0 .. n − 1: one run, for every n around the strides' boundaries.
  for (size_t n = 1; n < 300; ++n) {
    std::vector<uint32_t> keys(n);
    for (size_t i = 0; i < n; ++i) keys[i] = uint32_t(i + 7);
    std::vector<std::pair<size_t, size_t>> got;
    for_each_key_run(keys.data(), n, [&](size_t c, size_t e) { got.emplace_back(c, e); });
    REQUIRE(got == std::vector<std::pair<size_t, size_t>>{{0, n}});
  }
}

TEST_CASE("key runs: the union of ascending key lists is their sorted, deduplicated concatenation") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::vector<uint32_t>> lists(rng() % 9);
    const uint32_t n_k = 1 + rng() % 700;
    std::vector<uint32_t> want;
    for (size_t i = 0; i < lists.size(); ++i) {
      auto& l = lists[i];
      // Every third trial some lists hold every key 0 .. x (a dense row; x below n_k − 1 too, where
      // such a list is not the union).
      const bool complete = trial % 3 == 0 && i % 2 == 0;
      const uint32_t x = rng() % 2 ? n_k - 1 : uint32_t(rng() % n_k);
      for (uint32_t k = 0; k < n_k; ++k)
        if (complete ? k <= x : rng() % 4 == 0) l.push_back(k);
      want.insert(want.end(), l.begin(), l.end());
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::vector<uint32_t> got = {99};  // replaced, not appended to
    union_of_keys(
        lists, [](const std::vector<uint32_t>& l) -> const std::vector<uint32_t>& { return l; }, got);
    REQUIRE(got == want);
  }
}
