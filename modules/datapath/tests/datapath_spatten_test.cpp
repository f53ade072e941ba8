// The spatten policy on the datapath: output and counts bit-exact with golden::run_attention,
// rows recomputed as the golden model decides, and the LSB planes fetched from DRAM only when some
// row is recomputed: threshold 0 reads the MSB plane alone, threshold 1.0 recomputes every row.
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

struct Spec {
  FilterConfig filter;
  AccelConfig config = AccelConfig::edge();
};

/// Every job in its own bench, all in one simulation; K in spatten's MSB + LSB planes.
std::vector<Run> run_jobs(const QuantizedLayer& L, const std::vector<Spec>& specs) {
  std::vector<JobSpec> jobs;
  for (const Spec& s : specs) {
    const uint8_t msb = s.filter.progressive ? s.filter.progressive->msb_bits : 8;
    jobs.push_back({&L, s.filter, s.config, {msb, uint8_t(16 - msb)}});
  }
  return test_rig::run_jobs(jobs);
}

AttentionShape shape(uint32_t heads, uint32_t kv, uint32_t n_q, uint32_t n_k, uint32_t d, bool causal) {
  AttentionShape s;
  s.heads = heads, s.kv_heads = kv, s.n_q = n_q, s.n_k = n_k, s.d = d, s.causal = causal, s.valid_len = n_k;
  return s;
}

FilterConfig spatten(uint32_t threshold_q16, uint8_t msb_bits = 8, uint32_t ppm = kFractionOne / 4) {
  return FilterConfig::spatten(ppm, {msb_bits, threshold_q16});
}

golden::GoldenStats check_against_golden(const QuantizedLayer& L, const FilterConfig& f, const Run& r) {
  golden::GoldenStats gs = check_output_against_golden(L, f, r);
  REQUIRE(gs.rounds.size() == 1);
  CHECK(r.outcome.kept[0] == gs.rounds[0].kept);
  CHECK(r.stats.pq_rows == gs.pq_rows);
  CHECK(r.stats.pq_recomputed_rows == gs.pq_recomputed);
  return gs;
}

uint64_t k_bytes(const Run& r, uint32_t plane) { return r.outcome.bytes[size_t(Traffic::k0) + plane]; }

}  // namespace

TEST_CASE("datapath spatten: bit-exact with golden at thresholds 0, 0.1, 0.5 and 1.0, causal GQA", "[datapath]") {
  const QuantizedLayer L = test::random_layer(shape(4, 2, 24, 40, 32, true), 21, 20000, 2);
  const std::vector<uint32_t> thresholds = {0, 6554, 32768, 65536};
  std::vector<Spec> specs;
  specs.reserve(thresholds.size() + 1);
  for (uint32_t t : thresholds) specs.push_back({spatten(t)});
  specs.push_back({spatten(32768, 4)});  // a 4-bit MSB plane
  const auto runs = run_jobs(L, specs);
  for (size_t i = 0; i < specs.size(); ++i) {
    INFO("threshold_q16 " << specs[i].filter.progressive->threshold_q16 << ", msb "
                          << int(specs[i].filter.progressive->msb_bits));
    check_against_golden(L, specs[i].filter, runs[i]);
  }
  CHECK(runs[0].stats.pq_recomputed_rows == 0);
  CHECK(runs[3].stats.pq_recomputed_rows == runs[3].stats.pq_rows);
  CHECK(runs[3].stats.pq_rows == uint64_t(L.shape.heads) * L.shape.n_q);
}

TEST_CASE("datapath spatten: LSB planes and the second Q·K pass only for recomputed rows", "[datapath]") {
  // Non-causal, every key allowed: threshold 0 recomputes nothing, 1.0 every row.
  const QuantizedLayer L = test::random_layer(shape(2, 1, 16, 64, 64, false), 22, 20000, 3);
  const AttentionShape& s = L.shape;
  const auto runs = run_jobs(L, {{spatten(0)}, {spatten(65536)}, {FilterConfig::topk_fraction(kFractionOne / 4)}});
  const Run &never = runs[0], &always = runs[1], &topk = runs[2];
  check_against_golden(L, spatten(0), never);
  check_against_golden(L, spatten(65536), always);
  const uint64_t rows = uint64_t(s.heads) * s.n_q;
  const uint64_t plane_bytes = uint64_t(s.kv_heads) * s.n_k * s.d;  // 8 bits per element
  // Threshold 0: the MSB plane alone, once per kv head (resident), never the LSB plane.
  CHECK(never.stats.pq_rows == rows);
  CHECK(never.stats.pq_recomputed_rows == 0);
  CHECK(k_bytes(never, 0) == plane_bytes);
  CHECK(k_bytes(never, 1) == 0);
  // Threshold 1.0: every row recomputed; the LSB plane comes once (then resident).
  CHECK(always.stats.pq_recomputed_rows == rows);
  CHECK(k_bytes(always, 0) == plane_bytes);
  CHECK(k_bytes(always, 1) == plane_bytes);
  // Everything else the same traffic as the MSB-only run; and the same V and Q as topk.
  for (size_t t = 0; t < never.outcome.bytes.size(); ++t)
    if (t != size_t(Traffic::k1)) CHECK(never.outcome.bytes[t] == always.outcome.bytes[t]);
  CHECK(never.outcome.bytes[size_t(Traffic::q)] == topk.outcome.bytes[size_t(Traffic::q)]);
  // The second Q·K pass: exactly one more pass of n_k·d MACs per recomputed row.
  const uint64_t row_macs = uint64_t(s.n_k) * s.d;
  const uint64_t v_macs = never.stats.attention.v_macs;
  CHECK(never.stats.attention.qk_macs == rows * row_macs);
  CHECK(always.stats.attention.qk_macs == 2 * rows * row_macs);
  CHECK(always.stats.attention.v_macs == v_macs);
  CHECK(topk.stats.attention.qk_macs == rows * row_macs);
  // The decision softmax runs on every row's approximate scores.
  CHECK(never.stats.pq_softmax_elems == rows * s.n_k);
  CHECK(always.stats.pq_softmax_elems == rows * s.n_k);
  // The recompute costs cycles: the second pass and its LSB fetch.
  CHECK(always.outcome.cycles > never.outcome.cycles);
}

TEST_CASE("datapath spatten: lt and accurate timing give identical results", "[datapath]") {
  const QuantizedLayer L = test::random_layer(shape(2, 1, 12, 40, 32, true), 23, 20000, 2);
  const FilterConfig f = spatten(16384);
  AccelConfig lt = AccelConfig::edge();
  AccelConfig acc = lt;
  acc.timing = TimingMode::accurate;
  const auto runs = run_jobs(L, {{f, lt}, {f, acc}});
  check_against_golden(L, f, runs[0]);
  check_against_golden(L, f, runs[1]);
  CHECK(runs[0].out == runs[1].out);
  CHECK(runs[0].outcome.kept == runs[1].outcome.kept);
  CHECK(runs[0].outcome.bytes == runs[1].outcome.bytes);
  CHECK(runs[0].stats.pq_recomputed_rows == runs[1].stats.pq_recomputed_rows);
  CHECK(runs[0].stats.attention.qk_macs == runs[1].stats.attention.qk_macs);
}
