// Timing testbench: hand-computed latencies (in DRAM cycles) on the small fixture config
// (tRCD 10, tRP 11, tCL 12, tCWL 9, tRAS 25, tRC 40, tCCD_S/L 4/6, tRRD_S/L 3/4, tFAW 20,
// tWR 8, tWTR_S/L 2/7, tRTP 5, burst 4 cycles) and on the presets.
#include <catch2/catch.hpp>

#include "dram_stimulus.h"
#include "energon/config/dram_yaml.h"

using namespace energon::hw;
using energon::hw::test::Access;
using energon::hw::test::DramStimulus;
using energon::hw::test::small_addr;
using energon::hw::test::small_config;

namespace {

/// Elaborates `dram` with a stimulus running `script`, simulates to the end.
void run(Dram& dram, const std::function<void(DramStimulus&)>& script) {
  DramStimulus stim("stim", dram.clock_period(), script);
  stim.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(stim.finished);
}

}  // namespace

TEST_CASE("dram timing: first access to a closed bank costs tRCD + tCL + burst") {
  Dram dram("dram", small_config());
  Access a;
  run(dram, [&](DramStimulus& s) { a = s.read(small_addr(0, 0, 0, 0), 64); });
  CHECK(a.status == tlm::TLM_OK_RESPONSE);
  CHECK(a.cycles == 10 + 12 + 4);
  CHECK(dram.stats().row_empty() == 1);
  CHECK(dram.stats().row_hits() == 0);
  CHECK(dram.stats().reads() == 1);
  CHECK(dram.stats().bytes_read() == 64);
}

TEST_CASE("dram timing: row hit costs tCL + burst, streaming in one bank is tCCD_L-limited") {
  Dram dram("dram", small_config());
  Access first, hit, stream;
  run(dram, [&](DramStimulus& s) {
    first = s.read(small_addr(3, 1, 2, 0), 64);
    s.wait_until_cycle(first.cycles);
    hit = s.read(small_addr(3, 1, 2, 1), 64);
    s.wait_until_cycle(first.cycles + hit.cycles);
    stream = s.read(small_addr(3, 1, 2, 2), 4 * 64);  // columns 2..5, same bank group
  });
  CHECK(first.cycles == 26);
  CHECK(hit.cycles == 12 + 4);
  CHECK(stream.cycles == 12 + 3 * 6 + 4);  // column commands tCCD_L apart, not back-to-back bursts
  CHECK(dram.stats().row_hits() == 5);
  CHECK(dram.stats().row_empty() == 1);
  CHECK(dram.stats().reads() == 6);
}

TEST_CASE("dram timing: row conflict costs tRP + tRCD + tCL + burst, or waits for tRC") {
  Dram dram("dram", small_config());
  Access open, conflict_late, open2, conflict_soon;
  run(dram, [&](DramStimulus& s) {
    open = s.read(small_addr(0, 0, 0, 0), 64);
    s.wait_until_cycle(100);
    conflict_late = s.read(small_addr(1, 0, 0, 0), 64);  // PRE at 100, ACT 111, RD 121
    // Bank 1: open row 0 at 200, then row 1 right after the data: ACT waits for tRC.
    s.wait_until_cycle(200);
    open2 = s.read(small_addr(0, 0, 1, 0), 64);
    s.wait_until_cycle(200 + open2.cycles);
    conflict_soon = s.read(small_addr(1, 0, 1, 0), 64);  // PRE 226, ACT max(237, 200 + tRC)
  });
  CHECK(open.cycles == 26);
  CHECK(conflict_late.cycles == 11 + 10 + 12 + 4);
  CHECK(open2.cycles == 26);
  CHECK(conflict_soon.cycles == (240 - 226) + 10 + 12 + 4);
  CHECK(dram.stats().row_conflicts() == 2);
  CHECK(dram.stats().row_empty() == 2);
  CHECK(dram.stats().total().activates == 4);
}

