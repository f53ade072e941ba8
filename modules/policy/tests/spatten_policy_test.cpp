// The spatten policy: its row schedule from the descriptor (round[0] is the MSB pass), its field
// checks, and the host options (--pq-threshold, --pq-msb-bits) to the exact Q0.16 threshold.
#include <catch2/catch.hpp>

#include <string>

#include "energon/hw/attention_policy.h"

using namespace energon;
using namespace energon::hw;

namespace {

energon_desc_t spatten_desc(uint8_t msb_bits, uint32_t threshold_q16) {
  energon_desc_t d{};
  d.policy = ENERGON_POLICY_SPATTEN;
  d.n_planes = 2;
  d.plane_bits[0] = msb_bits, d.plane_bits[1] = uint8_t(16 - msb_bits);
  d.n_rounds = 1;
  d.round[0] = {ENERGON_RULE_THRESHOLD, 0, msb_bits, 0, 0, threshold_q16, 0};
  d.topk = {ENERGON_RULE_TOPK, 0, 0, 0, 0, 0, 125000};
  return d;
}

}  // namespace

TEST_CASE("spatten schedule: an MSB pass on the leading planes, then the top-k rule") {
  const AttentionPolicy& p = policy_by_name("spatten");
  CHECK(p.id() == ENERGON_POLICY_SPATTEN);
  const energon_desc_t d = spatten_desc(8, 6554);
  REQUIRE(p.field_error(d).empty());
  REQUIRE(p.reserved_clear(d));
  const RowSchedule s = p.schedule(d);
  CHECK(s.filter_rounds.empty());  // the filter engine is idle
  CHECK(s.attention_select);
  CHECK(s.attention_rule.rule == SelectRule::topk);
  CHECK(s.attention_rule.k_fraction_ppm == 125000);
  CHECK(s.progressive.enabled);
  CHECK(s.progressive.msb_bits == 8);
  CHECK(s.progressive.msb_planes == 1);
  CHECK(s.progressive.threshold_q16 == 6554);
  CHECK(s.selection_steps() == 1);
  CHECK_FALSE(policy_by_name("topk").schedule(d).progressive.enabled);
  CHECK(p.describe(d) == ", msb 8 bits, recompute p16_max < 6554");
}

TEST_CASE("spatten field checks name what is wrong") {
  const AttentionPolicy& p = policy_by_name("spatten");
  energon_desc_t d = spatten_desc(8, 65536);
  CHECK(p.field_error(d).empty());  // threshold 1.0: every row recomputed
  d.round[0].k = 65537;
  CHECK_THAT(p.field_error(d), Catch::Contains("threshold, Q0.16) must be in 0..65536, got 65537"));
  d = spatten_desc(8, 0);
  d.n_rounds = 2;
  CHECK_THAT(p.field_error(d), Catch::Contains("n_rounds must be 1"));
  CHECK_THROWS_AS(p.schedule(d), std::invalid_argument);
  d = spatten_desc(8, 0);
  d.round[0].k_bits = 0;
  CHECK_THAT(p.field_error(d), Catch::Contains("MSB bits) must be in 1..15, got 0"));
  d.round[0].k_bits = 16;
  CHECK_THAT(p.field_error(d), Catch::Contains("got 16"));
  d = spatten_desc(8, 0);
  d.round[0].q_bits = 4;
  CHECK_THAT(p.field_error(d), Catch::Contains("round[0] must be rule 0"));
  d = spatten_desc(8, 0);
  d.round[0].rule = ENERGON_RULE_TOPK;
  CHECK_THAT(p.field_error(d), Catch::Contains("round[0] must be rule 0"));
  d = spatten_desc(8, 0);
  d.topk.rule = ENERGON_RULE_THRESHOLD;
  CHECK_THAT(p.field_error(d), Catch::Contains("needs a top-k rule"));
  d = spatten_desc(8, 0);
  d.topk.k_fraction_ppm = 0;
  CHECK_THAT(p.field_error(d), Catch::Contains("k >= 1"));
  d = spatten_desc(8, 0);
  d.round[0].reserved = 1;
  CHECK_FALSE(p.reserved_clear(d));
  d = spatten_desc(8, 0);
  d.topk.reserved = 1;
  CHECK_FALSE(p.reserved_clear(d));
}

TEST_CASE("spatten options: the threshold as an exact Q0.16 bound, clear errors") {
  const AttentionPolicy& p = policy_by_name("spatten");
  PolicyOptions o;
  FilterConfig f = p.configure(o);  // defaults: threshold 0.1, MSB 8 bits, top 25 %
  REQUIRE(f.progressive);
  CHECK(f.policy == Policy::spatten);
  CHECK(f.progressive->threshold_q16 == 6554);  // ceil(0.1·65536): p16_max < 6554 ⟺ p16_max < 0.1·65536
  CHECK(f.progressive->msb_bits == 8);
  CHECK(f.topk.k_fraction_ppm == kFractionOne / 4);
  CHECK(p.parameters(f) == "top=25%:msb=8:threshold_q16=6554");
  CHECK(std::string(p.parameters_key()) == "spatten");
  CHECK(p.validate(f).empty());
  o.pq_threshold = "0";
  CHECK(p.configure(o).progressive->threshold_q16 == 0);
  o.pq_threshold = "0.000";
  CHECK(p.configure(o).progressive->threshold_q16 == 0);
  o.pq_threshold = "1";
  CHECK(p.configure(o).progressive->threshold_q16 == 65536);
  o.pq_threshold = "0.5";
  CHECK(p.configure(o).progressive->threshold_q16 == 32768);
  o.pq_threshold = "1.5";
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("--pq-threshold '1.5'"));
  o.pq_threshold = "abc";
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("expected a decimal in [0, 1]"));
  o.pq_threshold = "";
  o.pq_msb_bits = 16;
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("--pq-msb-bits 16: expected 1..15"));
  o.pq_msb_bits = 0;
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("--pq-msb-bits 0"));
  o.pq_msb_bits = 4;
  CHECK(p.configure(o).progressive->msb_bits == 4);
  FilterConfig bad = f;
  bad.progressive.reset();
  CHECK_THAT(p.validate(bad), Catch::Contains("progressive-quantization parameters"));
  bad = f;
  bad.progressive->threshold_q16 = 70000;
  CHECK_THAT(p.validate(bad), Catch::Contains("threshold_q16 must be in 0..65536"));
}
