// Controller core testbench (SystemC-free): hand-computed command timing in cycles on the small
// fixture (tRCD 10, tRP 11, tCL 12, tCWL 9, tRAS 25, tRC 40, tCCD_S/L 4/6, tRRD_S/L 3/4, tFAW 20,
// tRTP 5, burst 4; one cycle of arbitration) and on the presets (tDQSCK, multi-cycle commands,
// tRCD_WR, the shared HBM2 command bus, refresh at its due time).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "dram_burst_counter.h"
#include "dram_controller.h"
#include "dram_stimulus.h"
#include "energon/config/dram_yaml.h"

using namespace energon::hw;
using energon::hw::test::small_addr;
using energon::hw::test::small_config;

namespace {

/// A controller with its statistics and the data end of every request by tag.
struct Harness {
  explicit Harness(const DramConfig& c)
      : cfg(c), stats(c.channels, c.tck_ps, c.peak_bandwidth_gbps()), ctrl(cfg, stats) {
    ctrl.set_completion_sink([this](const DramController::Completion& done) { end[done.tag] = done.data_end; });
  }
  void read(uint64_t tag, uint64_t address, int64_t arrival) { add(tag, false, address, arrival); }
  void write(uint64_t tag, uint64_t address, int64_t arrival) { add(tag, true, address, arrival); }
  void add(uint64_t tag, bool write, uint64_t address, int64_t arrival) {
    const unsigned b = ctrl.bus_of(address);
    ctrl.run(b, arrival);
    REQUIRE(ctrl.can_accept(address));
    ctrl.enqueue(tag, write, address, arrival);
  }
  /// Runs every bus until its buffers are empty.
  void drain() {
    for (unsigned b = 0; b < ctrl.buses(); ++b)
      while (ctrl.pending(b) > 0) ctrl.run(b, std::max(ctrl.now(b), ctrl.next_event(b)) + 1);
  }
  DramConfig cfg;
  DramStats stats;
  DramController ctrl;
  std::map<uint64_t, int64_t> end;
};

DramConfig with_scheduler(DramConfig c, const std::string& scheduler) {
  c.controller.scheduler = scheduler;
  return c;
}

uint64_t preset_addr(const DramConfig& c, uint32_t channel, uint32_t bank_group, uint32_t bank, uint32_t row) {
  DramCoord coord;
  coord.channel = channel;
  coord.bank_group = bank_group;
  coord.bank = bank;
  coord.row = row;
  return DramAddressMap(c).encode(coord);
}

}  // namespace

TEST_CASE("dram controller: a read to a closed bank costs arbitration + tRCD + tCL + burst") {
  Harness h(small_config());
  h.read(0, small_addr(0, 0, 0, 0), 0);
  h.drain();
  CHECK(h.end.at(0) == 1 + 10 + 12 + 4);  // ACT at 1, RD at 11, data 23..27
  CHECK(h.stats.row_empty() == 1);
  CHECK(h.stats.activates() == 1);
}

TEST_CASE("dram controller: FR-FCFS serves the row hit first where FIFO keeps arrival order") {
  // A row 0, B row 1, C row 0, all to one bank at cycle 0.
  for (const std::string s : {"frfcfs", "fifo"}) {
    Harness h(with_scheduler(small_config(), s));
    h.read(0, small_addr(0, 0, 0, 0), 0);
    h.read(1, small_addr(1, 0, 0, 0), 0);
    h.read(2, small_addr(0, 0, 0, 1), 0);
    h.drain();
    CHECK(h.end.at(0) == 27);  // ACT 1, RD 11
    if (s == "frfcfs") {
      CHECK(h.end.at(2) == 33);  // RD 17 (tCCD_L)
      CHECK(h.end.at(1) == 67);  // PRE 26 (tRAS), ACT 41 (tRC), RD 51
      CHECK(h.stats.total().reordered == 1);
      CHECK(h.stats.row_hits() == 1);
    } else {
      CHECK(h.end.at(1) == 67);   // PRE 26, ACT 41, RD 51
      CHECK(h.end.at(2) == 107);  // PRE 66 (tRAS), ACT 81 (tRC), RD 91
      CHECK(h.stats.total().reordered == 0);
      CHECK(h.stats.row_hits() == 0);
    }
  }
}

