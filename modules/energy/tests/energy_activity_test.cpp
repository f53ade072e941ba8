// Activity from the blocks' counts of a job and a hand-made descriptor (docs/energy.md).
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

  JobCounts c;
  c.cycles = 2000;
  c.round_keys = {1000, 400, 7, 7};  // rounds 3 and 4 are not in the descriptor
  c.round_macs = {64000, 25600, 7, 7};
  c.int16_macs = 12800;
  c.softmax_elems = 100;
  c.selector_elems = 2200;
  c.dram_read_bytes = 50000;
  c.dram_write_bytes = 8192;
  c.sram_hit_bytes = 1000;
  JobContext ctx;
  ctx.sram_array_bytes = 64 * 1024;
  ctx.clock_mhz = 1000;

  const JobActivity a = activity_from_counts(desc, c, ctx);
  REQUIRE(a.rounds.size() == 2);
  CHECK(a.rounds[0].q_bits == 4);
  CHECK(a.rounds[0].k_bits == 2);
  CHECK(a.rounds[0].macs == 64000);  // as the filter engine counted them
  CHECK(a.rounds[0].selected_elems == 1000);
  CHECK(a.rounds[1].k_bits == 4);
  CHECK(a.rounds[1].macs == 25600);
  CHECK(a.rounds[1].selected_elems == 400);
  CHECK(a.selector_elems == 2200);
  CHECK(a.int16_macs == 12800);
  CHECK(a.softmax_elems == 100);
  CHECK(a.dram_read_bytes == 50000);
  CHECK(a.dram_write_bytes == 8192);
  CHECK(a.sram_write_bytes == 50000 + 8192);        // data bytes, written once on chip
  CHECK(a.sram_read_bytes == 50000 + 8192 + 1000);  // read once, plus buffer hits
  CHECK(a.sram_array_bytes == 64 * 1024);
  CHECK(a.seconds == Approx(2e-6));
}

TEST_CASE("energy activity of dense and topk jobs", "[energy]") {
  JobCounts c;
  c.cycles = 500;
  c.round_macs = {99, 0, 0, 0};  // not an mpmrf job: the filter engine's counts are not rounds
  c.int16_macs = 500 * 32 * 2;
  c.softmax_elems = 500;
  const JobActivity dense = activity_from_counts(desc_of(ENERGON_POLICY_DENSE, 32), c);
  CHECK(dense.rounds.empty());
  CHECK(dense.int16_macs == 500 * 32 * 2);
  CHECK(dense.softmax_elems == 500);
  CHECK(dense.selector_elems == 0);
  CHECK(dense.seconds == Approx(0.5e-6));  // default clock 1000 MHz

  energon_desc_t topk = desc_of(ENERGON_POLICY_TOPK, 64);
  topk.n_rounds = 2;  // ignored outside mpmrf
  c.selector_elems = 3000;
  const JobActivity t = activity_from_counts(topk, c);
  CHECK(t.rounds.empty());
  CHECK(t.selector_elems == 3000);
}

TEST_CASE("energy activity of an a3 job carries the candidate-search unit's counts", "[energy]") {
  JobCounts c;
  c.cycles = 1000;
  c.int16_macs = 64 * 300;
  c.selector_elems = 200;
  c.search_products = 1234;
  c.search_compares = 5678;
  energon_desc_t d = desc_of(ENERGON_POLICY_A3, 64);
  d.n_rounds = 1;
  d.round[0].k_fraction_ppm = 500000;
  const JobActivity a = activity_from_counts(d, c);
  CHECK(a.rounds.empty());  // the filter engine is idle
  CHECK(a.search_products == 1234);
  CHECK(a.search_compares == 5678);
  CHECK(a.selector_elems == 200);
}

TEST_CASE("energy activity rejects an impossible descriptor or clock", "[energy]") {
  JobCounts c;
  energon_desc_t desc = desc_of(ENERGON_POLICY_MPMRF, 64);
  desc.n_rounds = 0;
  CHECK_THROWS_WITH(activity_from_counts(desc, c), Catch::Contains("n_rounds"));
  desc.n_rounds = 1;
  JobContext ctx;
  ctx.clock_mhz = 0;
  CHECK_THROWS_WITH(activity_from_counts(desc, c, ctx), Catch::Contains("clock_mhz"));
}
