// The timing model's fast path (burst address counter, steady-state rounds) against the per-burst
// reference (dram_reference_timing.h): random transactions on every preset, on variants of them
// (refresh off, no tFAW, two ranks) and on random address mappings. Every end cycle, every counter
// of every channel and every burst's data span must be the same.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dram_bank_timing.h"
#include "dram_reference_timing.h"
#include "dram_stimulus.h"
#include "energon/config/dram_yaml.h"

using namespace energon::hw;
using energon::hw::test::DramReferenceTiming;

namespace {

struct Span {
  unsigned channel;
  int64_t start, end;
  bool operator==(const Span& o) const { return channel == o.channel && start == o.start && end == o.end; }
};

bool same_counters(const DramChannelStats& a, const DramChannelStats& b) {
  return a.bytes_read == b.bytes_read && a.bytes_written == b.bytes_written && a.reads == b.reads &&
         a.writes == b.writes && a.row_hits == b.row_hits && a.row_empty == b.row_empty &&
         a.row_conflicts == b.row_conflicts && a.activates == b.activates && a.refreshes == b.refreshes &&
         a.busy_cycles == b.busy_cycles;
}

bool same_stats(const DramStats& a, const DramStats& b) {
  if (a.channels().size() != b.channels().size() || a.transactions() != b.transactions() ||
      a.active_time_ns() != b.active_time_ns())
    return false;
  for (size_t c = 0; c < a.channels().size(); ++c)
    if (!same_counters(a.channels()[c], b.channels()[c])) return false;
  return true;
}

/// A random mapping: every field with bits cut into one to three slices, all slices shuffled.
DramConfig with_random_mapping(DramConfig cfg, std::mt19937_64& rng) {
  std::vector<DramMappingSlice> slices;
  for (DramField f : {DramField::row, DramField::rank, DramField::bank_group, DramField::bank, DramField::channel,
                      DramField::column}) {
    unsigned bits = dram_field_bits(cfg, f);
    while (bits > 0) {
      const unsigned take = bits == 1 ? 1 : 1 + unsigned(rng() % bits);
      slices.push_back({f, take});
      bits -= take;
    }
  }
  std::shuffle(slices.begin(), slices.end(), rng);
  cfg.mapping = slices;
  validate_dram_config(cfg);
  return cfg;
}

std::string mapping_text(const DramConfig& cfg) {
  std::ostringstream s;
  for (const auto& m : cfg.mapping) s << to_string(m.field) << ':' << m.bits << ' ';
  return s.str();
}

/// Drives the reference, the fast path without an observer and the fast path with one through
/// `count` random transactions; returns the bursts the fast path scheduled in closed form.
uint64_t compare_with_reference(const DramConfig& cfg, uint64_t seed, int count) {
  INFO("dram " << cfg.name << ", mapping " << mapping_text(cfg) << ", refresh " << cfg.refresh_enabled << ", seed "
               << seed);
  std::mt19937_64 rng(seed);
  DramReferenceTiming ref(cfg);
  DramBankTiming fast(cfg);
  DramBankTiming observed(cfg);
  DramStats ref_stats(cfg.channels, cfg.tck_ps, cfg.peak_bandwidth_gbps());
  DramStats fast_stats = ref_stats, observed_stats = ref_stats;
  std::vector<Span> ref_spans, observed_spans;
  const DramReferenceTiming::BurstObserver ref_observer = [&](unsigned c, int64_t s, int64_t e) {
    ref_spans.push_back({c, s, e});
  };
  const DramBankTiming::BurstObserver fast_observer = [&](unsigned c, int64_t s, int64_t e) {
    observed_spans.push_back({c, s, e});
  };
  const int64_t refi = cfg.timing.tREFI > 0 ? cfg.timing.tREFI : 5000;
  uint64_t address = 0, length = 0;
  int64_t arrival = 0, end = 0;
  for (int i = 0; i < count; ++i) {
    // Address: mostly streams (the next block, as a DMA does), else anywhere or near the last one.
    const unsigned where = unsigned(rng() % 10);
    if (where < 6)
      address += length;
    else if (where < 8)
      address = rng() % cfg.size_bytes;
    else
      address = (address & ~uint64_t(0xFFFF)) + rng() % 0x20000;
    const unsigned size = unsigned(rng() % 10);
    if (size < 3)
      length = 4096;
    else if (size < 5)
      length = 64 * (1 + rng() % 128);
    else if (size < 9)
      length = 1 + rng() % 8192;
    else
      length = 1 + rng() % (64 * 1024);  // long blocks: many rounds in one transaction
    if (address >= cfg.size_bytes) address %= cfg.size_bytes;
    length = std::min<uint64_t>(length, cfg.size_bytes - address);
    const bool write = rng() % 10 < 3;
    // Arrival: with the previous one (pieces of one request), after it, overlapping it, before it
    // (an initiator behind in time), after it finished, across refreshes, or after a long idle.
    const unsigned when = unsigned(rng() % 12);
    if (when < 3) {
    } else if (when < 5) {
      arrival += int64_t(rng() % 64);
    } else if (when < 6) {
      arrival = std::max<int64_t>(0, arrival - int64_t(rng() % 500));
    } else if (when < 9) {
      arrival = end;
    } else if (when < 11) {
      arrival = end + int64_t(rng() % uint64_t(2 * refi));
    } else {
      arrival = end + int64_t(rng() % uint64_t(40 * refi));
    }
    INFO("transaction " << i << ": " << (write ? "write" : "read") << " 0x" << std::hex << address << std::dec << " + "
                        << length << " at cycle " << arrival);
    ref_spans.clear();
    observed_spans.clear();
    end = ref.access(write, address, length, arrival, ref_stats, &ref_observer);
    REQUIRE(fast.access(write, address, length, arrival, fast_stats) == end);
    REQUIRE(observed.access(write, address, length, arrival, observed_stats, &fast_observer) == end);
    REQUIRE(same_stats(ref_stats, fast_stats));
    REQUIRE(same_stats(ref_stats, observed_stats));
    REQUIRE(ref_spans == observed_spans);
  }
  return fast.bursts_in_closed_form();
}

std::vector<DramConfig> variants(const DramConfig& base) {
  std::vector<DramConfig> out{base};
  DramConfig no_refresh = base;
  no_refresh.refresh_enabled = !base.refresh_enabled;
  if (no_refresh.refresh_enabled && no_refresh.timing.tREFI == 0) {
    no_refresh.timing.tREFI = 2000;
    no_refresh.timing.tRFC = 100;
  }
  out.push_back(no_refresh);
  DramConfig no_faw = base;
  no_faw.timing.tFAW = 0;
  out.push_back(no_faw);
  DramConfig two_ranks = base;  // the same bytes over twice the banks: rank switches and tRTRS
  two_ranks.ranks = 2;
  two_ranks.mapping.insert(two_ranks.mapping.begin() + 1, {DramField::rank, 1});
  validate_dram_config(two_ranks);
  out.push_back(two_ranks);
  return out;
}

}  // namespace

