// End-to-end regression: every built-in workload through firmware, host CPU, router, DRAM,
// controller and datapath, under every policy, bit-exact against the golden model. One layer
// each, in lt and accurate timing; sequence lengths above 256 are cut to 256 (synthetic data, same generator)
// so that the suite stays within seconds per case.
#include <catch2/catch.hpp>

#include <algorithm>

#include "energon/checks/attention_app.h"
#include "energon/workload/workload.h"
#include "platform_fixture.h"

using namespace energon;

namespace {

constexpr uint32_t kMaxRegressionSeq = 256;
const std::vector<std::string> kWorkloads = {"bert-base-128",  "bert-base-384", "bert-base-512",
                                             "bert-large-512", "deit-s-197",    "gpt2-small-1024",
                                             "vit-b16-197"};

workload::Workload regression_workload(const std::string& name) {
  workload::Workload w = workload::load_workload(name);
  if (w.source == workload::DataSource::synthetic && w.shape.n_q == w.shape.n_k &&
      w.shape.n_k > kMaxRegressionSeq)
    w = workload::with_seq_len(w, kMaxRegressionSeq);
  return w;
}

void run_e2e(const std::string& name, Policy policy,
             platform::PlatformTiming timing = platform::PlatformTiming::lt, uint32_t layers = 1,
             uint32_t queue_depth = 1) {
  const workload::Workload w = regression_workload(name);
  test::PlatformBench bench(timing);
  checks::AppConfig cfg;
  cfg.reg_base = platform::kAccelRegBase;
  cfg.filter = policy == Policy::dense  ? FilterConfig::dense()
               : policy == Policy::topk ? FilterConfig::topk_fraction(65536 / 8)
                                        : FilterConfig::energon_default();
  cfg.queue_depth = queue_depth;
  checks::AttentionApp app(
      std::min(layers, w.layers), [&](uint32_t l) { return workload::make_layer(w, l); }, cfg);
  bench.run(std::ref(app));
  INFO(name << " " << to_string(policy) << ": " << app.result().error);
  REQUIRE(bench.top.cpu.finished());
  REQUIRE(bench.top.cpu.program_error().empty());
  REQUIRE(app.result().status == ENERGON_FW_OK);
  REQUIRE(app.result().layers.size() == std::min(layers, w.layers));
  for (auto& l : app.result().layers) {
    REQUIRE(l.checked);
    REQUIRE(l.mismatches == 0);
    REQUIRE(l.bit_exact);
    REQUIRE(l.counts_match);
    REQUIRE(l.hw.cycles > 0);
  }
  // The driver's counters saw the traffic: Q read once per layer, output written once.
  const auto& c = app.result().counters;
  REQUIRE(c.rd_q == uint64_t(w.shape.q_elems()) * 2 * app.result().layers.size());
  REQUIRE(c.wr_out == uint64_t(w.shape.q_elems()) * 2 * app.result().layers.size());
}

}  // namespace

TEST_CASE("regression: the workload list covers every built-in workload") {
  std::vector<std::string> builtin = workload::builtin_workloads();
  for (auto& n : kWorkloads) REQUIRE(std::find(builtin.begin(), builtin.end(), n) != builtin.end());
  for (auto& n : builtin) {
    INFO("built-in workload without a regression case: " << n);
    REQUIRE(std::find(kWorkloads.begin(), kWorkloads.end(), n) != kWorkloads.end());
  }
}

#define ENERGON_E2E(NAME, POLICY)                                                          \
  TEST_CASE("regression: " NAME " " #POLICY " end to end, bit-exact") {                    \
    run_e2e(NAME, Policy::POLICY);                                                         \
  }                                                                                        \
  TEST_CASE("regression: " NAME " " #POLICY " end to end in accurate timing, bit-exact") { \
    run_e2e(NAME, Policy::POLICY, platform::PlatformTiming::accurate);                     \
  }
#define ENERGON_E2E_ALL(NAME) ENERGON_E2E(NAME, dense) ENERGON_E2E(NAME, topk) ENERGON_E2E(NAME, mpmrf)

ENERGON_E2E_ALL("bert-base-128")
ENERGON_E2E_ALL("bert-base-384")
ENERGON_E2E_ALL("bert-base-512")
ENERGON_E2E_ALL("bert-large-512")
ENERGON_E2E_ALL("deit-s-197")
ENERGON_E2E_ALL("gpt2-small-1024")
ENERGON_E2E_ALL("vit-b16-197")

TEST_CASE("regression: three layers queued two deep, bit-exact") {
  run_e2e("bert-base-128", Policy::mpmrf, platform::PlatformTiming::lt, 3, 2);
}
