// The flat on-chip buffer (OnChipBuffer: one arena per half, sorted vector of resident pieces)
// against the map-based implementation it replaced (reference_onchip_buffer.h): random and
// adversarial sequences of fill, read and clear must give the same missing spans, the same bytes
// and the same used() after every step, so every hit, miss, byte and cycle of the fetch unit stays.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "energon/hw/onchip_buffer.h"
#include "reference_onchip_buffer.h"

using energon::hw::OnChipBuffer;
using energon::test::ReferenceOnChipBuffer;

namespace {

using Spans = std::vector<OnChipBuffer::Span>;

bool same_spans(const Spans& a, const Spans& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].addr != b[i].addr || a[i].len != b[i].len) return false;
  return true;
}

/// The buffer under test and the reference, driven alike and compared after every call.
struct Twins {
  OnChipBuffer flat;
  ReferenceOnChipBuffer ref;
  explicit Twins(uint64_t capacity) : flat(capacity), ref(capacity) {}

  /// Both reads: the same missing spans, the same bytes copied (the rest of dst untouched).
  Spans read(uint64_t addr, uint32_t len) {
    std::vector<uint8_t> a(len, 0xCD), b(len, 0xCD);
    Spans ma{{1, 1}}, mb;  // a stale entry: read() starts the list afresh
    flat.read(addr, len, a.data(), ma);
    ref.read(addr, len, b.data(), mb);
    REQUIRE(same_spans(ma, mb));
    REQUIRE(a == b);
    Spans mn;
    flat.read(addr, len, nullptr, mn);  // no destination: the same split
    REQUIRE(same_spans(mn, mb));
    // The list-free whole-hit test: true exactly when nothing is missing, then the same bytes;
    // otherwise nothing copied.
    std::vector<uint8_t> c(len, 0xCD);
    const bool whole = flat.read_resident(addr, len, c.data());
    REQUIRE(whole == (len > 0 && mb.empty()));
    REQUIRE(c == (whole ? b : std::vector<uint8_t>(len, 0xCD)));
    REQUIRE(flat.read_resident(addr, len, nullptr) == whole);
    return ma;
  }
  /// Both fill from the same fresh random bytes, so any byte stored twice or from the wrong
  /// request shows in a later read.
  void fill(uint64_t addr, uint32_t len, std::mt19937_64& rng) {
    std::vector<uint8_t> src(len);
    for (auto& x : src) x = uint8_t(rng());
    flat.fill(addr, len, src.data());
    ref.fill(addr, len, src.data());
    REQUIRE(flat.used() == ref.used());
    REQUIRE(flat.used() <= flat.capacity());
  }
  /// What the fetch unit does: read, then fill each missing span from "memory".
  void fetch(uint64_t addr, uint32_t len, std::mt19937_64& rng) {
    for (const auto& s : read(addr, len)) fill(s.addr, s.len, rng);
  }
  void clear() {
    flat.clear();
    ref.clear();
    REQUIRE(flat.used() == 0);
  }
};

/// Ranges inside a region [base, base + size) that may end at 2^64; aligned to `grain` most of the
/// time (rows: adjacency and exact overlaps are frequent), reusing recent ranges with small shifts.
struct RangeGen {
  uint64_t base, size, grain;
  std::vector<std::pair<uint64_t, uint32_t>> recent;

  std::pair<uint64_t, uint32_t> next(std::mt19937_64& rng) {
    auto pick = [&](uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng); };
    uint64_t off = 0, len = 0;
    const int kind = int(pick(0, 9));
    if (kind < 5) {  // grain-aligned rows and row runs
      const uint64_t rows = size / grain;
      off = grain * pick(0, rows - 1);
      len = grain * pick(1, std::min<uint64_t>(rows - off / grain, pick(0, 3) == 0 ? rows : 8));
    } else if (kind < 7) {  // any bytes
      off = pick(0, size - 1);
      len = pick(0, std::min<uint64_t>(size - off, pick(0, 1) ? 3 * grain : size));
    } else if (kind < 8) {  // up to the region's end (2^64 for the top region)
      len = pick(1, std::min<uint64_t>(size, 4 * grain));
      off = size - len;
    } else if (!recent.empty()) {  // a recent range again, or shifted or stretched by a little
      auto [a, l] = recent[pick(0, recent.size() - 1)];
      off = a - base;
      len = l;
      const int64_t d0 = int64_t(pick(0, 4)) - 2, d1 = int64_t(pick(0, 4)) - 2;
      if (d0 < 0 ? off >= uint64_t(-d0) : off + d0 < size) off += d0;
      len = uint64_t(std::max<int64_t>(0, int64_t(len) + d1));
      len = std::min(len, size - off);
    } else {
      off = 0;
      len = size;
    }
    const std::pair<uint64_t, uint32_t> r{base + off, uint32_t(len)};
    if (recent.size() < 16)
      recent.push_back(r);
    else
      recent[pick(0, 15)] = r;
    return r;
  }
};

}  // namespace

