// Key-list helpers: the union of a tile's ascending key lists equals sort + unique of their
// concatenation, on random lists, empty ones, a single one and lists holding every key up to some
// key (the shortcut for dense tiles).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "energon/hw/key_runs.h"

using energon::hw::union_of_keys;

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
