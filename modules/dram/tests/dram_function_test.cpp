// Functional testbench: data integrity, TLM error responses, byte enables, DMI, debug transport.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "dram_stimulus.h"
#include "energon/config/dram_yaml.h"

using namespace energon::hw;
using energon::hw::test::Access;
using energon::hw::test::DramStimulus;
using energon::hw::test::small_addr;
using energon::hw::test::small_config;

namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(seed + i * 7 + (i >> 8));
  return v;
}

void run(Dram& dram, const std::function<void(DramStimulus&)>& script) {
  DramStimulus stim("stim", dram.clock_period(), script);
  stim.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(stim.finished);
}

}  // namespace

TEST_CASE("dram function: write then read back, unwritten memory reads zero") {
  Dram dram("dram", small_config());
  const auto data = pattern(4096 + 13, 5);
  std::vector<uint8_t> back(data.size()), fresh(256, 0xAA);
  Access w, r, z;
  run(dram, [&](DramStimulus& s) {
    w = s.write(0x12345, unsigned(data.size()), data.data());  // unaligned start and length
    r = s.read(0x12345, unsigned(back.size()), back.data());
    z = s.read(small_addr(1000, 1, 3, 0), 256, fresh.data());
  });
  CHECK(w.status == tlm::TLM_OK_RESPONSE);
  CHECK(r.status == tlm::TLM_OK_RESPONSE);
  CHECK(back == data);
  CHECK(z.status == tlm::TLM_OK_RESPONSE);
  CHECK(std::all_of(fresh.begin(), fresh.end(), [](uint8_t b) { return b == 0; }));
  CHECK(dram.stats().bytes_written() == data.size());
  CHECK(dram.stats().bytes_read() == data.size() + 256);
  // 0x12345 .. +4109 touches bursts 0x12340 .. 0x13340: 65 bursts.
  CHECK(dram.stats().writes() == 65);
}