TEST_CASE("dram fast path: every preset and variant matches the per-burst model") {
  std::vector<DramConfig> bases{load_dram_config("ddr4-3200"), load_dram_config("lpddr4-4266"),
                                load_dram_config("hbm2"), energon::hw::test::small_config()};
  uint64_t seed = 1;
  for (const DramConfig& base : bases) {
    uint64_t closed_form = 0;
    for (const DramConfig& cfg : variants(base)) closed_form += compare_with_reference(cfg, seed++, 1500);
    INFO(base.name);
    CHECK(closed_form > 0);  // the steady-state shortcut was taken, not only the per-burst loop
  }
}

TEST_CASE("dram fast path: random address mappings match the per-burst model") {
  std::mt19937_64 rng(2024);
  for (const char* name : {"ddr4-3200", "lpddr4-4266", "hbm2"}) {
    const DramConfig base = load_dram_config(name);
    for (int m = 0; m < 8; ++m) compare_with_reference(with_random_mapping(base, rng), rng(), 400);
  }
  const DramConfig small = energon::hw::test::small_config();
  for (int m = 0; m < 8; ++m) compare_with_reference(with_random_mapping(small, rng), rng(), 400);
}

TEST_CASE("dram fast path: a single long stream matches over many refreshes") {
  for (const char* name : {"ddr4-3200", "lpddr4-4266", "hbm2"}) {
    const DramConfig cfg = load_dram_config(name);
    INFO(name);
    DramReferenceTiming ref(cfg);
    DramBankTiming fast(cfg);
    DramStats ref_stats(cfg.channels, cfg.tck_ps, cfg.peak_bandwidth_gbps());
    DramStats fast_stats = ref_stats;
    int64_t arrival = 0;
    for (uint64_t address = 0; address < (uint64_t(16) << 20); address += 64 * 1024) {
      const int64_t end = ref.access(address % (1 << 21) < (1 << 20), address, 64 * 1024, arrival, ref_stats);
      REQUIRE(fast.access(address % (1 << 21) < (1 << 20), address, 64 * 1024, arrival, fast_stats) == end);
      REQUIRE(same_stats(ref_stats, fast_stats));
      arrival = end;
    }
    CHECK(ref_stats.refreshes() > 0);
    CHECK(fast.bursts_in_closed_form() > ref_stats.reads() / 2);
  }
}
