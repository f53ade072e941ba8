// Activity → energy: a hand-computed breakdown, ordering sanity and the paper's operating point.
#include <catch2/catch.hpp>

#include "energon/hw/energy.h"
#include "test_table.h"
#include "energon/config/energy_yaml.h"

using namespace energon::hw;

namespace {

const char* const kTable = test::kTestTable;

JobActivity small_activity() {
  JobActivity a;
  a.rounds = {{4, 2, 1000, 100}};
  a.int16_macs = 500;
  a.softmax_elems = 10;
  a.selector_elems = 300;
  a.sram_read_bytes = 200;
  a.sram_write_bytes = 100;
  a.dram_read_bytes = 64;
  a.dram_write_bytes = 16;
  a.seconds = 1e-9;
  return a;
}

energon_desc_t mpmrf_desc() {
  energon_desc_t d{};
  d.policy = ENERGON_POLICY_MPMRF;
  d.d = 64;
  d.n_rounds = 2;
  d.round[0].rule = ENERGON_RULE_THRESHOLD;
  d.round[0].q_bits = 4;
  d.round[0].k_bits = 2;
  d.round[1].rule = ENERGON_RULE_THRESHOLD;
  d.round[1].q_bits = 4;
  d.round[1].k_bits = 4;
  return d;
}

}  // namespace

TEST_CASE("energy of a small activity, computed by hand", "[energy]") {
  const EnergyTable t = parse_energy_table(kTable, "t.yaml");
  const EnergyBreakdown e = estimate_energy(t, "ddr4", small_activity());
  CHECK(e.filter_pj == Approx(1000 * (0.64 * 8 / 64 + 0.01 * 14) + 100 * 0.5));  // 270
  CHECK(e.selector_pj == Approx(75));
  CHECK(e.attention_pj == Approx(1000));
  CHECK(e.softmax_pj == Approx(100));
  CHECK(e.sram_pj == Approx(200 * 1.0 + 100 * 2.0));
  CHECK(e.dram_pj == Approx(80 * 8 * 10));
  CHECK(e.static_pj == Approx(500));  // 0.5 W for 1 ns
  CHECK(e.total_pj() == Approx(270 + 75 + 1000 + 100 + 400 + 6400 + 500));
  CHECK(estimate_energy(t, "hbm2", small_activity()).dram_pj == Approx(80 * 8 * 2));
}

TEST_CASE("energy of the candidate-search unit: products as INT16 MACs, compares at search_compare_pj", "[energy]") {
  const EnergyTable t = parse_energy_table(kTable, "t.yaml");
  CHECK(t.search_compare_pj.value == Approx(0.5));
  JobActivity a = small_activity();
  a.search_products = 40;
  a.search_compares = 600;
  const EnergyBreakdown e = estimate_energy(t, "ddr4", a);
  CHECK(e.candidate_search_pj == Approx(40 * 2.0 + 600 * 0.5));  // 380
  CHECK(e.total_pj() == Approx(270 + 75 + 1000 + 100 + 400 + 6400 + 500 + 380));
  CHECK(estimate_energy(t, "ddr4", small_activity()).candidate_search_pj == 0);
}

TEST_CASE("energy rejects bad activity and unknown DRAM standards", "[energy]") {
  const EnergyTable t = parse_energy_table(kTable, "t.yaml");
  JobActivity a = small_activity();
  CHECK_THROWS_WITH(estimate_energy(t, "lpddr5", a), Catch::Contains("lpddr5"));
  a.rounds[0].k_bits = 12;
  CHECK_THROWS_AS(estimate_energy(t, "ddr4", a), std::invalid_argument);
  a = small_activity();
  a.seconds = -1;
  CHECK_THROWS_AS(estimate_energy(t, "ddr4", a), std::invalid_argument);
}

TEST_CASE("energy falls with fewer kept keys and HBM2 costs less per bit than DDR4", "[energy]") {
  const EnergyTable t = load_energy_table();
  CHECK(t.dram_pj_per_bit_of("hbm2") < t.dram_pj_per_bit_of("lpddr4"));
  CHECK(t.dram_pj_per_bit_of("lpddr4") < t.dram_pj_per_bit_of("ddr4"));

  // What the blocks would count for 64 K allowed keys at d = 64 (round 1 scores all of them).
  const auto counts = [](uint64_t kept1, uint64_t kept2, uint64_t dram_read, uint64_t cycles) {
    JobCounts c;
    c.cycles = cycles;
    c.round_keys = {64 * 1024, kept1, 0, 0};
    c.round_macs = {64 * 1024 * 64, kept1 * 64, 0, 0};
    c.int16_macs = 2 * kept2 * 64;
    c.softmax_elems = kept2;
    c.selector_elems = 64 * 1024 + kept1;
    c.dram_read_bytes = dram_read;
    c.dram_write_bytes = 100'000;
    return c;
  };
  const JobCounts many = counts(16 * 1024, 8 * 1024, 2'000'000, 100000);
  const JobCounts few = counts(8 * 1024, 2 * 1024, 1'200'000, 60000);  // fewer full-precision K, V rows

  const EnergyBreakdown e_many = estimate_energy(t, "lpddr4", activity_from_counts(mpmrf_desc(), many));
  const EnergyBreakdown e_few = estimate_energy(t, "lpddr4", activity_from_counts(mpmrf_desc(), few));
  CHECK(e_few.attention_pj < e_many.attention_pj);
  CHECK(e_few.softmax_pj < e_many.softmax_pj);
  CHECK(e_few.filter_pj < e_many.filter_pj);  // round 2 scores fewer keys
  CHECK(e_few.total_pj() < e_many.total_pj());

  const JobActivity a = activity_from_counts(mpmrf_desc(), many);
  CHECK(estimate_energy(t, "hbm2", a).dram_pj < estimate_energy(t, "ddr4", a).dram_pj);
}

TEST_CASE("energy per op of the table brackets the Energon paper's 0.32 W at 1153 GOPS", "[energy]") {
  const EnergyTable t = load_energy_table();
  const double paper_pj_per_op =
      t.reference.at("core_power_w").value / (t.reference.at("throughput_gops").value * 1e9) * 1e12;
  CHECK(paper_pj_per_op == Approx(0.2775).epsilon(0.01));
  // A MAC is two ops: low-bit filter ops must be cheaper than the paper's average, INT16 dearer.
  CHECK(t.low_bit_mac_pj(4, 2) / 2 < paper_pj_per_op);
  CHECK(t.low_bit_mac_pj(4, 4) / 2 < paper_pj_per_op);
  CHECK(t.int16_mac_pj.value / 2 > paper_pj_per_op);
}
