// Bad programming end to end through the driver: each bad descriptor ends in an error status
// and an interrupt, the simulation goes on, and the next good job is still bit-exact.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <functional>

#include "platform_fixture.h"

using namespace energon;

namespace {

struct Corruption {
  std::function<void(energon_desc_t&)> apply;
  uint32_t expected;  ///< enum energon_error
};

void run_bad_jobs(const std::vector<Corruption>& bad, const AttentionShape& shape = test::small_shape(2, 2, 32, 64)) {
  test::PlatformBench bench;
  const FloatLayer layer = test::small_layer(shape);
  std::vector<test::JobReport> reports;
  test::JobReport good;
  int rc = -100;
  bench.run([&](platform::HostCpu& cpu) {
    energon_dev_t dev;
    if ((rc = test::bring_up(cpu, dev)) != ENERGON_FW_OK) return;
    const platform::PlacedJob job = platform::place_job(cpu, layer, FilterConfig::dense());
    for (auto& c : bad) {
      energon_desc_t d = job.desc;
      c.apply(d);
      reports.push_back(test::submit_one(cpu, dev, job, d));
    }
    good = test::submit_one(cpu, dev, job, job.desc);
  });
  REQUIRE(rc == ENERGON_FW_OK);
  REQUIRE(bench.top.cpu.finished());
  REQUIRE(reports.size() == bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    INFO("bad descriptor " << i << ", expected " << energon_error_name(int(bad[i].expected)));
    REQUIRE(reports[i].wait_status == ENERGON_FW_EJOB);
    REQUIRE((reports[i].info.irq_causes & ENERGON_IRQ_ERROR) != 0);
    REQUIRE(reports[i].info.last_error == bad[i].expected);
    REQUIRE(reports[i].result.done);
    REQUIRE(reports[i].result.error == bad[i].expected);
  }
  // The accelerator is still alive and correct.
  REQUIRE(good.wait_status == ENERGON_FW_OK);
  REQUIRE(good.result.error == ENERGON_ERR_NONE);
  REQUIRE(good.output == test::golden_output(layer, FilterConfig::dense()));
}

}  // namespace

TEST_CASE("platform: a descriptor with a buffer outside DRAM fails with ADDRESS") {
  // energon-edge maps 1 GiB of LPDDR4 at 0; 0x8000_0000 decodes to nothing.
  run_bad_jobs({{[](energon_desc_t& d) { d.v_addr = 0x80000000u; }, ENERGON_ERR_ADDRESS},
                {[](energon_desc_t& d) { d.out_addr = 0xE0000000u; }, ENERGON_ERR_ADDRESS},
                {[](energon_desc_t& d) { d.k_plane_addr[0] = 0x3FFFFFC0u; }, ENERGON_ERR_ADDRESS}});
}

// Found by energon-fuzz-loop: buffers whose last byte is 2^64 − 1 pass the wrap check; a K plane there
// was answered from the fetch unit's on-chip buffer (no error), and an output over an input there was
// not OVERLAP. The job's buffers are 2·32·64·2 = 8192 bytes; with 4 query heads on 1 kv head the K rows
// go through the on-chip buffer.
TEST_CASE("platform: K and V ending at the top of the address space fail with ADDRESS") {
  run_bad_jobs({{[](energon_desc_t& d) { d.k_plane_addr[0] = 0 - uint64_t(4096); }, ENERGON_ERR_ADDRESS},
                {[](energon_desc_t& d) { d.v_addr = 0 - uint64_t(4096); }, ENERGON_ERR_ADDRESS}},
               test::small_shape(4, 1, 32, 64));
}

TEST_CASE("platform: an output over an input at the top of the address space fails with OVERLAP") {
  run_bad_jobs({{[](energon_desc_t& d) { d.k_plane_addr[0] = 0 - uint64_t(8192); }, ENERGON_ERR_ADDRESS},
                {[](energon_desc_t& d) { d.v_addr = 0 - uint64_t(8192); }, ENERGON_ERR_ADDRESS},
                {[](energon_desc_t& d) {
                   d.out_addr = 0 - uint64_t(8192);
                   d.v_addr = 0 - uint64_t(8192);
                 },
                 ENERGON_ERR_OVERLAP}});
}

TEST_CASE("platform: a misaligned buffer fails with MISALIGNED") {
  run_bad_jobs({{[](energon_desc_t& d) { d.q_addr += 2; }, ENERGON_ERR_MISALIGNED},
                {[](energon_desc_t& d) { d.out_addr += 32; }, ENERGON_ERR_MISALIGNED}});
}

TEST_CASE("platform: an unsupported head dimension fails with HEAD_DIM") {
  run_bad_jobs({{[](energon_desc_t& d) { d.d = 12; }, ENERGON_ERR_HEAD_DIM},
                {[](energon_desc_t& d) { d.d = 264; }, ENERGON_ERR_HEAD_DIM},
                {[](energon_desc_t& d) { d.d = 0; }, ENERGON_ERR_HEAD_DIM}});
}

