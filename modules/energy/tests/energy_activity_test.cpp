// Activity derivation from a hand-made descriptor and counters (docs/energy.md).
#include <catch2/catch.hpp>

#include "energon/hw/energy.h"

using namespace energon::hw;

namespace {

energon_desc_t desc_of(uint8_t policy, uint16_t d) {
  energon_desc_t desc{};
  desc.magic = ENERGON_DESC_MAGIC;
  desc.policy = policy;
  desc.d = d;
  return desc;
}

}  // namespace

TEST_CASE("energy activity of an mpmrf job with a threshold and a top-k round", "[energy]") {
  energon_desc_t desc = desc_of(ENERGON_POLICY_MPMRF, 64);
  desc.n_rounds = 2;
  desc.round[0] = {ENERGON_RULE_THRESHOLD, 4, 2, 0, 0, 0, 0};
  desc.round[1] = {ENERGON_RULE_TOPK, 4, 4, 0, 0, 100, 0};
  desc.round[2] = {ENERGON_RULE_THRESHOLD, 8, 8, 0, 0, 0, 0};  // beyond n_rounds: ignored

  JobCounters c;
  c.cycles = 2000;
  c.allowed = 1000;
  c.kept = {400, 100, 0, 0};
  c.final_kept = 100;
  c.dram_read_bytes = 50256;       // 256 descriptor bytes among them
  c.dram_write_bytes = 8192 + 64;  // output + descriptor write-back
  c.descriptor_bytes = 256 + 64;
  JobContext ctx;
  ctx.sram_hit_bytes = 1000;
  ctx.sram_array_bytes = 64 * 1024;
  ctx.clock_mhz = 1000;

  const JobActivity a = activity_from_counters(desc, c, ctx);
  REQUIRE(a.rounds.size() == 2);
  CHECK(a.rounds[0].q_bits == 4);
  CHECK(a.rounds[0].k_bits == 2);
  CHECK(a.rounds[0].macs == 1000 * 64);  // round 1 scores every allowed key
  CHECK(a.rounds[0].selected_elems == 1000);
  CHECK(a.rounds[1].k_bits == 4);
  CHECK(a.rounds[1].macs == 400 * 64);  // round 2 scores round 1's survivors
  CHECK(a.rounds[1].selected_elems == 400);
  CHECK(a.selector_elems == 1000 + 400 * 3);  // threshold: 1 compare; top-k: 3 per candidate
  CHECK(a.int16_macs == 100 * 64 * 2);        // Q·K and P×V of the kept keys
  CHECK(a.softmax_elems == 100);
  CHECK(a.dram_read_bytes == 50256);
  CHECK(a.dram_write_bytes == 8256);
  CHECK(a.sram_write_bytes == 50256 + 8256 - 320);        // data bytes, written once on chip
  CHECK(a.sram_read_bytes == 50256 + 8256 - 320 + 1000);  // read once, plus buffer hits
  CHECK(a.sram_array_bytes == 64 * 1024);
  CHECK(a.seconds == Approx(2e-6));
}

TEST_CASE("energy activity of dense and topk jobs", "[energy]") {
  JobCounters c;
  c.cycles = 500;
  c.allowed = 500;
  c.final_kept = 500;
  const JobActivity dense = activity_from_counters(desc_of(ENERGON_POLICY_DENSE, 32), c);
  CHECK(dense.rounds.empty());
  CHECK(dense.int16_macs == 500 * 32 * 2);
  CHECK(dense.softmax_elems == 500);
  CHECK(dense.selector_elems == 0);
  CHECK(dense.seconds == Approx(0.5e-6));  // default clock 1000 MHz

  c.allowed = 1000;
  c.kept = {200, 0, 0, 0};
  c.final_kept = 200;
  energon_desc_t topk = desc_of(ENERGON_POLICY_TOPK, 64);
  topk.n_rounds = 2;  // ignored outside mpmrf
  const JobActivity t = activity_from_counters(topk, c);
  CHECK(t.rounds.empty());
  // One INT16 scoring pass over every allowed key (scores reused), then P×V of the kept keys.
  CHECK(t.int16_macs == 1000 * 64 + 200 * 64);
  CHECK(t.selector_elems == 3000);
  CHECK(t.softmax_elems == 200);

  JobContext counted;
  counted.selector_elems = 1234;  // the platform's own count wins over the estimate
  CHECK(activity_from_counters(topk, c, counted).selector_elems == 1234);
}

TEST_CASE("energy activity rejects an impossible descriptor or clock", "[energy]") {
  JobCounters c;
  c.allowed = 10;
  energon_desc_t desc = desc_of(ENERGON_POLICY_MPMRF, 64);
  desc.n_rounds = 0;
  CHECK_THROWS_WITH(activity_from_counters(desc, c), Catch::Contains("n_rounds"));
  desc.n_rounds = 1;
  JobContext ctx;
  ctx.clock_mhz = 0;
  CHECK_THROWS_WITH(activity_from_counters(desc, c, ctx), Catch::Contains("clock_mhz"));
}