TEST_CASE("dram controller: FR-FCFS with a starvation cap serves the oldest after cap overtakes") {
  // A row 0, B row 1, C row 0, D row 0 to one bank; cap 1: A, C, then B (overtaken once), then D.
  DramConfig c = with_scheduler(small_config(), "frfcfs_cap");
  c.controller.starvation_cap = 1;
  Harness h(c);
  h.read(0, small_addr(0, 0, 0, 0), 0);
  h.read(1, small_addr(1, 0, 0, 0), 0);
  h.read(2, small_addr(0, 0, 0, 1), 0);
  h.read(3, small_addr(0, 0, 0, 2), 0);
  h.drain();
  CHECK(h.end.at(0) == 27);
  CHECK(h.end.at(2) == 33);
  CHECK(h.end.at(1) == 67);  // as the FIFO order of B after C
  CHECK(h.end.at(3) > h.end.at(1));
  Harness plain(with_scheduler(small_config(), "frfcfs"));
  for (uint64_t i = 0; i < 4; ++i) plain.read(i, small_addr(i == 1 ? 1 : 0, 0, 0, i), 0);
  plain.drain();
  CHECK(plain.end.at(3) == 39);  // uncapped: D right after C
  CHECK(plain.end.at(1) > plain.end.at(3));
}

TEST_CASE("dram controller: FIFO-strict holds a ready column command behind an older request") {
  // X opens bank (0,0,1); later A (bank (0,0,0), closed) and B (row hit in bank (0,0,1)) arrive together.
  for (const std::string s : {"fifo", "fifo_strict"}) {
    Harness h(with_scheduler(small_config(), s));
    h.read(9, small_addr(0, 0, 1, 0), 0);
    h.read(0, small_addr(0, 0, 0, 0), 30);
    h.read(1, small_addr(0, 0, 1, 1), 30);
    h.drain();
    CHECK(h.end.at(9) == 27);
    CHECK(h.end.at(0) == 57);  // ACT 31, RD 41
    // fifo: RD of B at 32 (the command bus took A's ACT at 31); strict: after A's RD, tCCD_L later.
    CHECK(h.end.at(1) == (s == "fifo" ? 48 : 63));
  }
}

TEST_CASE("dram controller: the fifth ACT waits for tFAW after the first") {
  // Five banks, groups alternating: ACTs 1, 4, 7, 10 (tRRD), the fifth at 1 + tFAW = 21.
  auto fifth_end = [](uint32_t faw) {
    DramConfig c = small_config();
    c.timing.tFAW = faw;
    Harness h(c);
    const uint64_t banks[5][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}};
    for (uint64_t i = 0; i < 5; ++i) h.read(i, small_addr(0, banks[i][0], banks[i][1], 0), 0);
    h.drain();
    CHECK(h.stats.activates() == 5);
    return h.end.at(4);
  };
  CHECK(fifth_end(20) == 47);  // ACT 21, RD 31, data 43..47
  CHECK(fifth_end(0) == 43);   // ACT 13, RD after the fourth's data: 27
}

TEST_CASE("dram controller: closed page precharges after every access") {
  DramConfig c = small_config();
  c.controller.page_policy = DramPagePolicy::closed;
  Harness h(c);
  h.read(0, small_addr(0, 0, 0, 0), 0);
  h.read(1, small_addr(0, 0, 0, 1), 100);
  h.drain();
  CHECK(h.end.at(0) == 27);
  CHECK(h.end.at(1) == 100 + 27);  // precharged long before: ACT again, no tRP on the path
  CHECK(h.stats.row_hits() == 0);
  CHECK(h.stats.row_empty() == 2);
  CHECK(h.stats.activates() == 2);
}

TEST_CASE("dram controller: LPDDR4 read carries tDQSCK and the 4-cycle ACT and RD") {
  const DramConfig c = load_dram_config("lpddr4-4266");
  Harness h(c);
  h.read(0, preset_addr(c, 0, 0, 0, 5), 0);
  h.drain();
  // ACT 1..4, RD 40..43 (tRCD from the ACT's last tick), data from 43 + RL 36 + tDQSCK 4, BL16 = 8 cycles.
  CHECK(h.end.at(0) == 1 + 3 + 39 + 36 + 4 + 8);
}

