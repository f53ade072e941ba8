// The accelerator IP through its three ports only: register socket, one memory socket, interrupt.
// Jobs bit-exact against the golden model; every memory transaction on the one socket, in the
// documented order, within max_burst_bytes; one clock for every inner block; reset.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "energon/config/dram_yaml.h"
#include "energon/golden/golden.h"
#include "energon/hw/accelerator.h"
#include "energon/hw/dram.h"
#include "energon/hw/energon_desc_codec.h"
#include "energon/hw/router.h"
#include "job_image.h"

using namespace energon;
using namespace energon::hw;
using namespace sc_core;

namespace {

constexpr uint64_t kBase = 0x100000;  // inside the DRAM model's window too
constexpr uint64_t kRing = kBase;
constexpr uint64_t kData = kBase + 0x10000;

/// A memory that records every transaction it serves (address, length, command); zero latency
/// unless `latency` is set.
struct RecordingMemory : sc_module {
  struct Access {
    uint64_t address;
    uint32_t length;
    bool write;
  };
  tlm_utils::simple_target_socket<RecordingMemory> socket;
  std::vector<uint8_t> bytes;
  std::vector<Access> log;
  sc_time latency = SC_ZERO_TIME;

  explicit RecordingMemory(const sc_module_name& n) : sc_module(n), socket("socket"), bytes(8 << 20, 0) {
    socket.register_b_transport(this, &RecordingMemory::b_transport);
  }
  void store(uint64_t a, const void* src, size_t len) { std::memcpy(&bytes[a], src, len); }
  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
    if (p.get_address() + p.get_data_length() > bytes.size()) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    log.push_back({p.get_address(), p.get_data_length(), p.is_write()});
    if (p.is_read())
      std::memcpy(p.get_data_ptr(), &bytes[p.get_address()], p.get_data_length());
    else
      std::memcpy(&bytes[p.get_address()], p.get_data_ptr(), p.get_data_length());
    delay += latency;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

/// Debug-transport access to whatever sits behind a router (loading and reading back the DRAM model).
struct DebugPort : sc_module {
  tlm_utils::simple_initiator_socket<DebugPort> socket;
  explicit DebugPort(const sc_module_name& n) : sc_module(n), socket("socket") {}
  void transfer(bool write, uint64_t a, void* data, size_t len) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(a);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(unsigned(len));
    REQUIRE(socket->transport_dbg(t) == len);
  }
};

/// Programs the ring at kRing through the register socket, submits `jobs` descriptors, waits.
struct Driver : sc_module {
  tlm_utils::simple_initiator_socket<Driver> regs;
  sc_in<bool> irq;
  uint32_t jobs = 1;
  bool done = false;
  sc_time finished;

