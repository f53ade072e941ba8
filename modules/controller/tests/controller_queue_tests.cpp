// Controller job sequencing: the descriptor ring, doorbell, enable, interrupt line,
// performance counters, timing and reset while a job runs.
#include "controller_bench.h"

using namespace energon::hw;
using namespace energon::hw::test;

TEST_CASE("controller runs queued descriptors in ring order and wraps") {
  Bench b;
  b.datapath.outcome.allowed = 77;
  b.datapath.outcome.kept = {40, 30, 0, 0};
  b.datapath.outcome.final_kept = 30;
  for (uint32_t i = 0; i < 3; ++i) b.put_descriptor(i, good_descriptor(i + 1));
  b.host.body = [&](Host& h) {
    Bench::setup(h, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 3);
    REQUIRE(Bench::wait_jobs(h, 3));
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 3);
    b.put_descriptor(3, good_descriptor(4));
    b.put_descriptor(0, good_descriptor(5));
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);  // two more entries: 3, then 0
    REQUIRE(Bench::wait_jobs(h, 5));
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 1);
    CHECK(h.read32(ENERGON_REG_STATUS) == 0);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == ENERGON_IRQ_DONE);
  };
  b.run();
  REQUIRE(b.datapath.jobs.size() == 5);
  for (uint32_t i = 0; i < 5; ++i) CHECK(b.datapath.jobs[i].n_q == i + 1);
  for (uint32_t slot = 0; slot < 4; ++slot) {
    const energon_desc_t d = b.descriptor(slot);
    INFO("ring slot " << slot);
    CHECK(d.result_status == ENERGON_RESULT_DONE);
    CHECK(d.result_allowed == 77);
    CHECK(d.result_kept[0] == 40);
    CHECK(d.result_kept[1] == 30);
    CHECK(d.result_final == 30);
    CHECK(d.magic == ENERGON_DESC_MAGIC);  // write-back leaves the job fields alone
  }
}

TEST_CASE("controller doorbell with an empty queue does nothing") {
  Bench b;
  b.host.body = [&](Host& h) {
    Bench::setup(h, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 0);
    wait(10, SC_US);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 0);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == 0);
    CHECK(h.read32(ENERGON_REG_STATUS) == 0);
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 0);
  };
  b.run();
  CHECK(b.datapath.jobs.empty());
  CHECK(b.host.irq_edges == 0);
  CHECK(b.memory.bytes_read == 0);
}

TEST_CASE("controller holds queued jobs until CTRL.ENABLE") {
  Bench b;
  b.put_descriptor(0, good_descriptor());
  b.host.body = [&](Host& h) {
    h.write32(ENERGON_REG_QUEUE_BASE_LO, uint32_t(kRingBase));
    h.write32(ENERGON_REG_QUEUE_SIZE, 2);
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_IRQ_EN);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    wait(10, SC_US);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 0);
    CHECK((h.read32(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY) == 0);
    CHECK(h.read32(ENERGON_REG_PERF_CYCLES_LO) == 0);  // cycles count only while enabled
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_IRQ_EN | ENERGON_CTRL_ENABLE);
    CHECK((h.read32(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY) != 0);
    REQUIRE(h.wait_irq());
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 1);
    CHECK((h.read32(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY) == 0);
  };
  b.run();
  CHECK(b.datapath.jobs.size() == 1);
}

TEST_CASE("controller irq line is IRQ_STATUS & IRQ_MASK, gated by CTRL.IRQ_EN") {
  Bench b;
  b.put_descriptor(0, good_descriptor());
  b.host.body = [&](Host& h) {
    h.write32(ENERGON_REG_IRQ_MASK, 0);
    Bench::setup(h, 2);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(Bench::wait_jobs(h, 1));
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == ENERGON_IRQ_DONE);
    CHECK_FALSE(b.irq.read());  // masked
    h.write32(ENERGON_REG_IRQ_MASK, ENERGON_IRQ_ERROR);
    wait(SC_ZERO_TIME);
    CHECK_FALSE(b.irq.read());  // pending cause is DONE, only ERROR enabled
    h.write32(ENERGON_REG_IRQ_MASK, ENERGON_IRQ_DONE);
    wait(SC_ZERO_TIME);
    CHECK(b.irq.read());
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE);  // IRQ_EN off
    wait(SC_ZERO_TIME);
    CHECK_FALSE(b.irq.read());
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
    wait(SC_ZERO_TIME);
    CHECK(b.irq.read());
    h.write32(ENERGON_REG_IRQ_STATUS, ENERGON_IRQ_DONE);
    wait(SC_ZERO_TIME);
    CHECK_FALSE(b.irq.read());
  };
  b.run();
  CHECK(b.host.irq_edges == 2);
}

