// Rounds files: valid files per policy, the writer's round trip, and every error naming the file,
// the key, the value and what was expected.
#include <catch2/catch.hpp>

#include <string>

#include "energon/config/rounds_yaml.h"
#include "energon/filter_spec.h"

using namespace energon;
using namespace energon::config;

namespace {

std::string error_of(const std::string& text, uint32_t n_layers = 5) {
  try {
    parse_rounds_yaml(text, "r.yaml").check_layers(n_layers);
  } catch (const RoundsFileError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("rounds file: mpmrf default and per-layer rounds", "[rounds_file]") {
  const RoundsFile f = parse_rounds_yaml(
      "policy: mpmrf\ndefault: \"4x2:alpha=-0.25,4x4:alpha=0\"\nlayers:\n  0: \"8x8:alpha=-0.25\"\n  3: "
      "\"4x4:alpha=0.5\"\n",
      "r.yaml");
  f.check_layers(5);
  CHECK(f.filters.base.policy == Policy::mpmrf);
  CHECK(format_rounds(f.filters.base.rounds) == "4x2:alpha=-0.25,4x4:alpha=0");
  CHECK(format_rounds(f.filters.at(0).rounds) == "8x8:alpha=-0.25");
  CHECK(format_rounds(f.filters.at(1).rounds) == "4x2:alpha=-0.25,4x4:alpha=0");
  CHECK(format_rounds(f.filters.at(3).rounds) == "4x4:alpha=0.5");
  CHECK(f.line_of.at(3) == 5);
  const RoundsFile back = parse_rounds_yaml(format_rounds_yaml(f.filters, "calibrated\nsecond line"), "w.yaml");
  CHECK(format_rounds_yaml(back.filters) == format_rounds_yaml(f.filters));
  CHECK(back.filters.layers.size() == 2);
}

TEST_CASE("rounds file: the policy's defaults, topk rules and dense", "[rounds_file]") {
  const RoundsFile m = parse_rounds_yaml("policy: mpmrf\n", "r.yaml");
  CHECK(format_rounds(m.filters.base.rounds) == format_rounds(FilterConfig::energon_default().rounds));
  CHECK(!m.filters.per_layer());
  const RoundsFile t = parse_rounds_yaml("policy: topk\ndefault: top=50%\nlayers: {1: top=12.5%, 4: top=16}\n", "r");
  CHECK(t.filters.base.policy == Policy::topk);
  CHECK(t.filters.base.topk.k_fraction_ppm == 500000);
  CHECK(t.filters.at(1).topk.k_fraction_ppm == 125000);
  CHECK(t.filters.at(4).topk.k == 16);
  CHECK(parse_rounds_yaml("policy: dense\nlayers: {}\n", "r").filters.base.policy == Policy::dense);
  const RoundsFile a = parse_rounds_yaml("policy: a3\n", "r");  // a3: its defaults on every layer
  REQUIRE(a.filters.base.candidate_search);
  CHECK(a.filters.base.candidate_search->iterations_ppm == 500000);
  CHECK(parse_rounds_yaml(format_rounds_yaml(t.filters), "w").filters.at(1).topk.k_fraction_ppm == 125000);
}

TEST_CASE("rounds file: every error names the file, the key, the value and what was expected", "[rounds_file]") {
  std::string e = error_of("policy: [mpmrf\n");
  CHECK(has(e, "r.yaml:"));
  CHECK(has(e, "YAML syntax error"));
  CHECK(has(error_of("- policy\n"), "expected a YAML mapping"));
  e = error_of("policy: mpmrf\nrounds: 4x4:alpha=0\n");
  CHECK(has(e, "r.yaml:2: key 'rounds': unknown key (expected one of: policy, default, layers)"));
  CHECK(has(error_of("default: 4x4:alpha=0\n"), "key 'policy': missing (expected dense, topk, mpmrf, spatten or a3"));
  e = error_of("policy: sparse\n");
  CHECK(has(e, "r.yaml:1: key 'policy': value 'sparse': unknown policy (expected dense, topk, mpmrf, spatten or a3"));
  e = error_of("policy: mpmrf\ndefault: \"9x9:alpha=0\"\n");
  CHECK(has(e, "r.yaml:2: key 'default': value '9x9:alpha=0': "));
  CHECK(has(e, "expected mpmrf rounds such as"));
  e = error_of("policy: mpmrf\nlayers:\n  2: \"4x4:beta=1\"\n");
  CHECK(has(e, "r.yaml:3: key 'layers.2': value '4x4:beta=1'"));
  e = error_of("policy: topk\nlayers:\n  0: \"top=150%\"\n");
  CHECK(has(e, "key 'layers.0': value 'top=150%'"));
  CHECK(has(e, "expected a topk rule"));
  e = error_of("policy: mpmrf\nlayers:\n  first: \"4x4:alpha=0\"\n");
  CHECK(has(e, "key 'layers.first': 'first' is not a layer index (expected an integer 0..65535)"));
  CHECK(has(error_of("policy: mpmrf\nlayers:\n  -1: \"4x4:alpha=0\"\n"), "is not a layer index"));
  e = error_of("policy: mpmrf\nlayers:\n  0: \"4x4:alpha=0\"\n  7: \"4x4:alpha=0\"\n");
  CHECK(has(e, "r.yaml:4: key 'layers.7': layer 7 out of range (the model has 5 layers, 0..4)"));
  CHECK(has(error_of("policy: mpmrf\nlayers:\n  1: 4x4:alpha=0\n  01: 4x4:alpha=0\n"), "given twice"));
  CHECK(has(error_of("policy: mpmrf\nlayers: [1, 2]\n"), "key 'layers': expected a mapping of layer index"));
  CHECK(has(error_of("policy: mpmrf\nlayers:\n  1: [4x4]\n"), "expected a single value, got a list"));
  CHECK(has(error_of("policy: dense\ndefault: top=25%\n"), "policy dense takes no parameters"));
  CHECK(has(error_of("policy: a3\ndefault: top=25%\n"),
            "r.yaml:2: key 'default': value 'top=25%': policy a3 takes no per-layer value"));
  CHECK(has(error_of("policy: mpmrf\nlayers:\n  1:\n"), "key 'layers.1'"));
  e.clear();
  try {
    load_rounds_file("/nonexistent/rounds.yaml");
  } catch (const RoundsFileError& x) {
    e = x.what();
  }
  CHECK(has(e, "/nonexistent/rounds.yaml: rounds file: "));
}
