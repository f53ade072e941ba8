// The a3 policy on the datapath: output and counts bit-exact with golden::run_attention (causal,
// grouped-query, valid_len < n_k, K in one plane or three), K of each kv head read once for the
// sorter and its candidates' rows then served on chip, the candidate-search unit's exact cycles, and
// lt = accurate.
#include <catch2/catch.hpp>

#include "datapath_bench.h"
#include "energon/golden/golden.h"
#include "energon/hw/datapath.h"
#include "job_image.h"
#include "test_memory.h"

using namespace energon;
using namespace energon::hw;
using namespace energon::hw::test_rig;

namespace {

AttentionShape shape(uint32_t heads, uint32_t kv, uint32_t n_q, uint32_t n_k, uint32_t d, bool causal,
                     uint32_t valid_len) {
  AttentionShape s;
  s.heads = heads, s.kv_heads = kv, s.n_q = n_q, s.n_k = n_k, s.d = d, s.causal = causal, s.valid_len = valid_len;
  return s;
}

FilterConfig a3(uint32_t iterations_ppm, uint32_t threshold_q8) {
  return FilterConfig::a3({iterations_ppm, threshold_q8});
}

golden::GoldenStats check_against_golden(const QuantizedLayer& L, const FilterConfig& f, const Run& r) {
  golden::GoldenStats gs = check_output_against_golden(L, f, r);
  REQUIRE(gs.rounds.size() == 2);
  CHECK(r.outcome.kept[0] == gs.rounds[0].kept);  // the search's candidates
  CHECK(r.outcome.kept[1] == gs.rounds[1].kept);  // kept by post-scoring
  CHECK(r.stats.round_candidates[0] == gs.rounds[0].candidates);
  CHECK(r.stats.round_candidates[1] == gs.rounds[1].candidates);
  CHECK(r.stats.candidate_search.candidates == gs.rounds[0].kept);
  return gs;
}

}  // namespace

TEST_CASE("datapath a3: bit-exact with golden for iterations and thresholds, causal GQA", "[datapath]") {
  const QuantizedLayer L = test::random_layer(shape(4, 2, 24, 40, 32, true, 36), 31, 20000, 2);
  const std::vector<FilterConfig> filters = {a3(500000, 2048),  a3(1, 2048),     a3(kFractionOne, 0),
                                             a3(250000, 65535), a3(125000, 512), a3(kFractionOne, 65535)};
  std::vector<JobSpec> jobs;
  jobs.reserve(2 * filters.size());
  for (const FilterConfig& f : filters) jobs.push_back({&L, f});                             // K in planes 2, 2, 12
  for (const FilterConfig& f : filters) jobs.push_back({&L, f, AccelConfig::edge(), {16}});  // one plane
  const auto runs = run_jobs(jobs);
  for (size_t i = 0; i < jobs.size(); ++i) {
    INFO("job " << i << ": iterations_ppm " << jobs[i].filter.candidate_search->iterations_ppm << ", threshold_q8 "
                << jobs[i].filter.candidate_search->threshold_q8);
    check_against_golden(L, jobs[i].filter, runs[i]);
    CHECK(runs[i].stats.candidate_search.heads_sorted == L.shape.kv_heads);
    CHECK(runs[i].stats.candidate_search.rows == uint64_t(L.shape.heads) * L.shape.n_q);
  }
  // The same search; T = 0 keeps only each row's largest scores, the widest threshold more.
  CHECK(runs[2].outcome.kept[0] == runs[5].outcome.kept[0]);
  CHECK(runs[2].outcome.kept[1] < runs[5].outcome.kept[1]);
  // More iterations find more candidates.
  CHECK(runs[1].outcome.kept[0] < runs[0].outcome.kept[0]);
  CHECK(runs[0].outcome.kept[0] < runs[5].outcome.kept[0]);
}

