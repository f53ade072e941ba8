// Host CPU model alone, against a plain memory target and a driven interrupt line.
#include <catch2/catch.hpp>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstring>
#include <string>
#include <vector>

#include "energon/platform/host_cpu.h"

using namespace energon;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {

// 64 KiB of memory at 0 with a 20 ns access latency and DMI; anything above answers with an
// address error.
struct MemTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<MemTarget> tgt;
  std::vector<unsigned char> mem = std::vector<unsigned char>(65536, 0);
  uint64_t transactions = 0;
  bool allow_dmi = true;

  explicit MemTarget(const sc_core::sc_module_name& n) : sc_module(n), tgt("tgt") {
    tgt.register_b_transport(this, &MemTarget::b_transport);
    tgt.register_get_direct_mem_ptr(this, &MemTarget::get_dmi);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    ++transactions;
    if (t.get_address() + t.get_data_length() > mem.size()) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    unsigned char* p = mem.data() + t.get_address();
    if (t.is_write())
      std::memcpy(p, t.get_data_ptr(), t.get_data_length());
    else
      std::memcpy(t.get_data_ptr(), p, t.get_data_length());
    delay += sc_time(20, SC_NS);
    t.set_dmi_allowed(allow_dmi);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool get_dmi(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    if (!allow_dmi) return false;
    dmi.set_dmi_ptr(mem.data());
    dmi.set_start_address(0);
    dmi.set_end_address(mem.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_time(20, SC_NS));
    dmi.set_write_latency(sc_time(20, SC_NS));
    return true;
  }
};

struct HostBench {
  sc_core::sc_signal<bool> irq;
  MemTarget mem;
  platform::HostCpu cpu;
  explicit HostBench(platform::HostTiming timing, const std::string& name = "cpu")
      : irq((name + "_irq").c_str()), mem((name + "_mem").c_str()), cpu(name.c_str(), config(timing)) {
    cpu.bus.bind(mem.tgt);
    cpu.irq.bind(irq);
  }
  static platform::HostCpuConfig config(platform::HostTiming t) {
    platform::HostCpuConfig c;
    c.shared_base = 0x1000;
    c.shared_size = 0x8000;
    c.timing = t;
    return c;
  }
};

}  // namespace

TEST_CASE("host: register accesses reach the bus, a bus error reads all-ones") {
  HostBench b(platform::HostTiming::lt);
  uint32_t back = 0, bad = 0;
  sc_time after_write;
  b.cpu.load_program([&](platform::HostCpu& cpu) {
    cpu.write32(0x100, 0xABCD1234u);
    after_write = cpu.now();
    back = cpu.read32(0x100);
    bad = cpu.read32(0x100000);
  });
  sc_core::sc_start();
  REQUIRE(b.cpu.finished());
  REQUIRE(back == 0xABCD1234u);
  REQUIRE(bad == 0xFFFFFFFFu);
  REQUIRE(b.cpu.stats().bus_errors == 1);
  REQUIRE(b.cpu.stats().reg_reads == 2);
  REQUIRE(b.cpu.stats().reg_writes == 1);
  // issue cost (10 ns) + target latency (20 ns)
  REQUIRE(after_write == sc_time(30, SC_NS));
  std::memcpy(&back, b.mem.mem.data() + 0x100, 4);
  REQUIRE(back == 0xABCD1234u);
}

TEST_CASE("host: lt copies through DMI, accurate copies through b_transport, same bytes") {
  HostBench lt(platform::HostTiming::lt, "cpu_lt");
  HostBench at(platform::HostTiming::accurate, "cpu_at");
  std::vector<unsigned char> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 7 + 3);
  std::vector<unsigned char> back_lt(1000), back_at(1000);
  sc_time t_lt;
  bool ok_lt = false, ok_at = false;
  lt.cpu.load_program([&](platform::HostCpu& cpu) {
    ok_lt = cpu.write_mem(0x2000, data.data(), data.size()) && cpu.read_mem(0x2000, back_lt.data(), back_lt.size());
    cpu.sync();
    t_lt = cpu.now();
    while (!at.cpu.finished()) sc_core::wait(1, SC_US);  // the other program stops the simulation
  });
  at.cpu.load_program([&](platform::HostCpu& cpu) {
    ok_at = cpu.write_mem(0x2000, data.data(), data.size()) && cpu.read_mem(0x2000, back_at.data(), back_at.size());
  });
  sc_core::sc_start();
  REQUIRE(ok_lt);
  REQUIRE(ok_at);
  REQUIRE(back_lt == data);
  REQUIRE(back_at == data);
  REQUIRE(lt.cpu.stats().dmi_copies == 2);
  REQUIRE(lt.mem.transactions == 0);
  REQUIRE(at.cpu.stats().dmi_copies == 0);
  REQUIRE(at.mem.transactions == 2 * 16);  // 1000 bytes in 64-byte bursts, each way
  // DMI: latency + 0.1 ns per byte, per copy
  REQUIRE(t_lt == 2 * (sc_time(20, SC_NS) + sc_time(100, SC_NS)));
}