TEST_CASE("dram controller: HBM2 write to a closed bank uses tRCD_WR") {
  const DramConfig c = load_dram_config("hbm2");
  Harness h(c);
  h.write(0, preset_addr(c, 0, 0, 0, 5), 0);
  h.read(1, preset_addr(c, 2, 0, 0, 5), 0);  // another command bus
  h.drain();
  CHECK(h.end.at(0) == 1 + 1 + 6 + 7 + 2);        // ACT 1..2, WR at 2 + tRCD_WR, data after tCWL
  CHECK(h.end.at(1) == 1 + 1 + 12 + 18 + 1 + 2);  // RD at 2 + tRCD, data after tCL + tDQSCK
}

TEST_CASE("dram controller: HBM2 pseudo-channels of a channel share the command bus") {
  for (const uint32_t per_bus : {2u, 1u}) {
    DramConfig c = load_dram_config("hbm2");
    c.command_bus.channels_per_bus = per_bus;
    Harness h(c);
    h.read(0, preset_addr(c, 0, 0, 0, 5), 0);
    h.read(1, preset_addr(c, 1, 0, 0, 5), 0);
    h.drain();
    CHECK(h.end.at(0) == 35);
    CHECK(h.end.at(1) == (per_bus == 2 ? 37 : 35));  // the second ACT waits for the 2-cycle first
  }
}

TEST_CASE("dram controller: refresh precharges all banks at its due time and blocks for tRPab + tRFC") {
  const DramConfig c = load_dram_config("lpddr4-4266");
  const int64_t due = c.timing.tREFI;
  Harness h(c);
  h.read(0, preset_addr(c, 0, 0, 0, 5), 0);
  h.read(1, preset_addr(c, 0, 0, 0, 5) + 1024, due);  // would be a row hit
  h.drain();
  CHECK(h.end.at(0) == 91);
  // PREA due..due+1, REF at due+45 (tRPab), ACT ends due+430 (tRFC), RD ends +39, data +40, +8.
  CHECK(h.end.at(1) == due + 1 + 45 + 384 + 39 + 40 + 8);
  CHECK(h.stats.channel(0).refreshes == 1);
  CHECK(h.stats.row_hits() == 0);
}

TEST_CASE("dram controller: a postponed refresh lets the pending request go first") {
  DramConfig c = load_dram_config("lpddr4-4266");
  c.controller.refresh_postpone = 1;
  const int64_t due = c.timing.tREFI;
  Harness h(c);
  h.read(0, preset_addr(c, 0, 0, 0, 5), 0);
  h.read(1, preset_addr(c, 0, 0, 0, 5) + 1024, due);
  h.drain();
  CHECK(h.end.at(1) == due + 1 + 3 + 40 + 8);  // a row hit: RD at due+1..due+4
  CHECK(h.stats.channel(0).refreshes_postponed == 1);
  h.ctrl.run(0, due + 1000);  // idle again: the postponed refresh is caught up
  CHECK(h.stats.channel(0).refreshes == 1);
}

TEST_CASE("dram controller: refresh due times are staggered over the units of a bus or of the memory") {
  auto refreshed = [](DramRefreshStagger stagger, int64_t until) {
    DramConfig c = load_dram_config("hbm2");
    c.controller.refresh_stagger = stagger;
    Harness h(c);
    for (unsigned b = 0; b < h.ctrl.buses(); ++b) h.ctrl.run(b, until);
    std::vector<uint64_t> n;
    for (unsigned ch = 0; ch < c.channels; ++ch) n.push_back(h.stats.channel(ch).refreshes);
    return n;
  };
  // bus: pseudo-channel 1 of each pair at tREFI - tREFI/2 = 1950, pseudo-channel 0 at 3900.
  const auto bus = refreshed(DramRefreshStagger::bus, 2000);
  for (unsigned ch = 0; ch < 16; ++ch) CHECK(bus[ch] == (ch % 2 ? 1u : 0u));
  const auto none = refreshed(DramRefreshStagger::none, 3899);
  for (unsigned ch = 0; ch < 16; ++ch) CHECK(none[ch] == 0);
  // all: channel k at 3900 - rev4(k)·3900/16; by cycle 1000 those with rev4(k) >= 12 (k = 3, 7, 11, 15).
  const auto all = refreshed(DramRefreshStagger::all, 1000);
  for (unsigned ch = 0; ch < 16; ++ch) CHECK(all[ch] == (ch % 4 == 3 ? 1u : 0u));
}

