// Cascade pruning on the datapath (docs/pruning.md): a job with a prune mask is bit-exact with
// golden::run_attention on the same mask, in both timing modes and under every policy; the
// importance table it writes equals the golden one; the mask and the table move exactly their
// bytes, and what is pruned is neither fetched nor computed.
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

AttentionShape shape(uint32_t heads, uint32_t kv, uint32_t n, uint32_t d, bool causal) {
  AttentionShape s;
  s.heads = heads, s.kv_heads = kv, s.n_q = s.n_k = s.valid_len = n, s.d = d, s.causal = causal;
  return s;
}

FilterConfig filter_of(Policy p) {
  return p == Policy::dense     ? FilterConfig::dense()
         : p == Policy::topk    ? FilterConfig::topk_fraction(kFractionOne / 4)
         : p == Policy::spatten ? FilterConfig::spatten(kFractionOne / 4, {8, 6554})
                                : FilterConfig::energon_default();
}

std::vector<uint8_t> planes_of(Policy p) { return p == Policy::spatten ? std::vector<uint8_t>{8, 8} : kPlanes; }

void pruned_job_bit_exact(TimingMode timing, bool causal) {
  QuantizedLayer L = test::random_layer(shape(4, 2, 40, 32, causal), 11);
  L.prune.head = {0, 1, 0, 0};
  L.prune.token.assign(40, 0);
  for (uint32_t j = 3; j < 40; j += 4) L.prune.token[j] = 1;  // 10 of 40 tokens
  QuantizedLayer unpruned = L;                                // the same job with a mask that prunes nothing
  unpruned.prune.head.assign(4, 0);
  unpruned.prune.token.assign(40, 0);
  AccelConfig c = AccelConfig::edge();
  c.timing = timing;
  const std::vector<Policy> policies = {Policy::dense, Policy::topk, Policy::mpmrf, Policy::spatten};
  std::vector<JobSpec> jobs;
  jobs.reserve(policies.size() + 1);
  for (const Policy p : policies) jobs.push_back({&L, filter_of(p), c, planes_of(p)});
  jobs.push_back({&unpruned, filter_of(Policy::dense), c, kPlanes});
  const std::vector<Run> runs = run_jobs(jobs);
  const AttentionShape& s = L.shape;
  const uint64_t mask_bytes = ENERGON_PRUNE_MASK_BYTES(4, 40), table_bytes = ENERGON_IMPORTANCE_BYTES(4, 40);
  for (size_t n = 0; n < policies.size(); ++n) {
    INFO(to_string(policies[n]));
    const Run& r = runs[n];
    const golden::GoldenStats gs = check_output_against_golden(L, filter_of(policies[n]), r);
    REQUIRE(r.importance.size() == table_bytes);
    CHECK(Importance::decode(r.importance.data(), 4, 40) == gs.importance);
    CHECK(r.outcome.bytes[size_t(Traffic::scale)] == (s.heads + s.kv_heads) * 4 + mask_bytes);
    CHECK(r.outcome.bytes[size_t(Traffic::out)] == s.q_elems() * 2 + table_bytes);
    CHECK(r.outcome.bytes[size_t(Traffic::q)] == s.q_elems() * 2);
  }
  // Dense, pruned against a mask that prunes nothing: no V row of a pruned token is read, and the
  // job is shorter.
  const Run& pruned = runs[0];
  const Run& full = runs.back();
  CHECK(full.outcome.bytes[size_t(Traffic::v)] == 2 * 40 * 64);
  CHECK(pruned.outcome.bytes[size_t(Traffic::v)] == 2 * 30 * 64);
  CHECK(pruned.outcome.bytes[size_t(Traffic::k2)] == 2 * 30 * 48);
  CHECK(pruned.stats.attention.v_macs == pruned.outcome.final_kept * 32);
  if (!causal) CHECK(pruned.outcome.final_kept == 3 * 30 * 30);  // 3 heads × 30 queries × 30 keys
  // Shorter in lt; in accurate timing this small causal job's scattered key runs (every fourth key
  // pruned: ten V requests per row instead of one) cost more than the work saved.
  if (timing == TimingMode::lt) CHECK(pruned.outcome.cycles < full.outcome.cycles);
}

}  // namespace

TEST_CASE("datapath pruning: bit-exact with golden on the mask, every policy, lt", "[datapath][pruning]") {
  pruned_job_bit_exact(TimingMode::lt, false);
}
TEST_CASE("datapath pruning: bit-exact with golden on the mask, every policy, accurate, causal",
          "[datapath][pruning]") {
  pruned_job_bit_exact(TimingMode::accurate, true);
}