TEST_CASE("host: wait_for_irq wakes at the rising edge or returns false after the timeout") {
  HostBench b(platform::HostTiming::lt);
  bool first = false, second = true;
  sc_time woke, timed_out;
  struct Driver : sc_core::sc_module {
    sc_core::sc_signal<bool>& line;
    SC_HAS_PROCESS(Driver);
    Driver(const sc_core::sc_module_name& n, sc_core::sc_signal<bool>& l) : sc_module(n), line(l) { SC_THREAD(run); }
    void run() {
      wait(5, SC_US);
      line.write(true);
      wait(1, SC_US);
      line.write(false);
    }
  } driver("driver", b.irq);
  b.cpu.load_program([&](platform::HostCpu& cpu) {
    first = cpu.wait_for_irq(sc_time(100, SC_US));
    woke = sc_core::sc_time_stamp();
    sc_core::wait(2, SC_US);  // the line is low again
    second = cpu.wait_for_irq(sc_time(3, SC_US));
    timed_out = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  REQUIRE(first);
  REQUIRE(woke == sc_time(5, SC_US));
  REQUIRE_FALSE(second);
  REQUIRE(timed_out == sc_time(10, SC_US) + sc_time(500, SC_NS));  // 5 + 0.5 (irq entry) + 2 + 3
  REQUIRE(b.cpu.stats().irq_timeouts == 1);
}

TEST_CASE("host: host work advances time by the cost model, the allocator aligns and runs out") {
  HostBench b(platform::HostTiming::lt);
  sc_time t;
  uint64_t a1 = 0, a2 = 0, a3 = 0, a4 = 0;
  b.cpu.load_program([&](platform::HostCpu& cpu) {
    cpu.spend_ns(1500);
    t = cpu.now();
    a1 = cpu.alloc(10, 64);
    a2 = cpu.alloc(10, 256);
    a3 = cpu.alloc(0x10000, 64);  // more than the window
    const uint64_t mark = cpu.alloc_mark();
    cpu.alloc(100, 8);
    cpu.release_to(mark);
    a4 = cpu.alloc(1, 1);
  });
  sc_core::sc_start();
  REQUIRE(t == sc_time(1500, SC_NS));
  REQUIRE(sc_core::sc_time_stamp() == sc_time(1500, SC_NS));  // synchronised at the end
  REQUIRE(a1 == 0x1000);
  REQUIRE(a2 == 0x1100);
  REQUIRE(a3 == ENERGON_HAL_NO_MEMORY);
  REQUIRE(a4 == 0x110A);
}

TEST_CASE(
    "host: lt interrupt waits share one deadline: a pending earlier deadline neither ends a later wait nor outlives "
    "the program") {
  platform::HostCpuConfig c = HostBench::config(platform::HostTiming::lt);
  c.stop_when_done = false;  // the simulation ends when nothing is pending
  sc_core::sc_signal<bool> line("line");
  MemTarget mem("mem");
  platform::HostCpu cpu("cpu", c);
  cpu.bus.bind(mem.tgt);
  cpu.irq.bind(line);
  struct Driver : sc_core::sc_module {
    sc_core::sc_signal<bool>& line;
    SC_HAS_PROCESS(Driver);
    Driver(const sc_core::sc_module_name& n, sc_core::sc_signal<bool>& l) : sc_module(n), line(l) { SC_THREAD(run); }
    void run() {
      wait(1, SC_US);  // ends the first wait, whose 10 us deadline stays pending
      line.write(true);
      wait(1, SC_US);
      line.write(false);
      wait(38, SC_US);  // at 40 us: ends the third wait
      line.write(true);
      wait(1, SC_US);
      line.write(false);
    }
  } driver("driver", line);
  bool first = false, second = true, third = false;
  sc_time woke1, timed_out, woke3, done;
  cpu.load_program([&](platform::HostCpu& h) {
    first = h.wait_for_irq(sc_time(10, SC_US));
    woke1 = sc_core::sc_time_stamp();
    sc_core::wait(1, SC_US);                      // 2.5 us: the line is low
    second = h.wait_for_irq(sc_time(20, SC_US));  // crosses the first wait's deadline (10 us)
    timed_out = sc_core::sc_time_stamp();
    third = h.wait_for_irq(sc_time(100, SC_US));  // deadline 122.5 us, the interrupt comes at 40 us
    woke3 = sc_core::sc_time_stamp();
    done = h.now();
  });
  sc_core::sc_start();
  REQUIRE(first);
  REQUIRE(woke1 == sc_time(1, SC_US));
  REQUIRE_FALSE(second);
  REQUIRE(timed_out == sc_time(22500, SC_NS));  // 1 + 0.5 (irq entry) + 1 + 20
  REQUIRE(third);
  REQUIRE(woke3 == sc_time(40, SC_US));
  REQUIRE(cpu.stats().irq_timeouts == 1);
  REQUIRE(cpu.finished());
  // Nothing of the host outlives its program: the simulation stops at its last activity (40.5 us,
  // after the interrupt entry), not at the third wait's pending deadline.
  REQUIRE(done == sc_time(40500, SC_NS));
  REQUIRE(sc_core::sc_time_stamp() == sc_time(41, SC_US));  // the driver's last write
}