  SC_HAS_PROCESS(Driver);
  explicit Driver(const sc_module_name& n) : sc_module(n), regs("regs"), irq("irq") { SC_THREAD(run); }
  uint32_t access(bool write, uint32_t offset, uint32_t value) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(offset);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    sc_time delay = SC_ZERO_TIME;
    regs->b_transport(t, delay);
    REQUIRE(t.is_response_ok());
    wait(delay);
    return value;
  }
  void run() {
    access(true, ENERGON_REG_QUEUE_BASE_LO, uint32_t(kRing));
    access(true, ENERGON_REG_QUEUE_SIZE, 8);
    access(true, ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
    access(true, ENERGON_REG_QUEUE_TAIL, jobs);
    while (access(false, ENERGON_REG_JOBS_DONE, 0) < jobs) {
      if (!irq.read()) wait(irq.posedge_event());
      access(true, ENERGON_REG_IRQ_STATUS, ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
    }
    finished = sc_time_stamp();
    done = true;
  }
};

QuantizedLayer layer() {
  AttentionShape s;
  s.heads = 2;
  s.kv_heads = 1;
  s.n_q = 24;
  s.n_k = 40;
  s.valid_len = 40;
  s.d = 64;
  return test::random_layer(s, 7, 20000, 3);
}

struct Bench {
  Accelerator accel;
  Driver driver;
  sc_signal<bool> irq;
  std::vector<energon_desc_t> descs;

  Bench(const std::string& name, const AccelConfig& c)
      : accel(name.c_str(), c), driver((name + "_driver").c_str()), irq((name + "_irq").c_str()) {
    driver.regs.bind(accel.regs);
    accel.irq.bind(irq);
    driver.irq.bind(irq);
  }
  /// Places `L` under each filter at kData (one buffer region per job) and the descriptors in the ring.
  void place(const test::StoreFn& store, const QuantizedLayer& L, const std::vector<FilterConfig>& filters) {
    for (size_t i = 0; i < filters.size(); ++i) {
      energon_desc_t d = test::place_job(store, L, filters[i], {2, 2, 12}, kData + i * 0x40000);
      uint8_t bytes[ENERGON_DESC_BYTES];
      energon_desc_encode(&d, bytes);
      store(kRing + i * ENERGON_DESC_BYTES, bytes, sizeof bytes);
      descs.push_back(d);
    }
    driver.jobs = uint32_t(filters.size());
  }
};

std::vector<int16_t> read_out(const std::vector<uint8_t>& mem, const energon_desc_t& d, size_t elems) {
  std::vector<int16_t> out(elems);
  std::memcpy(out.data(), &mem[d.out_addr], elems * 2);
  return out;
}

}  // namespace

TEST_CASE("accelerator_one_memory_socket_bit_exact_in_order") {
  const QuantizedLayer L = layer();
  const std::vector<FilterConfig> filters = {FilterConfig::dense(), FilterConfig::energon_default()};
  AccelConfig c = AccelConfig::edge();
  c.max_burst_bytes = 256;
  Bench b("accel", c);
  RecordingMemory memory("memory");
  b.accel.mem.bind(memory.socket);
  b.place([&](uint64_t a, const void* s, size_t n) { memory.store(a, s, n); }, L, filters);
  std::vector<JobRecord> records;
  b.accel.on_job([&](const JobRecord& r) { records.push_back(r); });
  sc_start();
  REQUIRE(b.driver.done);
  REQUIRE(records.size() == 2);

  for (size_t i = 0; i < filters.size(); ++i) {
    INFO("job " << i);
    golden::GoldenStats gs;
    CHECK(read_out(memory.bytes, b.descs[i], L.shape.q_elems()) == golden::run_attention(L, filters[i], &gs));
    energon_desc_t back;
    energon_desc_decode(&memory.bytes[kRing + i * ENERGON_DESC_BYTES], &back);
    CHECK(back.result_status == ENERGON_RESULT_DONE);
    CHECK(back.result_final == gs.final_kept);
    CHECK(records[i].outcome.final_kept == gs.final_kept);
  }
  // Every transaction within one max_burst_bytes window; job order: descriptor read, tensors,
  // result write-back.
  for (const auto& a : memory.log) {
    CHECK(a.length <= 256);
    CHECK(a.address / 256 == (a.address + a.length - 1) / 256);
  }
  const auto desc_read = [](const RecordingMemory::Access& a, uint64_t ring_entry) {
    return !a.write && a.address == ring_entry && a.length == ENERGON_DESC_BYTES;
  };
  REQUIRE(desc_read(memory.log.front(), kRing));
  size_t second = 0;
  for (size_t i = 0; i < memory.log.size(); ++i)
    if (desc_read(memory.log[i], kRing + ENERGON_DESC_BYTES)) second = i;
  REQUIRE(second > 1);
  const auto& wb = memory.log[second - 1];  // job 0's result write-back comes just before job 1's fetch
  CHECK(wb.write);
  CHECK(wb.address == kRing + offsetof(energon_desc_t, result_status));
  CHECK(memory.log.back().write);
  CHECK(memory.log.back().address == kRing + ENERGON_DESC_BYTES + offsetof(energon_desc_t, result_status));
  CHECK(b.accel.bus_interface().largest_transaction() == 256);
  CHECK(b.accel.bus_interface().transactions() == memory.log.size());
  CHECK(b.accel.bus_interface().transactions() > b.accel.bus_interface().requests());
}

TEST_CASE("accelerator_burst_split_keeps_dram_cycles") {
  // The pieces of a split request are issued at the request's time, so the DRAM model serves
  // them exactly as the whole request: same cycles, more transactions.
  const QuantizedLayer L = layer();
  const std::vector<FilterConfig> filters = {FilterConfig::energon_default()};
  std::vector<std::unique_ptr<Bench>> benches;
  std::vector<std::unique_ptr<Dram>> drams;
  std::vector<std::unique_ptr<Router>> routers;
  std::vector<std::unique_ptr<DebugPort>> ports;
  const DramConfig dram_config = load_dram_config("lpddr4-4266");
  for (uint32_t burst : {0u, 64u, 4096u}) {
    AccelConfig c = AccelConfig::edge();
    c.max_burst_bytes = burst;
    const std::string n = std::to_string(burst);
    benches.push_back(std::make_unique<Bench>("accel" + n, c));
    drams.push_back(std::make_unique<Dram>(("dram" + n).c_str(), dram_config));
    routers.push_back(std::make_unique<Router>(("router" + n).c_str()));
    ports.push_back(std::make_unique<DebugPort>(("debug" + n).c_str()));
    Router& r = *routers.back();
    benches.back()->accel.mem.bind(r.target_socket);
    ports.back()->socket.bind(r.target_socket);
    r.initiator_socket.bind(drams.back()->tgt);
    r.map(0, dram_config.size_bytes, 0, "dram");
  }
  sc_start(SC_ZERO_TIME);  // elaborated: debug transport reaches the DRAM
  for (size_t i = 0; i < benches.size(); ++i) {
    DebugPort& port = *ports[i];
    benches[i]->place([&port](uint64_t a, const void* s, size_t n) { port.transfer(true, a, const_cast<void*>(s), n); },
                      L, filters);
  }
  sc_start();
  std::vector<uint64_t> cycles;
  for (size_t i = 0; i < benches.size(); ++i) {
    REQUIRE(benches[i]->driver.done);
    uint8_t bytes[ENERGON_DESC_BYTES];
    ports[i]->transfer(false, kRing, bytes, sizeof bytes);
    energon_desc_t back;
    energon_desc_decode(bytes, &back);
    CHECK(back.result_status == ENERGON_RESULT_DONE);
    cycles.push_back(back.result_cycles);
    std::vector<int16_t> out(L.shape.q_elems());
    ports[i]->transfer(false, back.out_addr, out.data(), out.size() * 2);
    CHECK(out == golden::run_attention(L, filters[0]));
  }
  CHECK(cycles[0] > 0);
  CHECK(cycles[1] == cycles[0]);
  CHECK(cycles[2] == cycles[0]);
  CHECK(benches[1]->accel.bus_interface().largest_transaction() == 64);
  CHECK(benches[0]->accel.bus_interface().transactions() == benches[0]->accel.bus_interface().requests());
  CHECK(benches[1]->accel.bus_interface().transactions() > benches[0]->accel.bus_interface().transactions());
}

TEST_CASE("accelerator_one_clock_for_every_block") {
  // With a memory that takes no time, a job's cycles do not depend on the clock: at 500 MHz it
  // takes the same cycles (twice the time) as at 1 GHz, in the result block and PERF_CYCLES.
  const QuantizedLayer L = layer();
  std::vector<std::unique_ptr<Bench>> benches;
  std::vector<std::unique_ptr<RecordingMemory>> mems;
  for (double mhz : {1000.0, 500.0}) {
    AccelConfig c = AccelConfig::edge();
    c.clock_mhz = mhz;
    benches.push_back(std::make_unique<Bench>("accel" + std::to_string(int(mhz)), c));
    mems.push_back(std::make_unique<RecordingMemory>(("memory" + std::to_string(int(mhz))).c_str()));
    RecordingMemory& m = *mems.back();
    benches.back()->accel.mem.bind(m.socket);
    benches.back()->place([&m](uint64_t a, const void* s, size_t n) { m.store(a, s, n); }, L,
                          {FilterConfig::energon_default()});
  }
  sc_start();
  energon_desc_t fast, slow;
  energon_desc_decode(&mems[0]->bytes[kRing], &fast);
  energon_desc_decode(&mems[1]->bytes[kRing], &slow);
  REQUIRE(benches[0]->driver.done);
  REQUIRE(benches[1]->driver.done);
  CHECK(fast.result_cycles > 100);
  CHECK(slow.result_cycles == fast.result_cycles);
  CHECK(benches[1]->driver.finished.value() > benches[0]->driver.finished.value() * 19 / 10);
  const uint64_t perf_fast = benches[0]->accel.peek(ENERGON_REG_PERF_BUSY_CTRL_LO);
  CHECK(perf_fast == fast.result_cycles);
  CHECK(benches[1]->accel.peek(ENERGON_REG_PERF_BUSY_CTRL_LO) == perf_fast);
}

TEST_CASE("accelerator_reset_and_bad_config") {
  AccelConfig bad = AccelConfig::edge();
  bad.max_burst_bytes = 100;
  CHECK_THROWS_WITH(Accelerator("bad", bad), Catch::Contains("max_burst_bytes (100)"));

  const QuantizedLayer L = layer();
  Bench b("accel", AccelConfig::edge());
  RecordingMemory memory("memory");
  b.accel.mem.bind(memory.socket);
  b.place([&](uint64_t a, const void* s, size_t n) { memory.store(a, s, n); }, L, {FilterConfig::dense()});
  sc_start();
  REQUIRE(b.driver.done);
  CHECK(read_out(memory.bytes, b.descs[0], L.shape.q_elems()) == golden::run_attention(L, FilterConfig::dense()));
  CHECK(b.accel.peek(ENERGON_REG_QUEUE_BASE_LO) == uint32_t(kRing));
  CHECK(b.accel.peek(ENERGON_REG_JOBS_DONE) == 1);
  b.accel.peek(ENERGON_REG_IRQ_STATUS);
  b.accel.reset();
  CHECK(b.accel.peek(ENERGON_REG_QUEUE_BASE_LO) == 0);
  CHECK(b.accel.peek(ENERGON_REG_JOBS_DONE) == 0);
  CHECK(b.accel.peek(ENERGON_REG_ID) == ENERGON_ID_VALUE);
  CHECK(b.accel.peek(ENERGON_REG_IRQ_MASK) == 0x3);
  CHECK(b.accel.peek(ENERGON_REG_PERF_BUSY_CTRL_LO) == 0);
  CHECK(b.accel.bus_interface().transactions() == 0);
}