TEST_CASE("dram timing: two banks overlap, the same bank serialises") {
  Dram dram("dram", small_config());
  Access a, same_group, other_group, same_bank;
  run(dram, [&](DramStimulus& s) {
    // All four issued at cycle 0 without waiting.
    a = s.read(small_addr(0, 0, 0, 0), 64);            // ACT 0, RD 10, data 22..26
    same_group = s.read(small_addr(0, 0, 1, 0), 64);   // ACT 4 (tRRD_L), RD 16 (tCCD_L), data ..32
    other_group = s.read(small_addr(0, 1, 0, 0), 64);  // ACT 7 (tRRD_S), see below
    same_bank = s.read(small_addr(5, 0, 0, 0), 64);    // PRE 25 (tRAS), ACT 40 (tRC), RD 50
  });
  CHECK(a.cycles == 26);
  CHECK(same_group.cycles == 16 + 12 + 4);
  // other_group: ACT max(4+3, never) = 7, RD max(17, 16+4 tCCD_S, bus 32-12) = 20 → data 32..36.
  CHECK(other_group.cycles == 20 + 12 + 4);
  CHECK(same_bank.cycles == 40 + 10 + 12 + 4);
  CHECK(same_bank.cycles > 2 * a.cycles);
}

TEST_CASE("dram timing: tFAW delays the fifth activate") {
  Dram dram("dram", small_config());
  DramConfig no_faw = small_config();
  no_faw.timing.tFAW = 0;
  Dram free_dram("free_dram", no_faw);
  DramStimulus stim2("stim2", free_dram.clock_period(), [](DramStimulus&) {});
  std::vector<Access> with, without;
  // Banks alternate bank groups: ACTs at 0, 3, 6, 9 (tRRD), the fifth at 12 or at tFAW = 20.
  const uint64_t banks[5][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}};
  DramStimulus stim("stim", dram.clock_period(), [&](DramStimulus& s) {
    for (auto& b : banks) with.push_back(s.read(small_addr(0, b[0], b[1], 0), 64));
    for (auto& b : banks) without.push_back(stim2.read(small_addr(0, b[0], b[1], 0), 64));
  });
  stim.init.bind(dram.tgt);
  stim2.init.bind(free_dram.tgt);
  sc_core::sc_start();
  REQUIRE(stim.finished);
  REQUIRE(with.size() == 5);
  REQUIRE(without.size() == 5);
  // RD commands at 10, 14, 18, 22 (tCCD_S / data bus), then 20 + tRCD = 30 vs bus-limited 26.
  CHECK(with[0].cycles == 26);
  CHECK(with[1].cycles == 30);
  CHECK(with[2].cycles == 34);
  CHECK(with[3].cycles == 38);
  CHECK(with[4].cycles == 20 + 10 + 12 + 4);
  CHECK(without[4].cycles == 26 + 12 + 4);
}

TEST_CASE("dram timing: an access landing in a refresh waits for tRFC") {
  DramConfig cfg = small_config();
  cfg.refresh_enabled = true;  // tREFI 1000, tRFC 50
  Dram dram("dram", cfg);
  Access before, at_refresh, in_refresh;
  run(dram, [&](DramStimulus& s) {
    s.wait_until_cycle(500);
    before = s.read(small_addr(0, 0, 0, 0), 64);
    s.wait_until_cycle(1000);
    at_refresh = s.read(small_addr(0, 0, 0, 1), 64);  // row was open: PRE-all, REF, ACT again
    s.wait_until_cycle(2010);
    in_refresh = s.read(small_addr(0, 0, 0, 2), 64);  // refresh 2000: PRE 2000, REF 2011..2061
  });
  CHECK(before.cycles == 26);
  CHECK(at_refresh.cycles == 11 + 50 + 10 + 12 + 4);
  CHECK(in_refresh.cycles == 2061 - 2010 + 10 + 12 + 4);
  CHECK(dram.stats().refreshes() == 2);
  CHECK(dram.stats().row_hits() == 0);  // refresh closed the row both times
}

TEST_CASE("dram timing: write latency and write-to-read turnaround (tWTR_L)") {
  Dram dram("dram", small_config());
  Access w, r;
  run(dram, [&](DramStimulus& s) {
    w = s.write(small_addr(0, 0, 0, 0), 64);
    s.wait_until_cycle(w.cycles);
    r = s.read(small_addr(0, 0, 0, 1), 64);  // row hit, but RD waits until write data end + tWTR_L
  });
  CHECK(w.status == tlm::TLM_OK_RESPONSE);
  CHECK(w.cycles == 10 + 9 + 4);
  CHECK(r.cycles == 7 + 12 + 4);
  CHECK(dram.stats().writes() == 1);
  CHECK(dram.stats().bytes_written() == 64);
}

