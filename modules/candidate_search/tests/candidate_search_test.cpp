// Candidate-search unit alone through its `cmd` export: hand-worked searches (picks, ties, masked
// keys, exhausted columns, the fallback key), exact cycles of the sorter and of the search, and
// random rows bit-exact against the golden model's search.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "energon/golden/candidate_search.h"
#include "energon/hw/candidate_search.h"

using namespace energon;
using namespace energon::hw;

namespace {

struct Bench : sc_core::sc_module {
  CandidateSearchUnit unit;
  sc_core::sc_port<candidate_search_if> port{"port"};
  std::function<void()> body;
  bool finished = false;
  Bench(std::function<void()> f, const AccelConfig& c = AccelConfig::edge(), sc_core::sc_module_name n = "bench")
      : sc_module(n), unit("candidate_search", c), body(std::move(f)) {
    port.bind(unit.cmd);
    SC_HAS_PROCESS(Bench);
    SC_THREAD(run);
  }
  void run() {
    body();
    finished = true;
  }
  uint64_t sort(const std::vector<int16_t>& k, uint32_t n, uint32_t d) {
    KeySortJob j;
    j.keys = k.data();
    j.n = n;
    j.d = d;
    sc_core::sc_time delay;
    port->sort_keys(j, delay);
    return j.cycles;
  }
  CandidateSearchJob search(const std::vector<int16_t>& q, const std::vector<uint32_t>& allowed, uint32_t m) {
    CandidateSearchJob j;
    j.q = q.data();
    j.allowed = &allowed;
    j.iterations = m;
    sc_core::sc_time delay;
    port->search(j, delay);
    return j;
  }
};

// Four keys, d = 2 (docs/candidate-search.md works this example through).
const std::vector<int16_t> kKeys = {3, -1, -2, 4, 1, 2, 0, -3};
const std::vector<int16_t> kQuery = {2, -1};

}  // namespace

TEST_CASE("candidate search: two iterations pick the two best keys (ties to the lower column)", "[candidate_search]") {
  CandidateSearchJob r;
  CandidateSearchStats st;
  Bench b([&] {
    b.sort(kKeys, 4, 2);
    r = b.search(kQuery, {0, 1, 2, 3}, 2);
    st = b.unit.stats();
  });
  sc_core::sc_start();
  REQUIRE(b.finished);
  // Iteration 1: max 6 (key 0, column 0), min −4 (key 1, columns 0 and 1 tie: column 0).
  // Iteration 2: max 3 (key 3, column 1), min −4 (key 1, column 1). G = {6, −8, 0, 3}.
  CHECK(r.candidates == std::vector<uint32_t>{0, 3});
  CHECK(r.skipped == 0);
  // search_latency 8 + 2 iterations + the emit pass ceil(4 / 8).
  CHECK(r.cycles == 8 + 2 + 1);
  CHECK(st.iterations == 2);
  CHECK(st.picks == 4);
  CHECK(st.products == 4 + 4);  // the 2d cursors' first products, then one per advance
  CHECK(st.pick_compares == 4 * (2 - 1));
  CHECK(st.candidates == 2);
  CHECK(st.search_cycles == r.cycles);
}

TEST_CASE("candidate search: keys not allowed are passed over, one sorted entry per cycle", "[candidate_search]") {
  CandidateSearchJob r;
  Bench b([&] {
    b.sort(kKeys, 4, 2);
    r = b.search(kQuery, {0, 2}, 1);
  });
  sc_core::sc_start();
  // Set-up: column 0's min cursor passes keys 1 and 3 (2 entries), column 1's cursors one each.
  // Iteration: max 6 (key 0), min −2 (key 2, column 1); G = {6, −2}.
  CHECK(r.candidates == std::vector<uint32_t>{0});
  CHECK(r.skipped == 2 + 1 + 1);
  CHECK(r.cycles == 8 + 2 + 1 + 1);  // latency, the slowest set-up cursor, one iteration, the emit pass
}