TEST_CASE("fetch: flat on-chip buffer matches the map-based reference on random fill read clear sequences",
          "[fetch][buffer]") {
  const uint64_t top = 0;  // base + size wraps to it for the top region
  for (uint64_t seed = 1; seed <= 240; ++seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng); };
    const uint64_t sizes[] = {256, 4096, 65536};
    const uint64_t size = sizes[pick(0, 2)];
    const uint64_t bases[] = {0, 0x1000, (uint64_t(1) << 63) - size / 2, top - size};  // bottom, low, middle, top
    const uint64_t grains[] = {1, 4, 32, 64};
    const uint64_t caps[] = {0, 1, size / 8, size / 2, size - 1, size, 2 * size, pick(0, size)};
    RangeGen gen{bases[seed % 4], size, grains[pick(0, 3)], {}};
    Twins t(caps[pick(0, 7)]);
    INFO("seed " << seed << " base 0x" << std::hex << gen.base << std::dec << " size " << size << " grain " << gen.grain
                 << " capacity " << t.flat.capacity());
    const int steps = size > 4096 ? 400 : 1500;
    for (int step = 0; step < steps; ++step) {
      INFO("step " << step);
      const auto [addr, len] = gen.next(rng);
      const uint64_t op = pick(0, 99);
      if (op < 35)
        t.read(addr, len);
      else if (op < 60)
        t.fill(addr, len, rng);
      else if (op < 98)
        t.fetch(addr, len, rng);
      else
        t.clear();
    }
    t.read(gen.base, uint32_t(size));  // the whole region: every byte stored, and from which fill
  }
}

TEST_CASE("fetch: flat on-chip buffer keeps the fill rule at the capacity edge", "[fetch][buffer]") {
  std::mt19937_64 rng(7);
  Twins t(100);
  t.fill(0x1000 + 30, 60, rng);  // resident [30, 90)
  CHECK(t.flat.used() == 60);
  // Missing [0, 30) fits (90 of 100), [90, 120) would need 120: left out, though the request
  // as a whole contains resident bytes; pieces already resident are not counted again.
  t.fill(0x1000, 120, rng);
  CHECK(t.flat.used() == 90);
  const Spans m = t.read(0x1000, 120);
  REQUIRE(m.size() == 1);
  CHECK(m[0].addr == 0x1000 + 90);
  CHECK(m[0].len == 30);
  t.fill(0x1000 + 90, 11, rng);  // one byte too many
  CHECK(t.flat.used() == 90);
  t.fill(0x1000 + 90, 10, rng);  // exactly full, continues the last piece
  CHECK(t.flat.used() == 100);
  t.fill(0x1000 + 100, 1, rng);
  CHECK(t.flat.used() == 100);
  CHECK(t.read(0x1000, 100).empty());
  t.clear();  // the arena is reused: the same again from a clean half
  t.fill(0x1000 + 50, 100, rng);
  CHECK(t.flat.used() == 100);
  CHECK(t.read(0x1000 + 50, 100).empty());
  t.read(0x1000, 200);
}

TEST_CASE("fetch: flat on-chip buffer lookups next to the top of the address space", "[fetch][buffer]") {
  std::mt19937_64 rng(11);
  const uint64_t top = 0;  // 2^64 wraps to 0
  Twins t(1 << 20);
  t.fill(top - 64, 64, rng);   // the last piece ends at 2^64
  t.fill(top - 192, 64, rng);  // a piece below it with a gap
  t.fill(top - 128, 32, rng);  // in the gap, after it in the arena
  t.fill(top - 96, 32, rng);   // closes the gap: address- and arena-contiguous with the previous
  CHECK(t.read(top - 192, 192).empty());
  t.fill(0, 64, rng);  // the bottom of the address space is not next to the top
  Spans m = t.read(top - 256, 256);
  REQUIRE(m.size() == 1);
  CHECK(m[0].addr == top - 256);
  CHECK(m[0].len == 64);
  t.read(top - 1, 1);
  t.read(0, 128);
  // The longest request that ends at 2^64, no destination: all of it missing but the resident tail.
  Spans a, b;
  t.flat.read(top - 0xFFFFFFFFu, 0xFFFFFFFFu, nullptr, a);
  t.ref.read(top - 0xFFFFFFFFu, 0xFFFFFFFFu, nullptr, b);
  REQUIRE(same_spans(a, b));
  REQUIRE(a.size() == 1);
  CHECK(a[0].addr == top - 0xFFFFFFFFu);
  CHECK(a[0].len == 0xFFFFFFFFu - 192);
  t.read(top - 64, 0);  // empty requests
  t.fill(top - 64, 0, rng);
  t.fetch(top - 300, 300, rng);
  CHECK(t.read(top - 300, 300).empty());
}