TEST_CASE("dram controller: a full bank buffer refuses further requests") {
  Harness h(small_config());
  for (uint64_t i = 0; i < 8; ++i) h.read(i, small_addr(i, 0, 0, 0), 0);
  CHECK_FALSE(h.ctrl.can_accept(small_addr(9, 0, 0, 0)));
  CHECK(h.ctrl.can_accept(small_addr(9, 1, 0, 0)));  // another bank
  CHECK_THROWS_AS(h.ctrl.enqueue(9, false, small_addr(9, 0, 0, 0), 0), std::logic_error);
  h.drain();
  CHECK(h.end.size() == 8);
}

TEST_CASE("dram controller: bursts entered by burst-counter position queue in the banks their addresses decode to") {
  // nb_transport steps a DramBurstCounter through a payload instead of decoding each burst; every
  // stepped position must be the decoded address's and land in the bank buffer the address would
  // (HBM2: two pseudo-channels per bus).
  DramConfig two_ranks = load_dram_config("ddr4-3200");
  two_ranks.ranks = 2;
  two_ranks.mapping.insert(two_ranks.mapping.begin() + 1, {DramField::rank, 1});
  validate_dram_config(two_ranks);
  for (const DramConfig& cfg : {load_dram_config("lpddr4-4266"), load_dram_config("hbm2"), two_ranks}) {
    INFO(cfg.name);
    DramStats stats_a(cfg.channels, cfg.tck_ps, cfg.peak_bandwidth_gbps()), stats_b = stats_a;
    DramController by_address(cfg, stats_a), by_position(cfg, stats_b);
    DramAddressMap map(cfg);
    DramBurstCounter counter(cfg, map);
    const uint64_t bb = cfg.burst_bytes(), first = 7 * bb + (uint64_t(3) << 20);
    counter.load(first / bb);
    // Fill buffers until the first refusal on either side; both must refuse at the same burst.
    uint64_t address = first;
    for (int i = 0; i < 4096; ++i, address += bb, counter.step()) {
      const DramBurstPosition p = counter.at();  // stepped, not loaded
      const DramCoord c = map.decode(address);
      REQUIRE(p.channel == c.channel);
      REQUIRE(p.bank_index ==
              ((c.channel * cfg.ranks + c.rank) * cfg.bank_groups + c.bank_group) * cfg.banks_per_group + c.bank);
      REQUIRE(p.row == c.row);
      REQUIRE(by_address.position_of(address).bank_index == p.bank_index);
      const bool room = by_address.can_accept(address);
      REQUIRE(by_position.can_accept(p) == room);
      // try_enqueue: the same decision, and a refused burst leaves the buffers as they were.
      REQUIRE(by_position.try_enqueue(uint64_t(i), i % 3 == 0, p, 0) == room);
      if (!room) break;
      by_address.enqueue(uint64_t(i), i % 3 == 0, address, 0);
    }
    CHECK(address > first + 8 * bb);  // several banks filled before the first refusal
    // next_command(): the earliest next_event() of the buses holding requests.
    int64_t next = DramController::kIdle;
    for (unsigned b = 0; b < by_address.buses(); ++b)
      if (by_address.pending(b) > 0) next = std::min(next, by_address.next_event(b));
    CHECK(next != DramController::kIdle);
    CHECK(by_position.next_command() == next);
    std::map<uint64_t, int64_t> end_a, end_b;
    by_address.set_completion_sink([&](const DramController::Completion& c) { end_a[c.tag] = c.data_end; });
    by_position.set_completion_sink([&](const DramController::Completion& c) { end_b[c.tag] = c.data_end; });
    for (unsigned b = 0; b < by_address.buses(); ++b) {
      REQUIRE(by_address.pending(b) == by_position.pending(b));
      by_address.run(b, 100000);
    }
    by_position.run_all(100000);  // every bus, as run() bus by bus
    CHECK(end_a.size() == size_t((address - first) / bb));
    CHECK(end_a == end_b);
    CHECK(by_position.next_command() == DramController::kIdle);  // drained: nothing to wake for
  }
}
