// The spatten policy on the datapath: output and counts bit-exact with golden::run_attention,
// rows recomputed as the golden model decides, and the LSB planes fetched from DRAM only when some
// row is recomputed: threshold 0 reads the MSB plane alone, threshold 1.0 recomputes every row.
#include <catch2/catch.hpp>

#include "energon/golden/golden.h"
#include "energon/hw/datapath.h"
#include "job_image.h"
#include "test_memory.h"

using namespace energon;
using namespace energon::hw;

namespace {

constexpr uint64_t kBase = 0x80000000ull;
constexpr uint64_t kSize = 4 << 20;

struct Bench : sc_core::sc_module {
  test::TestMemory memory;
  Datapath dp;
  sc_core::sc_port<accel_job_if> job_port;
  Bench(sc_core::sc_module_name name, const AccelConfig& c)
      : sc_module(name), memory("memory", kBase, kSize), dp("datapath", c), job_port("job_port") {
    dp.mem.bind(memory.socket);
    job_port.bind(dp.job);
  }
};

struct Run {
  JobOutcome outcome;
  DatapathStats stats;
  std::vector<int16_t> out;
};

struct Spec {
  FilterConfig filter;
  AccelConfig config = AccelConfig::edge();
};

/// Every job in its own bench, all in one simulation (one per process).
std::vector<Run> run_jobs(const QuantizedLayer& L, const std::vector<Spec>& specs) {
  std::vector<std::unique_ptr<Bench>> benches;
  std::vector<std::unique_ptr<test::Stimulus>> stims;
  std::vector<Run> runs(specs.size());
  for (size_t n = 0; n < specs.size(); ++n) {
    benches.push_back(std::make_unique<Bench>(("b" + std::to_string(n)).c_str(), specs[n].config));
    Bench& b = *benches.back();
    const uint8_t msb = specs[n].filter.progressive ? specs[n].filter.progressive->msb_bits : 8;
    const energon_desc_t desc = test::place_job(b.memory, L, specs[n].filter, {msb, uint8_t(16 - msb)}, kBase);
    Run& r = runs[n];
    stims.push_back(std::make_unique<test::Stimulus>(("s" + std::to_string(n)).c_str(), [&b, &r, desc, &L] {
      r.outcome = b.job_port->run_job(desc);
      r.stats = b.dp.stats();
      r.out.resize(L.shape.q_elems());
      b.memory.load(desc.out_addr, r.out.data(), r.out.size() * 2);
    }));
  }
  sc_core::sc_start();
  for (const auto& s : stims) REQUIRE(s->finished);
  return runs;
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
  golden::GoldenStats gs;
  const std::vector<int16_t> ref = golden::run_attention(L, f, &gs);
  CHECK(r.outcome.error == ENERGON_ERR_NONE);
  CHECK(r.out == ref);
  CHECK(r.outcome.allowed == gs.allowed);
  CHECK(r.outcome.final_kept == gs.final_kept);
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
