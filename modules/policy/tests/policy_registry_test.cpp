// The policy registry: every policy of the register map is there under its name and id, and an
// unknown name or id is a clear error naming the known ones.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "energon/hw/attention_policy.h"

using namespace energon;
using namespace energon::hw;

TEST_CASE("policy registry lists every policy of the register map by name and id") {
  const auto& all = attention_policies();
  std::string listed;
  for (const AttentionPolicy* p : all)
    listed += std::string(listed.empty() ? "" : " ") + p->name() + "=" + std::to_string(p->id());
  INFO("registry: " << listed);
  // The register map's table, in its order.
  std::vector<std::pair<std::string, unsigned>> expected;
#define ENERGON_EXPECTED_POLICY(NAME, name, value, desc) expected.emplace_back(#name, value);
  ENERGON_POLICIES(ENERGON_EXPECTED_POLICY)
#undef ENERGON_EXPECTED_POLICY
  REQUIRE(all.size() == expected.size());
  std::set<unsigned> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i]->name() == expected[i].first);
    CHECK(all[i]->id() == expected[i].second);
    CHECK(&policy_by_name(all[i]->name()) == all[i]);
    CHECK(&policy_by_id(all[i]->id()) == all[i]);
    CHECK(&policy_of(all[i]->policy()) == all[i]);
    CHECK(std::string(to_string(all[i]->policy())) == all[i]->name());
    ids.insert(all[i]->id());
  }
  CHECK(ids.size() == all.size());
  // The three of spec §1.3 at their descriptor values.
  CHECK(policy_by_name("dense").id() == ENERGON_POLICY_DENSE);
  CHECK(policy_by_name("topk").id() == ENERGON_POLICY_TOPK);
  CHECK(policy_by_name("mpmrf").id() == ENERGON_POLICY_MPMRF);
  CHECK(policy_names() == "dense, topk, mpmrf, spatten or a3");
}

TEST_CASE("policy registry refuses an unknown name or id naming the known ones") {
  CHECK(find_policy("sparse") == nullptr);
  CHECK(find_policy(uint8_t(200)) == nullptr);
  CHECK_THROWS_AS(policy_by_name("sparse"), UnknownPolicy);
  CHECK_THROWS_WITH(policy_by_name("sparse"),
                    "unknown policy 'sparse'; expected dense (0), topk (1), mpmrf (2), spatten (3) or a3 (4)");
  CHECK_THROWS_WITH(policy_by_name("MPMRF"), Catch::Contains("unknown policy 'MPMRF'"));
  CHECK_THROWS_AS(policy_by_id(9), UnknownPolicy);
  CHECK_THROWS_WITH(policy_by_id(9),
                    "unknown policy id 9; expected dense (0), topk (1), mpmrf (2), spatten (3) or a3 (4)");
  CHECK_THROWS_WITH(policy_of(static_cast<Policy>(9)), Catch::Contains("unknown policy id 9"));
}

TEST_CASE("policy row schedules of the three policies") {
  energon_desc_t d{};
  d.n_planes = 3;
  d.plane_bits[0] = 2, d.plane_bits[1] = 2, d.plane_bits[2] = 12;
  d.n_rounds = 2;
  d.round[0] = {ENERGON_RULE_THRESHOLD, 4, 2, 0, -64, 0, 0};
  d.round[1] = {ENERGON_RULE_THRESHOLD, 4, 4, 0, 0, 0, 0};
  d.topk = {ENERGON_RULE_TOPK, 0, 0, 0, 0, 0, 250000};

  const RowSchedule dense = policy_by_name("dense").schedule(d);
  CHECK(dense.filter_rounds.empty());
  CHECK_FALSE(dense.attention_select);
  CHECK(dense.selection_steps() == 0);

  const RowSchedule topk = policy_by_name("topk").schedule(d);
  CHECK(topk.filter_rounds.empty());  // the descriptor's rounds are not the topk policy's
  CHECK(topk.attention_select);
  CHECK(topk.attention_rule.rule == SelectRule::topk);
  CHECK(topk.attention_rule.k_fraction_ppm == 250000);
  CHECK(topk.selection_steps() == 1);

  const RowSchedule mpmrf = policy_by_name("mpmrf").schedule(d);
  REQUIRE(mpmrf.filter_rounds.size() == 2);
  CHECK_FALSE(mpmrf.attention_select);
  CHECK(mpmrf.filter_rounds[0].plane_end == 1);  // 2 bits: plane 0
  CHECK(mpmrf.filter_rounds[1].plane_end == 2);  // 4 bits: planes 0 and 1
  CHECK(mpmrf.filter_rounds[0].rule.alpha_q8 == -64);
  CHECK(mpmrf.selection_steps() == 2);
}

TEST_CASE("policy field checks name what is wrong") {
  energon_desc_t d{};
  d.n_rounds = 0;
  CHECK_THAT(policy_by_name("mpmrf").field_error(d), Catch::Contains("n_rounds"));
  CHECK(policy_by_name("dense").field_error(d).empty());
  CHECK_THAT(policy_by_name("topk").field_error(d), Catch::Contains("top-k rule"));
  d.topk = {ENERGON_RULE_TOPK, 0, 0, 0, 0, 0, 0};
  CHECK_THAT(policy_by_name("topk").field_error(d), Catch::Contains("k >= 1"));
  d.topk.reserved = 1;
  CHECK_FALSE(policy_by_name("topk").reserved_clear(d));
  CHECK(policy_by_name("dense").reserved_clear(d));

  FilterConfig f = FilterConfig::energon_default();
  CHECK(policy_of(f.policy).validate(f).empty());
  CHECK(policy_of(f.policy).parameters(f) == "4x2:alpha=-0.25,4x4:alpha=0");
  f.rounds.clear();
  CHECK_THAT(policy_of(f.policy).validate(f), Catch::Contains("mpmrf needs 1..4 rounds"));
  FilterConfig t = FilterConfig::topk_fraction(kFractionOne / 4);
  CHECK(policy_of(t.policy).validate(t).empty());
  t.topk.rule = SelectRule::threshold;
  CHECK_THAT(policy_of(t.policy).validate(t), Catch::Contains("needs a top-k rule"));
}