TEST_CASE("controller times a job in clock cycles: fetch, checks, datapath, write-back") {
  Bench b;  // 1 ns clock, 10 ns memory, 4 check cycles
  b.datapath.latency = sc_time(100, SC_NS);
  b.put_descriptor(0, good_descriptor());
  sc_time doorbell;
  b.host.body = [&](Host& h) {
    Bench::setup(h, 2);
    doorbell = sc_time_stamp();
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(h.wait_irq());
  };
  b.run();
  REQUIRE(b.datapath.start_times.size() == 1);
  CHECK(b.datapath.start_times[0] == doorbell + sc_time(14, SC_NS));  // 10 fetch + 4 checks
  // The fake datapath reads 7 buffers (70 ns) and then takes 100 ns.
  CHECK(b.descriptor(0).result_cycles == 14 + 170);
  CHECK(b.ctrl.peek(ENERGON_REG_PERF_BUSY_CTRL_LO) == 14 + 170 + 10);  // + write-back
}

TEST_CASE("controller accumulates performance counters and PERF_CTRL clears them") {
  Bench b;
  JobOutcome& o = b.datapath.outcome;
  o.busy_fetch = 11;
  o.busy_filter = 12;
  o.busy_select = 13;
  o.busy_attn = 14;
  for (size_t t = 0; t < size_t(Traffic::count); ++t) o.bytes[t] = 100 * (t + 1);
  o.bytes[size_t(Traffic::desc_rd)] = 0;  // the controller counts descriptor traffic itself
  o.bytes[size_t(Traffic::desc_wr)] = 0;
  o.allowed = 0x1'0000'0003ull;  // exercises the HI half
  o.kept = {500, 400, 300, 200};
  o.final_kept = 150;
  b.put_descriptor(0, good_descriptor());
  b.put_descriptor(1, good_descriptor());
  b.host.body = [&](Host& h) {
    const sc_time enabled_at = sc_time_stamp();
    Bench::setup(h, 4);  // CTRL (enable) is its 4th write, 2 ns each
    h.write32(ENERGON_REG_QUEUE_TAIL, 2);
    REQUIRE(Bench::wait_jobs(h, 2));
    const sc_time now = sc_time_stamp();
    CHECK(h.read32(ENERGON_REG_PERF_CYCLES_LO) == (now - enabled_at - sc_time(6, SC_NS)) / sc_time(1, SC_NS));
    CHECK(h.read32(ENERGON_REG_PERF_CYCLES_HI) == 0);
    CHECK(h.read32(ENERGON_REG_PERF_BUSY_CTRL_LO) == 2 * 194);
    CHECK(h.read32(ENERGON_REG_PERF_BUSY_FETCH_LO) == 22);
    CHECK(h.read32(ENERGON_REG_PERF_BUSY_FILTER_LO) == 24);
    CHECK(h.read32(ENERGON_REG_PERF_BUSY_SELECT_LO) == 26);
    CHECK(h.read32(ENERGON_REG_PERF_BUSY_ATTN_LO) == 28);
    CHECK(h.read32(ENERGON_REG_PERF_RD_DESC_LO) == 2 * ENERGON_DESC_BYTES);
    CHECK(h.read32(ENERGON_REG_PERF_WR_DESC_LO) == 2 * 64);  // result block 0xB0..0xEF
    const uint32_t traffic_regs[] = {ENERGON_REG_PERF_RD_Q_LO,     ENERGON_REG_PERF_RD_K0_LO, ENERGON_REG_PERF_RD_K1_LO,
                                     ENERGON_REG_PERF_RD_K2_LO,    ENERGON_REG_PERF_RD_K3_LO, ENERGON_REG_PERF_RD_V_LO,
                                     ENERGON_REG_PERF_RD_SCALE_LO, ENERGON_REG_PERF_WR_OUT_LO};
    for (uint32_t i = 0; i < 8; ++i) CHECK(h.read32(traffic_regs[i]) == 2 * 100 * (i + 2));
    CHECK(h.read32(ENERGON_REG_PERF_KEYS_ALLOWED_LO) == 6);
    CHECK(h.read32(ENERGON_REG_PERF_KEYS_ALLOWED_HI) == 2);
    CHECK(h.read32(ENERGON_REG_PERF_KEPT_R1_LO) == 1000);
    CHECK(h.read32(ENERGON_REG_PERF_KEPT_R2_LO) == 800);
    CHECK(h.read32(ENERGON_REG_PERF_KEPT_R3_LO) == 600);
    CHECK(h.read32(ENERGON_REG_PERF_KEPT_R4_LO) == 400);
    CHECK(h.read32(ENERGON_REG_PERF_KEPT_FINAL_LO) == 300);

    h.write32(ENERGON_REG_PERF_CTRL, ENERGON_PERF_CLEAR);
    const sc_time cleared_at = sc_time_stamp() - sc_time(2, SC_NS);
    for (const RegisterSpec& r : kRegisters) {
      if (std::string(r.name).rfind("PERF_", 0) != 0 || r.offset == ENERGON_REG_PERF_CYCLES_LO) continue;
      INFO("register " << r.name);
      CHECK(h.read32(r.offset) == 0);
    }
    wait(1, SC_US);
    const sc_time read_at = sc_time_stamp();
    CHECK(h.read32(ENERGON_REG_PERF_CYCLES_LO) == (read_at - cleared_at) / sc_time(1, SC_NS));
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 2);  // not a performance counter
  };
  b.run();
}