TEST_CASE("datapath a3: K read once per kv head, exact sorter and search cycles", "[datapath]") {
  // Non-causal, every key allowed: no cursor passes over a masked entry, so each row's search takes
  // search_latency + M + ceil(N / E) cycles, and each kv head's sort d·ceil(log2 N)·ceil(N / E) + latency.
  const QuantizedLayer L = test::random_layer(shape(2, 1, 16, 64, 64, false, 64), 32, 20000, 3);
  const AttentionShape& s = L.shape;
  const FilterConfig f = a3(500000, 2048);
  const auto runs =
      run_jobs({{&L, f, AccelConfig::edge(), {16}}, {&L, FilterConfig::dense(), AccelConfig::edge(), {16}}});
  const Run &r = runs[0], &dense = runs[1];
  check_against_golden(L, f, r);
  const AccelConfig c = AccelConfig::edge();
  const uint64_t rows = uint64_t(s.heads) * s.n_q, m = 32;  // ceil(0.5·64)
  const CandidateSearchStats& cs = r.stats.candidate_search;
  CHECK(cs.heads_sorted == 1);
  CHECK(cs.sort_cycles == uint64_t(s.d) * 6 * (64 / c.search_sort_elems_per_cycle) + c.search_latency);
  CHECK(cs.search_cycles == rows * (c.search_latency + m + 64 / c.search_sort_elems_per_cycle));
  CHECK(cs.busy_cycles == cs.sort_cycles + cs.search_cycles);
  CHECK(cs.iterations == rows * m);
  CHECK(cs.picks == 2 * rows * m);
  CHECK(cs.pick_compares == 2 * rows * m * (s.d - 1));
  CHECK(cs.skipped_entries == 0);
  CHECK(cs.sort_compares == uint64_t(s.n_k) * s.d * 6);
  // K crosses the bus once (the sorter's read; the candidates' rows are then on chip), as under dense.
  CHECK(r.outcome.bytes[size_t(Traffic::k0)] == uint64_t(s.kv_heads) * s.n_k * s.d * 2);
  CHECK(r.outcome.bytes[size_t(Traffic::k0)] == dense.outcome.bytes[size_t(Traffic::k0)]);
  // The attention engine scores only the candidates.
  CHECK(r.stats.attention.qk_macs == r.outcome.kept[0] * s.d);
}

TEST_CASE("datapath a3: a causal row's cursors pass over the keys it may not see", "[datapath]") {
  const QuantizedLayer L = test::random_layer(shape(1, 1, 32, 32, 16, true, 32), 33, 20000, 1);
  const auto runs = run_jobs({{&L, a3(500000, 2048), AccelConfig::edge(), {16}}});
  check_against_golden(L, a3(500000, 2048), runs[0]);
  const CandidateSearchStats& cs = runs[0].stats.candidate_search;
  CHECK(cs.skipped_entries > 0);
  // Every skipped entry costs at most one cycle beyond latency + iterations + the emit pass.
  const AccelConfig c = AccelConfig::edge();
  uint64_t floor = 0;
  for (uint32_t i = 0; i < 32; ++i) {
    const uint32_t n = i + 1;
    floor += c.search_latency + (n + 1) / 2 + (n + c.search_sort_elems_per_cycle - 1) / c.search_sort_elems_per_cycle;
  }
  CHECK(cs.search_cycles > floor);
  CHECK(cs.search_cycles <= floor + cs.skipped_entries);
}

TEST_CASE("datapath a3: lt and accurate timing give identical results", "[datapath]") {
  const QuantizedLayer L = test::random_layer(shape(2, 1, 12, 40, 32, true, 40), 34, 20000, 2);
  const FilterConfig f = a3(500000, 1024);
  AccelConfig lt = AccelConfig::edge();
  AccelConfig acc = lt;
  acc.timing = TimingMode::accurate;
  const auto runs = run_jobs({{&L, f, lt}, {&L, f, acc}});
  check_against_golden(L, f, runs[0]);
  check_against_golden(L, f, runs[1]);
  CHECK(runs[0].out == runs[1].out);
  CHECK(runs[0].outcome.kept == runs[1].outcome.kept);
  CHECK(runs[0].outcome.bytes == runs[1].outcome.bytes);
  CHECK(runs[0].stats.candidate_search.search_cycles == runs[1].stats.candidate_search.search_cycles);
  CHECK(runs[0].stats.candidate_search.sort_cycles == runs[1].stats.candidate_search.sort_cycles);
}
