// The a3 policy: its row schedule from the descriptor (round[0] is the candidate search), its field
// checks, the host options (--a3-iterations, --a3-threshold) and the spec's iteration count and
// post-scoring margin.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "energon/desc_fields.h"
#include "energon/hw/attention_policy.h"

using namespace energon;
using namespace energon::hw;

namespace {

energon_desc_t a3_desc(uint32_t iterations_ppm, uint32_t threshold_q8) {
  energon_desc_t d{};
  d.policy = ENERGON_POLICY_A3;
  d.n_planes = 1;
  d.plane_bits[0] = 16;
  d.n_rounds = 1;
  d.round[0] = {ENERGON_RULE_THRESHOLD, 0, 0, 0, 0, threshold_q8, iterations_ppm};
  return d;
}

}  // namespace

TEST_CASE("a3 schedule: the candidate search, then the max-margin rule on the exact scores") {
  const AttentionPolicy& p = policy_by_name("a3");
  CHECK(p.id() == ENERGON_POLICY_A3);
  const energon_desc_t d = a3_desc(250000, 768);
  REQUIRE(p.field_error(d).empty());
  REQUIRE(p.reserved_clear(d));
  const RowSchedule s = p.schedule(d);
  CHECK(s.filter_rounds.empty());  // the filter engine is idle
  CHECK(s.candidate_search.enabled);
  CHECK(s.candidate_search.config.iterations_ppm == 250000);
  CHECK(s.candidate_search.config.threshold_q8 == 768);
  CHECK(s.attention_select);
  CHECK(s.attention_rule.rule == SelectRule::max_margin);
  CHECK_FALSE(s.progressive.enabled);
  CHECK(s.selection_steps() == 2);
  CHECK(s.filter_planes() == 0);
  CHECK_FALSE(policy_by_name("topk").schedule(d).candidate_search.enabled);
  CHECK(p.describe(d) == ", search 250000 ppm iterations, post-scoring 768/256 nats");
}

TEST_CASE("a3 field checks name the field, its value and the range") {
  const AttentionPolicy& p = policy_by_name("a3");
  energon_desc_t d = a3_desc(ENERGON_FRACTION_ONE, ENERGON_A3_MAX_THRESHOLD_Q8);
  CHECK(p.field_error(d).empty());  // the extremes: M = N, T = 255.996 nats
  d.round[0].k_fraction_ppm = 0;
  CHECK(p.field_error(d) == "a3: round[0].k_fraction_ppm (iterations per allowed key) must be in 1..1000000, got 0");
  d.round[0].k_fraction_ppm = ENERGON_FRACTION_ONE + 1;
  CHECK_THAT(p.field_error(d), Catch::Contains("got 1000001"));
  d = a3_desc(500000, 65536);
  CHECK(p.field_error(d) == "a3: round[0].k (post-scoring threshold, Q8.8 nats) must be in 0..65535, got 65536");
  d = a3_desc(500000, 0);
  CHECK(p.field_error(d).empty());
  d.n_rounds = 2;
  CHECK(p.field_error(d) == "a3: n_rounds must be 1 (round[0] is the candidate search), got 2");
  CHECK_THROWS_AS(p.schedule(d), std::invalid_argument);
  d = a3_desc(500000, 0);
  d.round[0].rule = ENERGON_RULE_TOPK;
  CHECK(p.field_error(d) == "a3: round[0].rule must be 0 (the search record), got 1");
  d = a3_desc(500000, 0);
  d.round[0].k_bits = 4;
  CHECK(p.field_error(d) == "a3: round[0].q_bits, k_bits and alpha_q8 must be 0, got 0, 4, 0");
  d = a3_desc(500000, 0);
  d.round[0].alpha_q8 = -3;
  CHECK_THAT(p.field_error(d), Catch::Contains("got 0, 0, -3"));
  d = a3_desc(500000, 0);
  d.round[0].reserved = 1;
  CHECK_FALSE(p.reserved_clear(d));
  d = a3_desc(500000, 0);
  d.topk.reserved = 1;  // a3 reads no top-k rule
  CHECK(p.reserved_clear(d));
}

