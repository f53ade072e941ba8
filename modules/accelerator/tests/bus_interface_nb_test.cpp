// The bus interface in accurate mode against a fake nb target (END_REQ 1 ns after arrival,
// BEGIN_RESP 20 ns after END_REQ): pieces issued with nb_transport_fw on pooled payloads, never
// more than max_outstanding in flight, one request phase at a time, the caller waiting until its
// pieces have completed, several callers' pieces in flight together. Times in ns.
#include <tlm_utils/simple_initiator_socket.h>
#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "energon/hw/bus_interface.h"
#include "fake_nb_target.h"

using namespace sc_core;
using energon::hw::BusInterface;
using energon::hw::TimingMode;
using energon::test::FakeNbTarget;

namespace {

struct Caller : sc_module {
  tlm_utils::simple_initiator_socket<Caller> socket;
  uint64_t address = 0;
  uint32_t length = 0;
  double start_ns = 0, done_ns = -1;
  std::vector<uint8_t> data;
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_time delay_back;
  SC_HAS_PROCESS(Caller);
  explicit Caller(const sc_module_name& n) : sc_module(n), socket("socket") { SC_THREAD(run); }
  void run() {
    if (length == 0) return;
    data.assign(length, 0);
    wait(sc_time(start_ns, SC_NS));
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(address);
    t.set_data_ptr(data.data());
    t.set_data_length(length);
    t.set_streaming_width(length);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(t, delay);
    done_ns = std::round(sc_time_stamp() / sc_time(1, SC_NS));
    delay_back = delay;
    status = t.get_response_status();
  }
};

struct Bench {
  BusInterface bus;
  FakeNbTarget mem{"mem", 1 << 16, sc_time(1, SC_NS), sc_time(20, SC_NS)};
  Caller ctrl{"ctrl"}, dma{"dma"};
  explicit Bench(uint32_t max_outstanding) : bus("bus", 1024, TimingMode::accurate, max_outstanding) {
    ctrl.socket.bind(bus.ctrl);
    dma.socket.bind(bus.dma);
    bus.mem.bind(mem.socket);
    for (size_t i = 0; i < mem.memory.size(); ++i) mem.memory[i] = uint8_t(i * 7 + 3);
  }
};

}  // namespace

TEST_CASE("bus interface accurate: at most max_outstanding pieces in flight") {
  Bench b(3);
  b.dma.address = 0x400;
  b.dma.length = 8 * 1024;  // 8 pieces of 1 KiB
  sc_start();
  CHECK(b.dma.status == tlm::TLM_OK_RESPONSE);
  CHECK(b.mem.max_in_flight == 3);
  CHECK(b.bus.peak_outstanding() == 3);
  CHECK_FALSE(b.mem.exclusion_violated);
  CHECK(b.mem.without_mm == 0);  // every piece on a pooled payload
  REQUIRE(b.mem.arrivals.size() == 8);
  // Pieces 0-2 at 0, 1, 2 (each after the previous END_REQ); piece 3 when piece 0 completes (21),
  // 4 at 22, 5 at 23, 6 at 42, 7 at 43; piece 7's response at 43 + 1 + 20.
  const double expect[] = {0, 1, 2, 21, 22, 23, 42, 43};
  for (size_t i = 0; i < 8; ++i) {
    CHECK(b.mem.arrivals[i].time == sc_time(expect[i], SC_NS));
    CHECK(b.mem.arrivals[i].address == 0x400 + 1024 * i);
  }
  CHECK(b.dma.done_ns == 64);
  CHECK(b.dma.delay_back == SC_ZERO_TIME);
  bool same = true;
  for (size_t i = 0; i < b.dma.data.size(); ++i) same = same && b.dma.data[i] == b.mem.memory[0x400 + i];
  CHECK(same);
  CHECK(b.bus.outstanding() == 0);
  CHECK(b.bus.transactions() == 8);
}

TEST_CASE("bus interface accurate: two callers' pieces are outstanding together") {
  Bench b(16);
  b.dma.address = 0x0;
  b.dma.length = 4 * 1024;
  b.ctrl.address = 0x8000;
  b.ctrl.length = 4 * 1024;
  sc_start();
  CHECK(b.dma.status == tlm::TLM_OK_RESPONSE);
  CHECK(b.ctrl.status == tlm::TLM_OK_RESPONSE);
  CHECK(b.mem.max_in_flight == 8);
  CHECK_FALSE(b.mem.exclusion_violated);
  // Eight BEGIN_REQs 1 ns apart from 0: the last at 7, its response at 28. Whichever caller SystemC
  // wakes first at each END_REQ takes the request phase (deterministic): its 4 pieces go at 0-3.
  REQUIRE(b.mem.arrivals.size() == 8);
  CHECK(b.mem.arrivals.back().time == sc_time(7, SC_NS));
  CHECK(std::max(b.dma.done_ns, b.ctrl.done_ns) == 28);
  CHECK(std::min(b.dma.done_ns, b.ctrl.done_ns) == 24);
}

TEST_CASE("bus interface accurate: an error piece ends the request with its status") {
  Bench b(4);
  b.dma.address = (1 << 16) - 1024;  // the second piece is past the fake memory
  b.dma.length = 2048;
  sc_start();
  CHECK(b.dma.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.bus.outstanding() == 0);
}

TEST_CASE("bus interface: max_outstanding 0 is a configuration error") {
  CHECK_THROWS_WITH(BusInterface("bad", 1024, TimingMode::accurate, 0), Catch::Contains("max_outstanding (0)"));
}
