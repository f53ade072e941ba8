// Controller register file through the bus: reset values from the table, access rules,
// soft reset, access errors and latency.
#include "controller_bench.h"

using namespace energon::hw;
using namespace energon::hw::test;

TEST_CASE("controller registers read their table reset values") {
  Bench b;
  b.host.body = [&](Host& h) {
    for (const RegisterSpec& r : kRegisters) {
      if (r.access == Access::WO) continue;
      INFO("register " << r.name);
      CHECK(h.read32(r.offset) == r.reset);
    }
    CHECK(h.read32(ENERGON_REG_ID) == 0x454E5247u);  // "ENRG"
  };
  b.run();
  CHECK_FALSE(b.irq.read());
}

TEST_CASE("controller RO registers ignore writes") {
  Bench b;
  b.host.body = [&](Host& h) {
    for (const RegisterSpec& r : kRegisters) {
      if (r.access != Access::RO) continue;
      INFO("register " << r.name);
      h.write32(r.offset, 0xFFFF'FFFFu);
      CHECK(h.read32(r.offset) == r.reset);
    }
  };
  b.run();
  CHECK(b.datapath.jobs.empty());
}

TEST_CASE("controller RW registers keep their writable bits only") {
  Bench b;
  b.host.body = [&](Host& h) {
    h.write32(ENERGON_REG_IRQ_MASK, 0xFFFF'FFFFu);
    CHECK(h.read32(ENERGON_REG_IRQ_MASK) == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
    h.write32(ENERGON_REG_CTRL, 0xFFFF'FFFFu & ~ENERGON_CTRL_SOFT_RESET);
    CHECK(h.read32(ENERGON_REG_CTRL) == (ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN));
    h.write32(ENERGON_REG_QUEUE_BASE_HI, 0x12345678u);
    CHECK(h.read32(ENERGON_REG_QUEUE_BASE_HI) == 0x12345678u);
    h.write32(ENERGON_REG_PERF_CTRL, ENERGON_PERF_CLEAR);
    CHECK(h.read32(ENERGON_REG_PERF_CTRL) == 0);  // action bit
  };
  b.run();
}

TEST_CASE("controller IRQ_STATUS is write-one-to-clear per cause") {
  Bench b;
  b.put_descriptor(0, good_descriptor());
  energon_desc_t bad = good_descriptor();
  bad.magic = 0;
  b.put_descriptor(1, bad);
  b.host.body = [&](Host& h) {
    Bench::setup(h, 4);
    h.write32(ENERGON_REG_QUEUE_TAIL, 2);
    REQUIRE(Bench::wait_jobs(h, 2));
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
    h.write32(ENERGON_REG_IRQ_STATUS, 0);  // writing zeros clears nothing
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
    h.write32(ENERGON_REG_IRQ_STATUS, ENERGON_IRQ_DONE);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == ENERGON_IRQ_ERROR);
    wait(SC_ZERO_TIME);
    CHECK(b.irq.read());  // ERROR still pending
    h.write32(ENERGON_REG_IRQ_STATUS, 0xFFFF'FFFFu);
    CHECK(h.read32(ENERGON_REG_IRQ_STATUS) == 0);
    wait(SC_ZERO_TIME);
    CHECK_FALSE(b.irq.read());
  };
  b.run();
}

TEST_CASE("controller soft reset restores every register and self-clears") {
  Bench b;
  b.put_descriptor(0, good_descriptor());
  b.datapath.outcome.cycles = 50;
  b.datapath.outcome.bytes[size_t(Traffic::q)] = 1024;
  b.host.body = [&](Host& h) {
    Bench::setup(h, 8);
    h.write32(ENERGON_REG_IRQ_MASK, ENERGON_IRQ_DONE);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(h.wait_irq());
    CHECK(h.read32(ENERGON_REG_QUEUE_HEAD) == 1);
    CHECK(h.read32(ENERGON_REG_PERF_RD_Q_LO) == 1024);
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_SOFT_RESET);
    for (const RegisterSpec& r : kRegisters) {
      INFO("register " << r.name);
      CHECK(h.read32(r.offset) == r.reset);
    }
    wait(SC_ZERO_TIME);
    CHECK_FALSE(b.irq.read());
    // The controller works again after a soft reset (ring reprogrammed from scratch).
    b.put_descriptor(0, good_descriptor(7));
    Bench::setup(h, 8);
    h.write32(ENERGON_REG_QUEUE_TAIL, 1);
    REQUIRE(h.wait_irq());
    CHECK(h.read32(ENERGON_REG_JOBS_DONE) == 1);
  };
  b.run();
  REQUIRE(b.datapath.jobs.size() == 2);
  CHECK(b.datapath.jobs[1].n_q == 7);
}

TEST_CASE("controller soft reset applies the other CTRL bits written with it") {
  Bench b;
  b.host.body = [&](Host& h) {
    h.write32(ENERGON_REG_IRQ_MASK, 0);
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_SOFT_RESET | ENERGON_CTRL_ENABLE);
    CHECK(h.read32(ENERGON_REG_CTRL) == ENERGON_CTRL_ENABLE);
    CHECK(h.read32(ENERGON_REG_IRQ_MASK) == 0x3);
  };
  b.run();
}

TEST_CASE("controller reset() returns to the table values") {
  Bench b;
  b.host.body = [&](Host& h) {
    h.write32(ENERGON_REG_IRQ_MASK, 0);
    h.write32(ENERGON_REG_QUEUE_SIZE, 5);
    b.ctrl.reset();
    for (const RegisterSpec& r : kRegisters) {
      INFO("register " << r.name);
      CHECK(b.ctrl.peek(r.offset) == r.reset);
    }
  };
  b.run();
}

TEST_CASE("controller answers bad register accesses with TLM error responses") {
  Bench b;
  b.host.body = [&](Host& h) {
    uint8_t data[8] = {};
    CHECK(h.access(tlm::TLM_READ_COMMAND, kRegsBase + ENERGON_REG_ID, data, 2) ==
          tlm::TLM_BURST_ERROR_RESPONSE);  // registers are 32 bit
    CHECK(h.access(tlm::TLM_READ_COMMAND, kRegsBase + 0x2, data, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // misaligned
    CHECK(h.access(tlm::TLM_READ_COMMAND, kRegsBase + ENERGON_REG_ID, data, 8) == tlm::TLM_BURST_ERROR_RESPONSE);
    const unsigned char be[4] = {0xFF, 0xFF, 0, 0};
    CHECK(h.access(tlm::TLM_WRITE_COMMAND, kRegsBase + ENERGON_REG_IRQ_MASK, data, 4, be) ==
          tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    CHECK(h.access(tlm::TLM_READ_COMMAND, kRegsBase + 0x034, data, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // hole
    CHECK(h.access(tlm::TLM_READ_COMMAND, kRegsBase + 0xFFC, data, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(h.access(tlm::TLM_WRITE_COMMAND, kRegsBase + ENERGON_REG_IRQ_MASK + 1, data, 2) ==
          tlm::TLM_BURST_ERROR_RESPONSE);
    CHECK(h.read32(ENERGON_REG_IRQ_MASK) == 0x3);  // none of the refused writes landed
  };
  b.run();
}

TEST_CASE("controller register accesses annotate their latency in clock cycles") {
  ControllerConfig config;
  config.clock_period = sc_time(2, SC_NS);
  config.reg_access_cycles = 3;
  Bench b(config);
  b.host.body = [&](Host& h) {
    uint32_t v = 0;
    sc_time delay;
    CHECK(h.access(tlm::TLM_READ_COMMAND, kRegsBase + ENERGON_REG_VERSION, &v, 4, nullptr, &delay) ==
          tlm::TLM_OK_RESPONSE);
    CHECK(v == ENERGON_VERSION_VALUE);
    CHECK(delay == sc_time(6, SC_NS));
  };
  b.run();
}

TEST_CASE("controller debug transport reads registers without side effects") {
  Bench b;
  b.host.body = [&](Host& h) {
    uint32_t words[4] = {};
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kRegsBase + ENERGON_REG_ID);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(words));
    t.set_data_length(sizeof words);
    CHECK(h.socket->transport_dbg(t) == sizeof words);
    CHECK(words[0] == ENERGON_ID_VALUE);
    CHECK(words[1] == ENERGON_VERSION_VALUE);
    CHECK(words[3] == 0);  // STATUS
    uint32_t w = 0;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(kRegsBase + ENERGON_REG_IRQ_MASK);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&w));
    t.set_data_length(4);
    CHECK(h.socket->transport_dbg(t) == 0);
    CHECK(t.get_response_status() == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(h.read32(ENERGON_REG_IRQ_MASK) == 0x3);
    // An unmapped offset has no value to show: no bytes, an address error (as b_transport there).
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kRegsBase + 0x034);
    w = 0x12345678;
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    CHECK(h.socket->transport_dbg(t) == 0);
    CHECK(t.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(w == 0x12345678);
  };
  b.run();
}

TEST_CASE("controller rejects a zero clock period") {
  ControllerConfig config;
  config.clock_period = SC_ZERO_TIME;
  CHECK_THROWS_WITH(Controller("ctrl", config), Catch::Contains("clock_period must be > 0"));
}