TEST_CASE("a3 options: iterations as an exact fraction, the threshold in Q8.8 nats, clear errors") {
  const AttentionPolicy& p = policy_by_name("a3");
  PolicyOptions o;
  FilterConfig f = p.configure(o);  // defaults: M = 0.5·N, T = 8 nats
  REQUIRE(f.candidate_search);
  CHECK(f.policy == Policy::a3);
  CHECK(f.candidate_search->iterations_ppm == 500000);
  CHECK(f.candidate_search->threshold_q8 == 2048);
  CHECK(p.parameters(f) == "iterations=0.5:threshold_q8=2048");
  CHECK(std::string(p.parameters_key()) == "a3");
  CHECK(p.validate(f).empty());
  CHECK(p.selection_steps(f) == 2);
  // The descriptor carries it in round[0] and gives it back.
  const std::vector<energon_select_t> rounds = desc_rounds(f);
  REQUIRE(rounds.size() == 1);
  CHECK(rounds[0].k_fraction_ppm == 500000);
  CHECK(rounds[0].k == 2048);
  CHECK(candidate_search_from_select(rounds[0]).threshold_q8 == 2048);
  o.a3_iterations = "0.125";
  o.a3_threshold = "2.5";
  f = p.configure(o);
  CHECK(f.candidate_search->iterations_ppm == 125000);
  CHECK(f.candidate_search->threshold_q8 == 640);
  o.a3_threshold = "0";
  CHECK(p.configure(o).candidate_search->threshold_q8 == 0);
  o.a3_threshold = "300";
  CHECK_THROWS_WITH(p.configure(o), "--a3-threshold '300': expected a decimal number of nats in [0, 255]");
  o.a3_threshold = "-1";
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("--a3-threshold '-1'"));
  o.a3_threshold = "1e3";
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("--a3-threshold '1e3'"));
  o.a3_threshold = "";
  o.a3_iterations = "1.5";
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("--a3-iterations '1.5'"));
  o.a3_iterations = "0";
  CHECK_THROWS_WITH(p.configure(o), Catch::Contains("expected a fraction of the row's allowed keys in (0, 1]"));
  o.a3_iterations = "";
  o.topk = "top=25%";  // other policies' options are not a3's (energon-golden passes its --topk default)
  CHECK(p.configure(o).candidate_search->iterations_ppm == 500000);
  FilterConfig bad = FilterConfig::a3({});
  bad.candidate_search.reset();
  CHECK_THAT(p.validate(bad), Catch::Contains("candidate-search parameters"));
  bad = FilterConfig::a3({0, 1024});
  CHECK_THAT(p.validate(bad), Catch::Contains("iterations_ppm must be in 1..1000000, got 0"));
}

TEST_CASE("a3 spec: M = ceil(m·N) exactly, the margin floor(T / c)") {
  CandidateSearchConfig cs;
  cs.iterations_ppm = 500000;
  CHECK(cs.iterations(0) == 0);
  CHECK(cs.iterations(1) == 1);
  CHECK(cs.iterations(7) == 4);
  CHECK(cs.iterations(512) == 256);
  cs.iterations_ppm = 1;
  CHECK(cs.iterations(3) == 1);  // at least one iteration
  cs.iterations_ppm = kFractionOne;
  CHECK(cs.iterations(65536) == 65536);
  cs.threshold_q8 = 1024;  // 4 nats
  CHECK(cs.score_margin(0.5f) == 8);
  CHECK(cs.score_margin(3.0f) == 1);  // floor(4 / 3)
  CHECK(cs.score_margin(5.0f) == 0);
  cs.threshold_q8 = 0;
  CHECK(cs.score_margin(1e-3f) == 0);  // T = 0: only the row's largest scores
  cs.threshold_q8 = 65535;
  CHECK(cs.score_margin(1e-30f) == int64_t(1) << 62);  // clamped far above any score difference
  const float c = 1.234e-6f;
  cs.threshold_q8 = 1000;
  CHECK(cs.score_margin(c) == int64_t(std::floor(1000.0 / (256.0 * double(c)))));
}