TEST_CASE("controller soft reset while a job runs drops the job's result") {
  Bench b;
  b.datapath.latency = sc_time(10, SC_US);
  b.put_descriptor(0, good_descriptor());
  b.host.body = [&](Host& h) {
    Bench::setup(h, 2);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    wait(1, SC_US);
    REQUIRE(b.datapath.jobs.size() == 1);
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_SOFT_RESET);
    CHECK((h.read32(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY) != 0);  // draining the datapath
    wait(20, SC_US);
    CHECK(h.read32(ENERGON_REG_STATUS) == 0);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 0);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == 0);
  };
  b.run();
  CHECK(b.descriptor(0).result_status == 0);  // never written back
  CHECK(b.host.irq_edges == 0);
}

TEST_CASE("controller reports bad queue programming and works after reprogramming") {
  Bench b;
  b.put_descriptor(0, good_descriptor());
  b.host.body = [&](Host& h) {
    auto expect_queue_error = [&](const char* what) {
      INFO(what);
      const uint32_t status = h.read32(ENERGON_REG_STATUS);
      CHECK((status & ENERGON_STATUS_QUEUE_ERR) != 0);
      CHECK(err_code(status) == ENERGON_ERR_QUEUE);
      CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == ENERGON_IRQ_ERROR);
      wait(SC_ZERO_TIME);
      CHECK(b.irq.read());
      h.write32(ENERGON_REG_IRQ_STATUS, ENERGON_IRQ_ERROR);
    };
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
    h.write32(ENERGON_REG_QUEUE_TAIL, 0);  // QUEUE_SIZE is still 0
    expect_queue_error("size 0");
    h.write32(ENERGON_REG_QUEUE_BASE_LO, uint32_t(kRingBase));
    h.write32(ENERGON_REG_QUEUE_SIZE, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 4);
    expect_queue_error("tail == size");
    h.write32(ENERGON_REG_QUEUE_SIZE, 5000);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    expect_queue_error("size above 4096");
    h.write32(ENERGON_REG_QUEUE_BASE_LO, uint32_t(kRingBase + 0x40));
    h.write32(ENERGON_REG_QUEUE_SIZE, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    expect_queue_error("ring base not 256-byte aligned");
    wait(10, SC_US);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 0);

    h.write32(ENERGON_REG_QUEUE_BASE_LO, uint32_t(kRingBase));
    h.write32(ENERGON_REG_QUEUE_SIZE, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(h.wait_irq());
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == ENERGON_IRQ_DONE);
    CHECK((h.read32(ENERGON_REG_STATUS) & ENERGON_STATUS_QUEUE_ERR) == 0);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 1);
  };
  b.run();
  CHECK(b.datapath.jobs.size() == 1);
}

TEST_CASE("controller ring reprogramming empties the ring") {
  Bench b;
  b.put_descriptor(0, good_descriptor());
  b.put_descriptor(1, good_descriptor());
  b.host.body = [&](Host& h) {
    Bench::setup(h, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 2);
    REQUIRE(Bench::wait_jobs(h, 2));
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 2);
    for (uint32_t reg : {ENERGON_REG_QUEUE_BASE_LO, ENERGON_REG_QUEUE_BASE_HI, ENERGON_REG_QUEUE_SIZE}) {
      h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_IRQ_EN);
      h.write32(ENERGON_REG_QUEUE_TAIL, 3);  // pending entries, held back while disabled
      h.write32(reg, h.read32(reg));
      CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 0);
      CHECK(h.read32(ENERGON_REG_QUEUE_TAIL) == 0);
      h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_IRQ_EN | ENERGON_CTRL_ENABLE);
    }
    wait(10, SC_US);
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 2);  // nothing ran after the reprogramming
  };
  b.run();
  CHECK(b.datapath.jobs.size() == 2);
}
