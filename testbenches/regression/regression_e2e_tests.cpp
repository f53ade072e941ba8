// End-to-end regression: every built-in workload through firmware, host CPU, router, DRAM,
// controller and datapath, under every policy, bit-exact against the golden model. One layer
// each, in lt and accurate timing; sequence lengths above 256 are cut to 256 (synthetic data, same generator)
// so that the suite stays within seconds per case.
#include <catch2/catch.hpp>

#include <algorithm>

#include "energon/checks/attention_app.h"
#include "energon/hw/accelerator_energy.h"
#include "energon/stats/stats.h"
#include "energon/workload/workload.h"
#include "platform_fixture.h"

using namespace energon;

namespace {

constexpr uint32_t kMaxRegressionSeq = 256;
const std::vector<std::string> kWorkloads = {
    "bert-base-128",   "bert-base-384", "bert-base-512",   "bert-large-512",  "deit-s-197",
    "gpt2-small-1024", "vit-b16-197",   "gpt2-style-2048", "gpt2-style-4096", "longformer-base-4096"};

workload::Workload regression_workload(const std::string& name) {
  workload::Workload w = workload::load_workload(name);
  if (w.source == workload::DataSource::synthetic && w.shape.n_q == w.shape.n_k && w.shape.n_k > kMaxRegressionSeq)
    w = workload::with_seq_len(w, kMaxRegressionSeq);
  return w;
}

/// Each block's own counts per job tell the same story as the job's kept counts (what the energy
/// model used to derive from them), and the blocks' totals in the statistics tree equal the
/// PERF_* counters the driver read.
void check_block_counts(const platform::Platform& top, const energon_counters_t& perf) {
  REQUIRE(!top.jobs().empty());
  for (const hw::JobRecord& j : top.jobs()) {
    const hw::JobCounts n = hw::job_counts(j.datapath);
    const uint64_t d = j.desc.d;
    const hw::JobOutcome& o = j.outcome;
    CHECK(n.cycles == o.cycles);
    const hw::DatapathStats& ds = j.datapath;
    CHECK(n.softmax_elems == o.final_kept + ds.pq_softmax_elems);
    if (j.desc.policy == ENERGON_POLICY_TOPK) {
      CHECK(n.int16_macs == (o.allowed + o.final_kept) * d);  // one scoring pass, scores reused
    } else if (j.desc.policy == ENERGON_POLICY_SPATTEN) {
      // The MSB pass scores every allowed key (its decision softmax too), recomputed rows once more.
      CHECK(ds.pq_softmax_elems == o.allowed);
      const uint64_t extra = n.int16_macs - (o.allowed + o.final_kept) * d;
      CHECK(extra % d == 0);
      CHECK(extra <= o.allowed * d);
      CHECK((extra == 0) == (ds.pq_recomputed_rows == 0));
    } else if (j.desc.policy == ENERGON_POLICY_A3) {
      // The search's candidates scored once (kept[0]), the post-scoring survivors through ×V; the
      // search unit formed a product per cursor position, compared in its trees, sorted each kv head.
      CHECK(n.int16_macs == (o.kept[0] + o.final_kept) * d);
      CHECK(o.kept[1] == o.final_kept);
      CHECK(n.selector_elems == o.kept[0]);  // post-scoring: one compare per candidate
      CHECK(ds.candidate_search.heads_sorted == j.desc.kv_heads);
      CHECK(ds.candidate_search.pick_compares == ds.candidate_search.picks * (d - 1));
      CHECK(n.search_compares == ds.candidate_search.sort_compares + ds.candidate_search.pick_compares);
      CHECK(n.search_products >= ds.candidate_search.picks);
    } else {
      CHECK(n.int16_macs == 2 * o.final_kept * d);
    }
    if (j.desc.policy == ENERGON_POLICY_MPMRF) {
      uint64_t candidates = o.allowed, compares = 0;
      for (unsigned r = 0; r < j.desc.n_rounds; ++r) {
        CHECK(n.round_keys[r] == candidates);
        CHECK(n.round_macs[r] == candidates * d);
        compares += candidates;  // threshold rule: one compare per candidate
        candidates = o.kept[r];
      }
      CHECK(n.selector_elems == compares);
    }
  }
  stats::Group tree("accelerator");
  top.accelerator.describe(tree);
  const auto value = [&](const std::string& path) {
    const stats::Stat* s = tree.find(path);
    REQUIRE(s);
    return std::get<uint64_t>(s->value);
  };
  CHECK(value("datapath.jobs") == top.jobs().size());
  CHECK(value("controller.jobs_done") == top.jobs().size());
  CHECK(value("datapath.fetch.busy_cycles") == perf.busy_fetch);
  CHECK(value("datapath.filter_engine.busy_cycles") == perf.busy_filter);
  CHECK(value("datapath.selector.busy_cycles") == perf.busy_select);
  CHECK(value("datapath.attention_engine.busy_cycles") == perf.busy_attn);
  CHECK(value("controller.kept_final") == perf.kept_final);
  CHECK(value("controller.busy_cycles") == perf.busy_ctrl);
}

void run_e2e(const std::string& name, Policy policy, platform::PlatformTiming timing = platform::PlatformTiming::lt,
             uint32_t layers = 1, uint32_t queue_depth = 1, const CascadeSchedule& cascade = {}) {
  const workload::Workload w = regression_workload(name);
  test::PlatformBench bench(timing);
  checks::AppConfig cfg;
  cfg.reg_base = platform::kAccelRegBase;
  // spatten: MSB 8 bits, rows with p_max < 0.1 recomputed (ceil(0.1·65536) = 6554), top 1/8.
  // a3: its defaults, M = 0.5·N greedy iterations, post-scoring within 8 nats of the row's largest.
  cfg.filter = policy == Policy::dense     ? FilterConfig::dense()
               : policy == Policy::topk    ? FilterConfig::topk_fraction(kFractionOne / 8)
               : policy == Policy::spatten ? FilterConfig::spatten(kFractionOne / 8, {8, 6554})
               : policy == Policy::a3      ? FilterConfig::a3(CandidateSearchConfig{})
                                           : FilterConfig::energon_default();
  cfg.queue_depth = queue_depth;
  cfg.cascade = cascade;
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
    if (cascade.enabled()) {  // the driver pruned down to the layer's ratios: ceil(ratio · count)
      REQUIRE(l.importance_match);
      CHECK(l.tokens_kept == (uint64_t(cascade.tokens_at(l.layer)) * w.shape.n_k + kFractionOne - 1) / kFractionOne);
      CHECK(l.heads_kept == (uint64_t(cascade.heads_at(l.layer)) * w.shape.heads + kFractionOne - 1) / kFractionOne);
    }
  }
  // The driver's counters saw the traffic: Q read once per layer, output (and the importance
  // table) written once.
  const auto& c = app.result().counters;
  const uint64_t n_layers = app.result().layers.size();
  const uint64_t importance = cascade.enabled() ? ENERGON_IMPORTANCE_BYTES(w.shape.heads, w.shape.n_k) : 0;
  REQUIRE(c.rd_q == uint64_t(w.shape.q_elems()) * 2 * n_layers);
  REQUIRE(c.wr_out == (uint64_t(w.shape.q_elems()) * 2 + importance) * n_layers);
  check_block_counts(bench.top, c);
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

#define ENERGON_E2E(NAME, POLICY)                                                                        \
  TEST_CASE("regression: " NAME " " #POLICY " end to end, bit-exact") { run_e2e(NAME, Policy::POLICY); } \
  TEST_CASE("regression: " NAME " " #POLICY " end to end in accurate timing, bit-exact") {               \
    run_e2e(NAME, Policy::POLICY, platform::PlatformTiming::accurate);                                   \
  }
#define ENERGON_E2E_ALL(NAME) \
  ENERGON_E2E(NAME, dense)    \
  ENERGON_E2E(NAME, topk) ENERGON_E2E(NAME, mpmrf) ENERGON_E2E(NAME, spatten) ENERGON_E2E(NAME, a3)

ENERGON_E2E_ALL("bert-base-128")
ENERGON_E2E_ALL("bert-base-384")
ENERGON_E2E_ALL("bert-base-512")
ENERGON_E2E_ALL("bert-large-512")
ENERGON_E2E_ALL("deit-s-197")
ENERGON_E2E_ALL("gpt2-small-1024")
ENERGON_E2E_ALL("vit-b16-197")
ENERGON_E2E_ALL("gpt2-style-2048")
ENERGON_E2E_ALL("gpt2-style-4096")
ENERGON_E2E_ALL("longformer-base-4096")

// Cascade token and head pruning (docs/pruning.md): four layers, each pruned by the importance the
// ones before it wrote, every policy, both timing modes, a bidirectional and a causal workload.
const CascadeSchedule kCascade{{kFractionOne, kFractionOne * 3 / 4, kFractionOne / 2},
                               {kFractionOne, kFractionOne, kFractionOne * 3 / 4}};
#define ENERGON_CASCADE(NAME, POLICY)                                                                \
  TEST_CASE("regression: " NAME " " #POLICY " with cascade pruning, four layers, bit-exact") {       \
    run_e2e(NAME, Policy::POLICY, platform::PlatformTiming::lt, 4, 1, kCascade);                     \
  }                                                                                                  \
  TEST_CASE("regression: " NAME " " #POLICY " with cascade pruning in accurate timing, bit-exact") { \
    run_e2e(NAME, Policy::POLICY, platform::PlatformTiming::accurate, 4, 1, kCascade);               \
  }
#define ENERGON_CASCADE_ALL(NAME) \
  ENERGON_CASCADE(NAME, dense) ENERGON_CASCADE(NAME, topk) ENERGON_CASCADE(NAME, mpmrf) ENERGON_CASCADE(NAME, spatten)
ENERGON_CASCADE_ALL("bert-base-128")
ENERGON_CASCADE_ALL("gpt2-small-1024")

TEST_CASE("regression: three layers queued two deep, bit-exact") {
  run_e2e("bert-base-128", Policy::mpmrf, platform::PlatformTiming::lt, 3, 2);
}