TEST_CASE("dram timing: reset closes rows and clears statistics") {
  Dram dram("dram", small_config());
  Access a, b;
  run(dram, [&](DramStimulus& s) {
    a = s.read(small_addr(0, 0, 0, 0), 64);
    s.wait_until_cycle(100);
    dram.reset();
    b = s.read(small_addr(0, 0, 0, 1), 64);  // would be a hit without the reset
  });
  CHECK(a.cycles == 26);
  CHECK(b.cycles == 26);
  CHECK(dram.stats().transactions() == 1);
  CHECK(dram.stats().row_empty() == 1);
}

TEST_CASE("dram timing: ddr4-3200 streams a 64 KiB block at the bus rate") {
  Dram dram("dram", load_dram_config("ddr4-3200"));
  Access a;
  run(dram, [&](DramStimulus& s) { a = s.read(0, 64 * 1024); });
  // Bank groups rotate every 64 B burst, so column commands go tCCD_S = 4 cycles apart (one
  // burst each): the first data after tRCD + tCL, then 1024 bursts back to back.
  CHECK(a.status == tlm::TLM_OK_RESPONSE);
  CHECK(a.cycles == 22 + 22 + 1024 * 4);
  const auto& st = dram.stats();
  CHECK(st.reads() == 1024);
  CHECK(st.total().activates == 8);  // 8 KiB rows: banks 0 and 1 of each group
  CHECK(st.row_hits() == 1016);
  CHECK(st.achieved_bandwidth_gbps() == Approx(65536.0 / (a.cycles * 0.625)));
  CHECK(st.achieved_bandwidth_gbps() > 0.98 * st.peak_bandwidth_gbps());
  CHECK(st.busy_time_ns() == Approx(1024 * 4 * 0.625));
}

TEST_CASE("dram timing: lpddr4-4266 splits a 64 B line over both channels") {
  Dram dram("dram", load_dram_config("lpddr4-4266"));
  Access a;
  run(dram, [&](DramStimulus& s) { a = s.read(0, 64); });
  // ACT-1/ACT-2 take 4 cycles (acting on the last), then tRCD, RL + tDQSCK, BL16; both 32 B halves
  // in parallel, not one after the other.
  CHECK(a.cycles == 3 + 39 + 36 + 4 + 8);
  REQUIRE(dram.stats().channels().size() == 2);
  CHECK(dram.stats().channel(0).bytes_read == 32);
  CHECK(dram.stats().channel(1).bytes_read == 32);
}

TEST_CASE("dram timing: hbm2 spreads a 64 KiB block over 16 pseudo-channels") {
  Dram dram("dram", load_dram_config("hbm2"));
  Access a;
  run(dram, [&](DramStimulus& s) { a = s.read(0, 64 * 1024); });
  // Per pseudo-channel: 128 bursts of 32 B in bank 0 of each group. The 2-cycle ACTs act at 1, 5,
  // 9, 13 (tRRD_S = 4 apart), RD at 13, 17, 21, 25, then every 2 cycles (bus-limited): last RD
  // 25 + 2*124 = 273, + tCL 18 + tDQSCK 1 + 2.
  CHECK(a.cycles == 294);
  for (const auto& c : dram.stats().channels()) CHECK(c.bytes_read == 4096);
}

TEST_CASE("dram timing: refreshes during an idle stretch are counted, not replayed") {
  DramConfig cfg = small_config();
  cfg.refresh_enabled = true;  // tREFI 1000, tRFC 50
  Dram dram("dram", cfg);
  Access first, after_idle;
  run(dram, [&](DramStimulus& s) {
    first = s.read(small_addr(0, 0, 0, 0), 64);
    s.wait_until_cycle(10500);
    after_idle = s.read(small_addr(0, 0, 0, 0), 64);  // refreshes at 1000 .. 10000; the row was closed
  });
  CHECK(first.cycles == 26);
  CHECK(after_idle.cycles == 26);
  CHECK(dram.stats().refreshes() == 10);
  CHECK(dram.stats().row_empty() == 2);
}
