// energon-calibrate's parts: targets, grids, the cost model and the search on a small synthetic case.
#include <catch2/catch.hpp>

#include "energon/calibrate/calibrate.h"
#include "energon/calibrate/evaluators.h"
#include "energon/config/rounds_yaml.h"
#include "energon/filter_spec.h"

using namespace energon;
using namespace energon::calibrate;

namespace {

bool throws_with(const std::function<void()>& f, const std::string& part) {
  try {
    f();
  } catch (const std::exception& e) {
    return std::string(e.what()).find(part) != std::string::npos;
  }
  return false;
}

}  // namespace

TEST_CASE("calibrate targets parse and say what is expected", "[calibrate]") {
  const Target a = parse_target("agreement=0.99");
  CHECK(a.metric == Metric::agreement);
  CHECK(a.value == 0.99);
  CHECK(a.met(0.995));
  CHECK(!a.met(0.98));
  const Target k = parse_target("kl=0.001");
  CHECK(k.met(0.0005));
  CHECK(!k.met(0.002));
  CHECK(parse_target("rel-l2=0.05").metric == Metric::rel_l2);
  CHECK(parse_target("mass-recall=0.97").metric == Metric::mass_recall);
  CHECK(throws_with([] { parse_target("accuracy=0.9"); }, "expected agreement=V"));
  CHECK(throws_with([] { parse_target("agreement=high"); }, "'high' is not a number"));
  CHECK(throws_with([] { parse_target("agreement=1.5"); }, "a fraction in [0, 1]"));
  CHECK(throws_with([] { parse_target("kl"); }, "expected agreement=V"));
}

TEST_CASE("calibrate grids: the defaults, a given grid and its errors", "[calibrate]") {
  const auto m = default_grid(Policy::mpmrf);
  REQUIRE(m.size() > 10);
  CHECK(m[0].text == "8x8:alpha=-1");
  const auto t = default_grid(Policy::topk);
  CHECK(t[0].filter.topk.k_fraction_ppm == 1000000);
  const auto g = parse_grid(Policy::mpmrf, "8x8:alpha=-1;4x4:alpha=0");
  REQUIRE(g.size() == 2);
  CHECK(format_rounds(g[1].filter.rounds) == "4x4:alpha=0");
  CHECK(throws_with([] { parse_grid(Policy::mpmrf, "8x8:alpha=-1;9x9:beta"); }, "--grid candidate '9x9:beta'"));
  CHECK(throws_with([] { parse_grid(Policy::mpmrf, ";"); }, "no candidate"));
  CHECK(throws_with([] { default_grid(Policy::dense); }, "nothing to calibrate"));
}

TEST_CASE("calibrate cost model in INT16-MAC equivalents per key", "[calibrate]") {
  LayerCounts c;
  c.allowed = 100;
  c.kept = 25;
  c.round_candidates = {100, 60};
  const auto two = parse_grid(Policy::mpmrf, "4x2:alpha=0,4x4:alpha=0")[0].filter;
  CHECK(cost_per_key(two, c) == Approx((100 * 8 + 60 * 16) / 256.0 / 100 + 0.5));
  CHECK(cost_per_key(FilterConfig::dense(), LayerCounts{100, 100, {}}) == 2.0);
  CHECK(cost_per_key(FilterConfig::topk_fraction(250000), LayerCounts{100, 25, {}}) == 1.25);
}

TEST_CASE("calibrate search on a synthetic workload meets the target per layer", "[calibrate]") {
  workload::Workload w = workload::with_seq_len(workload::load_workload("bert-base-128"), 64);
  WorkloadEvaluator ev(w, 2, w.synthetic.seed + 1);
  const auto grid = parse_grid(Policy::mpmrf, "8x8:alpha=-1;8x8:alpha=-0.5;8x8:alpha=-0.25;8x8:alpha=0;8x8:alpha=0.25");
  const Target t = parse_target("mass-recall=0.95");
  const Result r = search(ev, grid, t);
  REQUIRE(r.layer_text.size() == 2);
  CHECK(r.calibration.metric >= 0.95);
  for (double m : r.calibration.layer_metric) CHECK(m >= 0.95);
  CHECK(r.calibration.kept_fraction() < 1.0);  // something was pruned
  CHECK(r.evaluations == grid.size());         // independent layers: one run per candidate
  INFO("held-out worst-layer recall " << r.held_out.metric);
  CHECK(r.held_out_met == t.met(r.held_out.metric));
  // The rounds file it makes reads back to the same rules.
  const config::RoundsFile back = config::parse_rounds_yaml(config::format_rounds_yaml(r.filters), "t.yaml");
  for (uint32_t l = 0; l < 2; ++l) CHECK(format_rounds(back.filters.at(l).rounds) == r.layer_text[l]);
  CHECK(throws_with([&] { search(ev, grid, parse_target("rel-l2=0")); }, "out of reach"));
}