TEST_CASE("dram function: error responses for bad address, command and streaming width") {
  Dram dram("dram", small_config());
  const uint64_t size = dram.config().size_bytes;
  REQUIRE(size == 8u << 20);
  Access at_end, straddle, bad_cmd, streaming, ignore, last;
  run(dram, [&](DramStimulus& s) {
    at_end = s.read(size, 4);
    straddle = s.read(size - 4, 8);
    bad_cmd = s.transport(static_cast<tlm::tlm_command>(3), 0, 4, nullptr);
    streaming = s.transport(tlm::TLM_READ_COMMAND, 0, 8, nullptr, nullptr, 4);
    ignore = s.transport(tlm::TLM_IGNORE_COMMAND, 0, 4, nullptr);
    last = s.read(size - 4, 4);
  });
  CHECK(at_end.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(straddle.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bad_cmd.status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(streaming.status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(ignore.status == tlm::TLM_OK_RESPONSE);
  CHECK(last.status == tlm::TLM_OK_RESPONSE);
  CHECK(dram.stats().transactions() == 1);  // errors and ignore cost no DRAM time
}

TEST_CASE("dram function: byte enables mask writes and reads") {
  Dram dram("dram", small_config());
  const auto ones = std::vector<uint8_t>(8, 0x11);
  std::vector<uint8_t> twos(8, 0x22), back(8), masked(8, 0xEE);
  const std::vector<uint8_t> every_other = {0xFF, 0x00};  // pattern repeats over the data
  Access w, r;
  run(dram, [&](DramStimulus& s) {
    s.write(64, 8, ones.data());
    w = s.transport(tlm::TLM_WRITE_COMMAND, 64, 8, twos.data(), &every_other);
    s.read(64, 8, back.data());
    r = s.transport(tlm::TLM_READ_COMMAND, 64, 8, masked.data(), &every_other);
  });
  CHECK(w.status == tlm::TLM_OK_RESPONSE);
  CHECK(back == std::vector<uint8_t>{0x22, 0x11, 0x22, 0x11, 0x22, 0x11, 0x22, 0x11});
  CHECK(r.status == tlm::TLM_OK_RESPONSE);
  CHECK(masked == std::vector<uint8_t>{0x22, 0xEE, 0x22, 0xEE, 0x22, 0xEE, 0x22, 0xEE});
}

TEST_CASE("dram function: DMI pointer agrees with b_transport both ways") {
  Dram dram("dram", small_config());
  const auto via_bt = pattern(300, 9);
  const auto via_dmi = pattern(300, 77);
  std::vector<uint8_t> seen_by_bt(300);
  bool granted = false;
  tlm::tlm_dmi dmi;
  run(dram, [&](DramStimulus& s) {
    tlm::tlm_generic_payload gp;
    gp.set_address(0x1000);
    gp.set_command(tlm::TLM_READ_COMMAND);
    granted = s.init->get_direct_mem_ptr(gp, dmi);
    if (!granted) return;
    s.write(0x2000, 300, via_bt.data());
    std::memcpy(dmi.get_dmi_ptr() + 0x3000, via_dmi.data(), 300);
    s.read(0x3000, 300, seen_by_bt.data());
  });
  REQUIRE(granted);
  CHECK(dmi.get_start_address() == 0);
  CHECK(dmi.get_end_address() == dram.config().size_bytes - 1);
  CHECK(dmi.is_read_write_allowed());
  CHECK(dmi.get_read_latency() == sc_core::sc_time(10 + 12 + 4, sc_core::SC_NS));
  CHECK(dmi.get_write_latency() == sc_core::sc_time(10 + 9 + 4, sc_core::SC_NS));
  CHECK(std::equal(via_bt.begin(), via_bt.end(), dmi.get_dmi_ptr() + 0x2000));
  CHECK(seen_by_bt == via_dmi);
}

TEST_CASE("dram function: DMI refused outside the memory") {
  Dram dram("dram", small_config());
  bool granted = true;
  tlm::tlm_dmi dmi;
  run(dram, [&](DramStimulus& s) {
    tlm::tlm_generic_payload gp;
    gp.set_address(dram.config().size_bytes + 64);
    granted = s.init->get_direct_mem_ptr(gp, dmi);
  });
  CHECK_FALSE(granted);
  CHECK(dmi.get_start_address() == dram.config().size_bytes);
}

TEST_CASE("dram function: debug transport reads and writes without timing") {
  Dram dram("dram", small_config());
  const auto data = pattern(1000, 3);
  std::vector<uint8_t> back(1000), tail(16, 0xCC);
  unsigned written = 0, clipped = 0;
  Access r;
  run(dram, [&](DramStimulus& s) {
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(0x4000);
    gp.set_data_ptr(const_cast<uint8_t*>(data.data()));
    gp.set_data_length(1000);
    written = s.init->transport_dbg(gp);
    r = s.read(0x4000, 1000, back.data());
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(dram.config().size_bytes - 8);
    gp.set_data_ptr(tail.data());
    gp.set_data_length(16);
    clipped = s.init->transport_dbg(gp);
  });
  CHECK(written == 1000);
  CHECK(back == data);
  CHECK(clipped == 8);  // only the bytes inside the memory
  CHECK(tail[0] == 0);
  CHECK(tail[8] == 0xCC);
  CHECK(dram.stats().transactions() == 1);  // only the timed read
  CHECK(dram.stats().bytes_written() == 0);
}

TEST_CASE("dram function: address map encodes and decodes the documented layout") {
  const DramConfig cfg = small_config();
  const DramAddressMap map(cfg);
  DramCoord c;
  c.row = 1000;
  c.bank_group = 1;
  c.bank = 3;
  c.column = 9;
  CHECK(map.encode(c) == small_addr(1000, 1, 3, 9));
  const DramCoord d = map.decode(small_addr(1000, 1, 3, 9) + 17);
  CHECK(d.row == 1000);
  CHECK(d.bank_group == 1);
  CHECK(d.bank == 3);
  CHECK(d.column == 9);
  CHECK(d.channel == 0);
}

TEST_CASE("dram function: a 2 GiB preset commits only the pages it touches") {
  Dram dram("dram", load_dram_config("hbm2"));
  const uint64_t size = dram.config().size_bytes;
  REQUIRE(size == (uint64_t(2) << 30));
  const auto data = pattern(8, 1);
  std::vector<uint8_t> back(8), cleared(8, 0xCC);
  run(dram, [&](DramStimulus& s) {
    s.write(size - 8, 8, data.data());
    s.read(size - 8, 8, back.data());
    dram.clear_memory();
    s.read(size - 8, 8, cleared.data());
  });
  CHECK(back == data);
  CHECK(cleared == std::vector<uint8_t>(8, 0));
}
