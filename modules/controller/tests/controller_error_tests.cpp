// Bad programming: every field-check error, and bus errors, set STATUS.ERR_CODE, ERR_DESC,
// the descriptor's result_status and the ERROR interrupt; the next good job still runs.
#include "controller_bench.h"

using namespace energon::hw;
using namespace energon::hw::test;

namespace {

constexpr uint32_t kGoodMarker = 99;  // n_q of the good job that follows the bad one

/// Queues a corrupted descriptor and a good one; checks the error report and the recovery.
void bad_then_good(const std::function<void(energon_desc_t&)>& corrupt, uint8_t expected, bool reaches_datapath) {
  Bench b;
  energon_desc_t bad = good_descriptor();
  corrupt(bad);
  b.put_descriptor(0, bad);
  b.put_descriptor(1, good_descriptor(kGoodMarker));
  b.host.body = [&](Host& h) {
    Bench::setup(h, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 2);
    REQUIRE(Bench::wait_jobs(h, 2));
    const uint32_t status = h.read32(ENERGON_REG_STATUS);
    CHECK(err_code(status) == expected);
    CHECK((status & ENERGON_STATUS_QUEUE_ERR) == 0);
    CHECK(h.read32(ENERGON_REG_ERR_DESC) == 0);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 2);
    CHECK(b.irq.read());
  };
  b.run();
  CHECK(b.descriptor(0).result_status == (ENERGON_RESULT_DONE | (uint32_t(expected) << ENERGON_RESULT_ERR_SHIFT)));
  CHECK(b.descriptor(1).result_status == ENERGON_RESULT_DONE);
  REQUIRE(b.datapath.jobs.size() == (reaches_datapath ? 2u : 1u));
  CHECK(b.datapath.jobs.back().n_q == kGoodMarker);
}

}  // namespace

TEST_CASE("controller error BAD_MAGIC, then the next job runs") {
  bad_then_good([](energon_desc_t& d) { d.magic = 0xDEADBEEF; }, ENERGON_ERR_BAD_MAGIC, false);
}

TEST_CASE("controller error ADDRESS: a buffer outside memory gets a bus error in the datapath") {
  bad_then_good([](energon_desc_t& d) { d.q_addr = 0xC000'0000; }, ENERGON_ERR_ADDRESS, true);
}

TEST_CASE("controller error ADDRESS: output buffer past the end of memory") {
  bad_then_good([](energon_desc_t& d) { d.out_addr = kMemBase + kMemSize; }, ENERGON_ERR_ADDRESS, true);
}

TEST_CASE("controller error MISALIGNED: V buffer not 64-byte aligned") {
  bad_then_good([](energon_desc_t& d) { d.v_addr += 32; }, ENERGON_ERR_MISALIGNED, false);
}

TEST_CASE("controller error MISALIGNED: a K bit plane not 64-byte aligned") {
  bad_then_good([](energon_desc_t& d) { d.k_plane_addr[2] += 2; }, ENERGON_ERR_MISALIGNED, false);
}

TEST_CASE("controller error HEAD_DIM: d = 12") {
  bad_then_good([](energon_desc_t& d) { d.d = 12; }, ENERGON_ERR_HEAD_DIM, false);
}

TEST_CASE("controller error HEAD_DIM: d = 0") {
  bad_then_good([](energon_desc_t& d) { d.d = 0; }, ENERGON_ERR_HEAD_DIM, false);
}

TEST_CASE("controller error HEAD_DIM: d = 264") {
  bad_then_good([](energon_desc_t& d) { d.d = 264; }, ENERGON_ERR_HEAD_DIM, false);
}

TEST_CASE("controller error ZERO_SIZE: heads = 0") {
  bad_then_good([](energon_desc_t& d) { d.heads = 0; }, ENERGON_ERR_ZERO_SIZE, false);
}

TEST_CASE("controller error ZERO_SIZE: n_k = 0") {
  bad_then_good([](energon_desc_t& d) { d.n_k = 0; }, ENERGON_ERR_ZERO_SIZE, false);
}

TEST_CASE("controller error KV_HEADS: kv_heads does not divide heads") {
  bad_then_good(
      [](energon_desc_t& d) {
        d.heads = 3;
        d.kv_heads = 2;
      },
      ENERGON_ERR_KV_HEADS, false);
}

TEST_CASE("controller error POLICY: unknown policy") {
  bad_then_good([](energon_desc_t& d) { d.policy = 7; }, ENERGON_ERR_POLICY, false);
}

TEST_CASE("controller error PLANES: plane widths do not sum to 16") {
  bad_then_good([](energon_desc_t& d) { d.plane_bits[2] = 11; }, ENERGON_ERR_PLANES, false);
}

TEST_CASE("controller error SIZE_LIMIT: valid_len beyond n_k") {
  bad_then_good([](energon_desc_t& d) { d.valid_len = d.n_k + 1; }, ENERGON_ERR_SIZE_LIMIT, false);
}

TEST_CASE("controller error ADDRESS: descriptor fetch from outside memory") {
  Bench b;
  b.put_descriptor(0, good_descriptor(kGoodMarker));
  b.host.body = [&](Host& h) {
    Bench::setup(h, 4, 0x9000'0000);  // ring base decodes nowhere
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(h.wait_irq());
    CHECK(err_code(h.read32(ENERGON_REG_STATUS)) == ENERGON_ERR_ADDRESS);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 1);
    CHECK(h.read32(ENERGON_REG_PERF_RD_DESC_LO) == 0);
    h.write32(ENERGON_REG_IRQ_STATUS, ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
    Bench::setup(h, 4);  // a good ring now
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(h.wait_irq());
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == ENERGON_IRQ_DONE);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 2);
  };
  b.run();
  REQUIRE(b.datapath.jobs.size() == 1);
  CHECK(b.descriptor(0).result_status == ENERGON_RESULT_DONE);
}
