// The golden policy models: one per policy of the register map, each with its reference steps.
#include <catch2/catch.hpp>

#include <string>

#include "energon/golden/policy_model.h"

using namespace energon;
using namespace energon::golden;

TEST_CASE("golden policy models list every policy of the register map", "[golden][policy]") {
  const auto& all = policy_models();
  REQUIRE(all.size() == all_policies().size());
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i]->policy() == all_policies()[i]);
    CHECK(std::string(all[i]->name()) == to_string(all_policies()[i]));
    CHECK(&policy_model(all[i]->policy()) == all[i]);
  }
  CHECK(find_policy_model(static_cast<Policy>(7)) == nullptr);
  CHECK_THROWS_WITH(policy_model(static_cast<Policy>(7)),
                    "unknown policy id 7; expected dense, topk, mpmrf, spatten or a3");
  FilterConfig f = FilterConfig::dense();
  f.policy = static_cast<Policy>(7);
  CHECK_THAT(validate_filter(f), Catch::Contains("unknown policy id 7"));
}

TEST_CASE("golden policy models give the reference steps of spec 1.3", "[golden][policy]") {
  const FilterConfig mpmrf = FilterConfig::energon_default();
  const GoldenSchedule m = policy_model(Policy::mpmrf).schedule(mpmrf);
  CHECK(m.low_bit_rounds.size() == 2);
  CHECK_FALSE(m.full_precision_select);
  CHECK(m.selection_steps() == 2);

  const FilterConfig topk = FilterConfig::topk_fraction(kFractionOne / 8);
  const GoldenSchedule t = policy_model(Policy::topk).schedule(topk);
  CHECK(t.low_bit_rounds.empty());
  CHECK(t.full_precision_select);
  CHECK(t.full_precision_rule.k_fraction_ppm == kFractionOne / 8);
  CHECK(t.selection_steps() == 1);

  const GoldenSchedule d = policy_model(Policy::dense).schedule(FilterConfig::dense());
  CHECK(d.selection_steps() == 0);

  FilterConfig bad = mpmrf;
  bad.rounds.clear();
  CHECK_THAT(validate_filter(bad), Catch::Contains("mpmrf needs 1..4 rounds"));
  bad = topk;
  bad.topk.rule = SelectRule::threshold;
  CHECK_THAT(validate_filter(bad), Catch::Contains("needs a top-k rule"));
  CHECK(validate_filter(mpmrf).empty());
  CHECK(validate_filter(topk).empty());
}
