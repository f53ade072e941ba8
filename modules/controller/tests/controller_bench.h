// Controller testbench: a host initiator and the controller behind a router, a flat memory
// and a fake datapath that records the descriptors it gets and returns a chosen outcome.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>

#include <cstring>
#include <functional>
#include <vector>

#include "energon/hw/controller.h"
#include "energon/hw/energon_desc_codec.h"
#include "energon/hw/router.h"
#include "energon/trace/flat_memory.h"

namespace energon::hw::test {

using namespace sc_core;

constexpr uint64_t kRegsBase = 0x4000'0000;
constexpr uint64_t kMemBase = 0x8000'0000;
constexpr uint64_t kMemSize = 1 << 20;
constexpr uint64_t kRingBase = kMemBase + 0x1000;
const sc_time kMemLatency(10, SC_NS);
const sc_time kClock(1, SC_NS);

/// Records descriptors; reads 64 bytes of every buffer through its own socket (so addresses
/// outside memory come back as ERR_ADDRESS, as from the real datapath); returns `outcome`
/// after `latency`.
struct FakeDatapath : sc_module, accel_job_if {
  tlm_utils::simple_initiator_socket<FakeDatapath> mem;
  std::vector<energon_desc_t> jobs;
  std::vector<sc_time> start_times;
  JobOutcome outcome;
  sc_time latency{100, SC_NS};

  explicit FakeDatapath(const sc_module_name& n) : sc_module(n), mem("mem") {}

  JobOutcome run_job(const energon_desc_t& desc) override {
    jobs.push_back(desc);
    start_times.push_back(sc_time_stamp());
    std::vector<uint64_t> buffers = {desc.q_addr, desc.v_addr, desc.scale_addr, desc.out_addr};
    for (unsigned p = 0; p < desc.n_planes; ++p) buffers.push_back(desc.k_plane_addr[p]);
    sc_time delay = SC_ZERO_TIME;
    for (uint64_t a : buffers) {
      uint8_t data[64];
      tlm::tlm_generic_payload t;
      t.set_command(tlm::TLM_READ_COMMAND);
      t.set_address(a);
      t.set_data_ptr(data);
      t.set_data_length(64);
      t.set_streaming_width(64);
      t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      mem->b_transport(t, delay);
      if (!t.is_response_ok()) {
        wait(delay);
        JobOutcome failed;
        failed.error = ENERGON_ERR_ADDRESS;
        return failed;
      }
    }
    wait(delay + latency);
    return outcome;
  }
};

/// Runs `body` in an SC_THREAD with register helpers; counts the irq line's rising edges.
struct Host : sc_module {
  tlm_utils::simple_initiator_socket<Host> socket;
  sc_in<bool> irq;
  std::function<void(Host&)> body;
  bool finished = false;
  unsigned irq_edges = 0;

  SC_HAS_PROCESS(Host);
  explicit Host(const sc_module_name& n) : sc_module(n), socket("socket"), irq("irq") {
    SC_THREAD(run);
    SC_METHOD(count_edges);
    sensitive << irq.pos();
    dont_initialize();
  }
  void run() {
    if (body) body(*this);
    finished = true;
  }
  void count_edges() { ++irq_edges; }

  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                                  const unsigned char* byte_enable = nullptr, sc_time* delay_out = nullptr) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(const_cast<unsigned char*>(byte_enable));
    t.set_byte_enable_length(byte_enable ? len : 0);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(t, delay);
    if (delay_out) *delay_out = delay;
    wait(delay);
    return t.get_response_status();
  }
  uint32_t read32(uint32_t reg) {
    uint32_t v = 0;
    REQUIRE(access(tlm::TLM_READ_COMMAND, kRegsBase + reg, &v, 4) == tlm::TLM_OK_RESPONSE);
    return v;
  }
  void write32(uint32_t reg, uint32_t v) {
    REQUIRE(access(tlm::TLM_WRITE_COMMAND, kRegsBase + reg, &v, 4) == tlm::TLM_OK_RESPONSE);
  }
  /// Waits for the irq line to be high, at most `timeout`; true when it is.
  bool wait_irq(sc_time timeout = sc_time(100, SC_US)) {
    if (!irq.read()) wait(timeout, irq.posedge_event());
    return irq.read();
  }
};

