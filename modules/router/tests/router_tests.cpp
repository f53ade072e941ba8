// Router alone through its sockets: decode, address translation, error responses, debug
// transport, DMI pass-through and invalidation.
#include <tlm_utils/simple_initiator_socket.h>
#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>

#include <functional>
#include <vector>

#include "energon/hw/router.h"
#include "energon/trace/flat_memory.h"

using namespace sc_core;
using energon::hw::Router;
using energon::trace::FlatMemory;

namespace {

struct Initiator : sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  std::function<void(Initiator&)> body;
  std::vector<std::pair<uint64_t, uint64_t>> invalidations;
  bool finished = false;

  SC_HAS_PROCESS(Initiator);
  explicit Initiator(const sc_module_name& n) : sc_module(n), socket("socket") {
    socket.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
    SC_THREAD(run);
  }
  void run() {
    if (body) body(*this);
    finished = true;
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); }

  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len, sc_time& delay,
                                  uint64_t* address_after = nullptr) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(t, delay);
    if (address_after) *address_after = t.get_address();
    return t.get_response_status();
  }
};

// Two memories behind a router: "low" at 0x0 (256 B window), "high" at 0x1000'0000 (4 KiB window
// onto an 8 KiB memory, so DMI must be clipped); two initiators.
struct Bench {
  Router router{"router"};
  FlatMemory low{"low", 0x100, sc_time(5, SC_NS)};
  FlatMemory high{"high", 0x2000, sc_time(7, SC_NS)};
  Initiator cpu{"cpu"};
  Initiator dma{"dma"};
  Bench() {
    cpu.socket.bind(router.target_socket);
    dma.socket.bind(router.target_socket);
    router.initiator_socket.bind(low.socket);   // target 0
    router.initiator_socket.bind(high.socket);  // target 1
    router.map(0x0, 0x100, 0, "low");
    router.map(0x1000'0000, 0x1000, 1, "high");
  }
};

constexpr uint64_t kHigh = 0x1000'0000;

}  // namespace

TEST_CASE("router decodes to the right target and subtracts the region base") {
  Bench b;
  b.cpu.body = [&](Initiator& i) {
    uint32_t v = 0xCAFEF00D;
    sc_time delay = SC_ZERO_TIME;
    uint64_t after = 0;
    CHECK(i.access(tlm::TLM_WRITE_COMMAND, kHigh + 0x40, &v, 4, delay, &after) == tlm::TLM_OK_RESPONSE);
    CHECK(after == kHigh + 0x40);  // the initiator gets its address back
    CHECK(b.high.last_address == 0x40);
    CHECK(delay == sc_time(7, SC_NS));
    uint32_t w = 0x12345678;
    CHECK(i.access(tlm::TLM_WRITE_COMMAND, 0x10, &w, 4, delay) == tlm::TLM_OK_RESPONSE);
    CHECK(b.low.last_address == 0x10);
    CHECK(delay == sc_time(12, SC_NS));
  };
  b.dma.body = [&](Initiator& i) {
    wait(1, SC_NS);  // after the cpu's writes
    uint32_t r = 0;
    sc_time delay = SC_ZERO_TIME;
    CHECK(i.access(tlm::TLM_READ_COMMAND, kHigh + 0x40, &r, 4, delay) == tlm::TLM_OK_RESPONSE);
    CHECK(r == 0xCAFEF00D);
    CHECK(i.access(tlm::TLM_READ_COMMAND, 0x10, &r, 4, delay) == tlm::TLM_OK_RESPONSE);
    CHECK(r == 0x12345678);
    // The last byte of a region decodes; the same region's last word too.
    CHECK(i.access(tlm::TLM_READ_COMMAND, kHigh + 0xFFC, &r, 4, delay) == tlm::TLM_OK_RESPONSE);
    CHECK(b.high.last_address == 0xFFC);
  };
  sc_start();
  CHECK(b.cpu.finished);
  CHECK(b.dma.finished);
  CHECK(b.router.decode(kHigh + 0x40)->name == "high");
  CHECK(b.router.decode(0x100) == nullptr);
}