TEST_CASE("candidate search: an exhausted column drops out, no positive score keeps the first max pick",
          "[candidate_search]") {
  CandidateSearchJob exhausted, zero;
  CandidateSearchStats st;
  Bench b([&] {
    b.sort({5, -3}, 2, 1);
    exhausted = b.search({1}, {0, 1}, 3);  // G = {10, −6}; the third iteration finds no cursor left
    st = b.unit.stats();
    b.sort(kKeys, 4, 2);
    zero = b.search({0, 0}, {0, 1, 2, 3}, 2);  // every product 0: the first max pick is key 0
  });
  sc_core::sc_start();
  CHECK(exhausted.candidates == std::vector<uint32_t>{0});
  CHECK(exhausted.cycles == 8 + 3 + 1);
  CHECK(st.picks == 4);
  CHECK(st.pick_compares == 0);  // d = 1: a tree of one input
  CHECK(zero.candidates == std::vector<uint32_t>{0});
}

TEST_CASE("candidate search: sorter cycles d·ceil(log2 n)·ceil(n / E) + latency", "[candidate_search]") {
  uint64_t four = 0, one = 0, long_head = 0;
  CandidateSearchStats st;
  Bench b([&] {
    four = b.sort(kKeys, 4, 2);
    one = b.sort({7, 8}, 1, 2);
    long_head = b.sort(std::vector<int16_t>(512 * 64, 1), 512, 64);
    st = b.unit.stats();
  });
  sc_core::sc_start();
  CHECK(four == 2 * 2 * 1 + 8);
  CHECK(one == 2 * 1 * 1 + 8);  // one entry: a single load pass
  CHECK(long_head == 64 * 9 * 64 + 8);
  CHECK(st.heads_sorted == 3);
  CHECK(st.sort_elements == 8 + 2 + 512 * 64);
  CHECK(st.sort_compares == 8 * 2 + 0 + 512 * 64 * 9);
  CHECK(st.sort_cycles == four + one + long_head);
}

TEST_CASE("candidate search: accurate timing waits the cycles out", "[candidate_search]") {
  AccelConfig c = AccelConfig::edge();
  c.timing = TimingMode::accurate;
  sc_core::sc_time sorted, searched;
  Bench b(
      [&] {
        b.sort(kKeys, 4, 2);
        sorted = sc_core::sc_time_stamp();
        b.search(kQuery, {0, 1, 2, 3}, 2);
        searched = sc_core::sc_time_stamp();
      },
      c);
  sc_core::sc_start();
  REQUIRE(b.finished);
  const sc_core::sc_time cycle(c.period_ps(), sc_core::SC_PS);
  CHECK(sorted == cycle * 12.0);
  CHECK(searched - sorted == cycle * 11.0);
}

TEST_CASE("candidate search: random rows equal the golden search, no masked key costs nothing extra",
          "[candidate_search]") {
  size_t rows = 0, mismatches = 0, cycle_errors = 0, empty = 0;
  Bench b([&] {
    std::mt19937 rng(5);
    for (int head = 0; head < 30; ++head) {
      const uint32_t n = 1 + rng() % 150, d = 1 + rng() % 24;
      std::vector<int16_t> k(size_t(n) * d);
      const int range = head % 3 == 0 ? 3 : 30000;  // few distinct values: many ties
      for (auto& x : k) x = int16_t(int(rng() % (2 * range + 1)) - range);
      golden::SortedKeyColumns cols;
      cols.build(k.data(), n, d);
      b.sort(k, n, d);
      for (int row = 0; row < 20; ++row) {
        std::vector<int16_t> q(d);
        for (auto& x : q) x = int16_t(int(rng() % 65536) - 32768);
        if (row % 7 == 0) q.assign(d, 0);
        std::vector<uint32_t> allowed;
        const int kind = row % 3;  // every key, a causal prefix, a random subset
        for (uint32_t j = 0; j < n; ++j)
          if (kind == 0 || (kind == 1 && j <= uint32_t(row) * n / 20) || (kind == 2 && rng() % 3 != 0))
            allowed.push_back(j);
        const uint32_t m = uint32_t(1 + rng() % (allowed.size() + 3));
        const CandidateSearchJob r = b.search(q, allowed, m);
        std::vector<uint32_t> want;
        golden::search_candidates(cols, q.data(), allowed, m, want);
        ++rows;
        mismatches += r.candidates != want;
        empty += allowed.empty();
        if (kind == 0 && !allowed.empty()) cycle_errors += r.cycles != 8 + m + (allowed.size() + 7) / 8;
      }
    }
  });
  sc_core::sc_start();
  REQUIRE(b.finished);
  CHECK(rows == 600);
  CHECK(mismatches == 0);
  CHECK(cycle_errors == 0);
  CHECK(empty < rows);
}