/// A valid dense descriptor whose buffers lie inside the memory.
inline energon_desc_t good_descriptor(uint32_t n_q = 4) {
  energon_desc_t d{};
  d.magic = ENERGON_DESC_MAGIC;
  d.heads = 2;
  d.kv_heads = 1;
  d.n_q = n_q;
  d.n_k = 16;
  d.valid_len = 16;
  d.d = 64;
  d.policy = ENERGON_POLICY_DENSE;
  d.n_rounds = 0;
  d.n_planes = 3;
  d.plane_bits[0] = 2;
  d.plane_bits[1] = 2;
  d.plane_bits[2] = 12;
  d.q_addr = kMemBase + 0x10000;
  for (unsigned p = 0; p < 3; ++p) d.k_plane_addr[p] = kMemBase + 0x20000 + p * 0x4000;
  d.v_addr = kMemBase + 0x30000;
  d.scale_addr = kMemBase + 0x40000;
  d.out_addr = kMemBase + 0x50000;
  return d;
}

struct Bench {
  Router router{"router"};
  Controller ctrl;
  trace::FlatMemory memory{"memory", kMemSize, kMemLatency};
  FakeDatapath datapath{"datapath"};
  Host host{"host"};
  sc_signal<bool> irq{"irq"};

  explicit Bench(const ControllerConfig& config = {}) : ctrl("ctrl", config) {
    host.socket.bind(router.target_socket);
    ctrl.mem.bind(router.target_socket);
    datapath.mem.bind(router.target_socket);
    router.initiator_socket.bind(memory.socket);
    router.initiator_socket.bind(ctrl.regs);
    router.map(kMemBase, kMemSize, 0, "memory");
    router.map(kRegsBase, ENERGON_REG_SPACE_BYTES, 1, "regs");
    ctrl.datapath.bind(datapath);
    ctrl.irq.bind(irq);
    host.irq.bind(irq);
  }

  void put_descriptor(uint32_t ring_index, const energon_desc_t& d, uint64_t ring = kRingBase) {
    uint8_t bytes[ENERGON_DESC_BYTES];
    energon_desc_encode(&d, bytes);
    memory.write(ring - kMemBase + uint64_t(ring_index) * ENERGON_DESC_BYTES, bytes, sizeof bytes);
  }
  energon_desc_t descriptor(uint32_t ring_index, uint64_t ring = kRingBase) {
    uint8_t bytes[ENERGON_DESC_BYTES];
    memory.read(ring - kMemBase + uint64_t(ring_index) * ENERGON_DESC_BYTES, bytes, sizeof bytes);
    energon_desc_t d;
    energon_desc_decode(bytes, &d);
    return d;
  }
  /// Programs a ring of `size` entries at kRingBase and enables the controller with interrupts.
  static void setup(Host& h, uint32_t size, uint64_t ring = kRingBase) {
    h.write32(ENERGON_REG_QUEUE_BASE_LO, uint32_t(ring));
    h.write32(ENERGON_REG_QUEUE_BASE_HI, uint32_t(ring >> 32));
    h.write32(ENERGON_REG_QUEUE_SIZE, size);
    h.write32(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
  }
  /// Waits until JOBS_DONE reaches `jobs` (polling every µs), at most `timeout`.
  static bool wait_jobs(Host& h, uint32_t jobs, sc_time timeout = sc_time(1, SC_MS)) {
    const sc_time end = sc_time_stamp() + timeout;
    while (h.read32(ENERGON_REG_JOBS_DONE) < jobs) {
      if (sc_time_stamp() >= end) return false;
      wait(1, SC_US);
    }
    return true;
  }
  /// sc_start(), then requires the host's body to have run to its end.
  void run() {
    sc_start();
    REQUIRE(host.finished);
  }
};

inline uint32_t err_code(uint32_t status) { return (status & ENERGON_STATUS_ERR_MASK) >> ENERGON_STATUS_ERR_SHIFT; }

}  // namespace energon::hw::test