TEST_CASE("router answers TLM_ADDRESS_ERROR_RESPONSE off the map") {
  Bench b;
  b.cpu.body = [&](Initiator& i) {
    uint32_t v = 0;
    sc_time delay = SC_ZERO_TIME;
    CHECK(i.access(tlm::TLM_READ_COMMAND, 0x100, &v, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // hole
    CHECK(i.access(tlm::TLM_WRITE_COMMAND, kHigh + 0x1000, &v, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(i.access(tlm::TLM_READ_COMMAND, ~uint64_t(0) - 3, &v, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Straddling the end of a region is off the map too, even though it starts inside.
    CHECK(i.access(tlm::TLM_READ_COMMAND, 0xFE, &v, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(delay == SC_ZERO_TIME);
  };
  sc_start();
  CHECK(b.cpu.finished);
  CHECK(b.low.transactions == 0);
  CHECK(b.high.transactions == 0);
}

TEST_CASE("router forwards debug transport with address translation") {
  Bench b;
  const uint32_t pattern = 0xA5A55A5A;
  b.high.write(0x20, &pattern, 4);
  b.cpu.body = [&](Initiator& i) {
    tlm::tlm_generic_payload t;
    uint32_t r = 0;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kHigh + 0x20);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&r));
    t.set_data_length(4);
    CHECK(i.socket->transport_dbg(t) == 4);
    CHECK(r == pattern);
    CHECK(t.get_address() == kHigh + 0x20);
    uint32_t w = 0x01020304;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(0x8);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&w));
    CHECK(i.socket->transport_dbg(t) == 4);
    t.set_address(0x100);  // off the map: nothing transferred
    CHECK(i.socket->transport_dbg(t) == 0);
  };
  sc_start();
  CHECK(b.cpu.finished);
  uint32_t got = 0;
  b.low.read(0x8, &got, 4);
  CHECK(got == 0x01020304);
  CHECK(b.low.transactions == 0);  // debug accesses are not transactions
}

TEST_CASE("router passes DMI through with global addresses, clipped to the region") {
  Bench b;
  b.cpu.body = [&](Initiator& i) {
    tlm::tlm_generic_payload t;
    tlm::tlm_dmi dmi;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(kHigh + 0x80);
    REQUIRE(i.socket->get_direct_mem_ptr(t, dmi));
    CHECK(dmi.get_start_address() == kHigh);
    CHECK(dmi.get_end_address() == kHigh + 0xFFF);  // memory is 8 KiB, the window 4 KiB
    CHECK(dmi.get_dmi_ptr() == b.high.data());
    CHECK(dmi.is_read_write_allowed());
    CHECK(dmi.get_read_latency() == sc_time(7, SC_NS));
    CHECK(t.get_address() == kHigh + 0x80);

    tlm::tlm_dmi hole;
    t.set_address(0x200);
    CHECK_FALSE(i.socket->get_direct_mem_ptr(t, hole));
    CHECK(hole.get_start_address() == 0x100);  // the whole gap between the two regions
    CHECK(hole.get_end_address() == kHigh - 1);
    CHECK(hole.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);

    wait(1, SC_NS);
    b.high.invalidate_dmi();
  };
  sc_start();
  CHECK(b.cpu.finished);
  // Both initiators hear the invalidation, translated and clipped to the window.
  for (Initiator* i : {&b.cpu, &b.dma}) {
    REQUIRE(i->invalidations.size() == 1);
    CHECK(i->invalidations[0].first == kHigh);
    CHECK(i->invalidations[0].second == kHigh + 0xFFF);
  }
}

TEST_CASE("router rejects overlapping regions at elaboration with both names") {
  Router router("router");
  router.map(0x1000, 0x1000, 0, "dram");
  CHECK_THROWS_WITH(router.map(0x1800, 0x100, 1, "regs"),
                    Catch::Contains("'regs' [0x1800, 0x18ff] overlaps region 'dram' [0x1000, 0x1fff]"));
  CHECK_THROWS_WITH(router.map(0x0, 0x1001, 1, "low"), Catch::Contains("overlaps"));
  CHECK_THROWS_WITH(router.map(0x4000, 0, 1, "empty"), Catch::Contains("size 0"));
  CHECK_THROWS_WITH(router.map(~uint64_t(0) - 0xF, 0x20, 1, "wrap"), Catch::Contains("past the end"));
  router.map(0x2000, 0x10, 1, "adjacent");  // touching is fine
  CHECK(router.regions().size() == 2);
}

TEST_CASE("router reports a region whose target index is not bound") {
  Router router("router");
  FlatMemory mem("mem", 0x100);
  Initiator cpu("cpu");
  cpu.socket.bind(router.target_socket);
  router.initiator_socket.bind(mem.socket);
  router.map(0x0, 0x100, 0, "mem");
  router.map(0x1000, 0x100, 1, "missing");
  CHECK_THROWS_WITH(sc_start(), Catch::Contains("maps to target index 1 but only 1 target(s)"));
}