TEST_CASE("platform: zero sizes fail with ZERO_SIZE") {
  run_bad_jobs({{[](energon_desc_t& d) { d.n_q = 0; }, ENERGON_ERR_ZERO_SIZE},
                {[](energon_desc_t& d) { d.n_k = 0; }, ENERGON_ERR_ZERO_SIZE},
                {[](energon_desc_t& d) { d.heads = 0; }, ENERGON_ERR_ZERO_SIZE},
                {[](energon_desc_t& d) { d.valid_len = 0; }, ENERGON_ERR_ZERO_SIZE}});
}

TEST_CASE("platform: kv_heads not dividing heads fails with KV_HEADS") {
  run_bad_jobs({{[](energon_desc_t& d) {
                   d.heads = 3;
                   d.kv_heads = 2;
                 },
                 ENERGON_ERR_KV_HEADS}});
}

TEST_CASE("platform: a corrupted descriptor (bad magic) fails with BAD_MAGIC") {
  run_bad_jobs({{[](energon_desc_t& d) { d.magic = 0xDEADBEEFu; }, ENERGON_ERR_BAD_MAGIC},
                {[](energon_desc_t& d) { std::memset(&d, 0xA5, offsetof(energon_desc_t, result_status)); },
                 ENERGON_ERR_BAD_MAGIC}});
}

TEST_CASE("platform: head dimensions 8 to 128 all run bit-exact") {
  test::PlatformBench bench;
  const uint32_t dims[] = {8, 16, 32, 64, 128};
  std::vector<FloatLayer> layers;
  for (uint32_t d : dims) layers.push_back(test::small_layer(test::small_shape(2, 1, 24, d, true), d));
  std::vector<test::JobReport> reports;
  bench.run([&](platform::HostCpu& cpu) {
    energon_dev_t dev;
    if (test::bring_up(cpu, dev) != ENERGON_FW_OK) return;
    for (auto& l : layers) {
      const platform::PlacedJob job = platform::place_job(cpu, l, FilterConfig::energon_default());
      reports.push_back(test::submit_one(cpu, dev, job, job.desc));
    }
  });
  REQUIRE(reports.size() == layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    INFO("d = " << dims[i]);
    REQUIRE(reports[i].wait_status == ENERGON_FW_OK);
    REQUIRE(reports[i].output == test::golden_output(layers[i], FilterConfig::energon_default()));
  }
}

TEST_CASE("platform: cross-attention, grouped-query heads and padding masks run bit-exact") {
  test::PlatformBench bench;
  struct Case {
    AttentionShape shape;
    FilterConfig filter;
  };
  std::vector<Case> cases;
  for (bool causal : {false, true}) {
    AttentionShape s = test::small_shape(8, 2, 40, 32, causal);
    s.n_k = 72;
    s.valid_len = 60;
    cases.push_back({s, FilterConfig::dense()});
    cases.push_back({s, FilterConfig::topk_fraction(kFractionOne / 4)});
    cases.push_back({s, FilterConfig::energon_default()});
  }
  std::vector<FloatLayer> layers;
  for (size_t i = 0; i < cases.size(); ++i) layers.push_back(test::small_layer(cases[i].shape, uint32_t(i + 11)));
  std::vector<test::JobReport> reports;
  bench.run([&](platform::HostCpu& cpu) {
    energon_dev_t dev;
    if (test::bring_up(cpu, dev) != ENERGON_FW_OK) return;
    for (size_t i = 0; i < cases.size(); ++i) {
      const platform::PlacedJob job = platform::place_job(cpu, layers[i], cases[i].filter);
      reports.push_back(test::submit_one(cpu, dev, job, job.desc));
    }
  });
  REQUIRE(reports.size() == cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i << ": " << to_string(cases[i].filter.policy) << (cases[i].shape.causal ? ", causal" : ""));
    golden::GoldenStats gs;
    REQUIRE(reports[i].wait_status == ENERGON_FW_OK);
    REQUIRE(reports[i].output == test::golden_output(layers[i], cases[i].filter, &gs));
    REQUIRE(reports[i].result.allowed == gs.allowed);
    REQUIRE(reports[i].result.final_kept == gs.final_kept);
  }
}

TEST_CASE("platform: a doorbell beyond QUEUE_SIZE is a queue error and the ring recovers") {
  test::PlatformBench bench;
  const FloatLayer layer = test::small_layer(test::small_shape(2, 2, 16, 32));
  int queue_rc = -100;
  energon_wait_info_t info{};
  test::JobReport good;
  bench.run([&](platform::HostCpu& cpu) {
    energon_dev_t dev;
    if (test::bring_up(cpu, dev, 8) != ENERGON_FW_OK) return;
    cpu.write32(platform::kAccelRegBase + ENERGON_REG_QUEUE_TAIL, 13);  // past the 8-entry ring
    queue_rc = energon_wait(&dev, 1000, &info);
    energon_queue_setup(&dev, dev.ring_base, dev.ring_entries);
    const platform::PlacedJob job = platform::place_job(cpu, layer, FilterConfig::dense());
    good = test::submit_one(cpu, dev, job, job.desc);
  });
  REQUIRE(queue_rc == ENERGON_FW_EQUEUE);
  REQUIRE((info.irq_causes & ENERGON_IRQ_ERROR) != 0);
  REQUIRE(info.last_error == ENERGON_ERR_QUEUE);
  REQUIRE(good.wait_status == ENERGON_FW_OK);
  REQUIRE(good.output == test::golden_output(layer, FilterConfig::dense()));
}
