// Targets, candidate grids and the cost model of energon-calibrate (docs/policies.md).
#include <sstream>
#include <stdexcept>

#include "energon/calibrate/calibrate.h"
#include "energon/hw/attention_policy.h"

namespace energon::calibrate {

const char* to_string(Metric m) {
  switch (m) {
    case Metric::agreement:
      return "agreement";
    case Metric::kl:
      return "kl";
    case Metric::rel_l2:
      return "rel-l2";
    case Metric::mass_recall:
      return "mass-recall";
  }
  return "?";
}

Target parse_target(const std::string& text) {
  const size_t eq = text.find('=');
  const std::string name = text.substr(0, eq), value = eq == std::string::npos ? "" : text.substr(eq + 1);
  Target t;
  bool known = false;
  for (Metric m : {Metric::agreement, Metric::kl, Metric::rel_l2, Metric::mass_recall})
    if (name == to_string(m)) t.metric = m, known = true;
  const std::string expected =
      "expected agreement=V, kl=V (real model), rel-l2=V or mass-recall=V (synthetic workload)";
  if (!known || value.empty()) throw std::invalid_argument("--target '" + text + "': " + expected);
  size_t used = 0;
  try {
    t.value = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || !(t.value >= 0))
    throw std::invalid_argument("--target '" + text + "': '" + value + "' is not a number >= 0; " + expected);
  if ((t.metric == Metric::agreement || t.metric == Metric::mass_recall) && t.value > 1)
    throw std::invalid_argument("--target '" + text + "': " + to_string(t.metric) + " is a fraction in [0, 1]");
  return t;
}

namespace {

Candidate candidate(Policy policy, const std::string& text) {
  hw::PolicyOptions po;
  if (policy == Policy::mpmrf)
    po.rounds = text;
  else if (policy == Policy::topk)
    po.topk = text;
  else
    throw std::invalid_argument("energon-calibrate: policy " + std::string(energon::to_string(policy)) +
                                " has nothing to calibrate (expected mpmrf or topk)");
  try {
    return {text, hw::policy_of(policy).configure(po)};
  } catch (const std::exception& e) {
    throw std::invalid_argument("--grid candidate '" + text + "': " + e.what());
  }
}

}  // namespace

std::vector<Candidate> default_grid(Policy policy) {
  // Safest first: 8x8:alpha=-1 keeps every key (the dense result at a small filter cost).
  static const char* const mpmrf[] = {"8x8:alpha=-1",
                                      "8x8:alpha=-0.75",
                                      "8x8:alpha=-0.5",
                                      "8x8:alpha=-0.375",
                                      "8x8:alpha=-0.25",
                                      "8x8:alpha=-0.125",
                                      "8x8:alpha=0",
                                      "8x8:alpha=0.125",
                                      "8x8:alpha=0.25",
                                      "4x4:alpha=-0.5",
                                      "4x4:alpha=-0.25",
                                      "4x4:alpha=0",
                                      "4x4:alpha=-0.5,8x8:alpha=-0.25",
                                      "4x4:alpha=-0.5,8x8:alpha=0",
                                      "4x4:alpha=-0.5,8x8:alpha=0.25",
                                      "4x2:alpha=-0.5,4x4:alpha=-0.25",
                                      "4x2:alpha=-0.5,4x4:alpha=0",
                                      "4x2:alpha=-0.25,4x4:alpha=0"};
  static const char* const topk[] = {"top=100%",  "top=87.5%", "top=75%",    "top=62.5%", "top=50%",
                                     "top=37.5%", "top=25%",   "top=18.75%", "top=12.5%", "top=6.25%"};
  std::vector<Candidate> g;
  if (policy == Policy::mpmrf)
    for (const char* c : mpmrf) g.push_back(candidate(policy, c));
  else if (policy == Policy::topk)
    for (const char* c : topk) g.push_back(candidate(policy, c));
  else
    candidate(policy, "");  // throws: nothing to calibrate
  return g;
}

std::vector<Candidate> parse_grid(Policy policy, const std::string& text) {
  std::vector<Candidate> g;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ';');)
    if (!part.empty()) g.push_back(candidate(policy, part));
  if (g.empty()) throw std::invalid_argument("--grid '" + text + "': no candidate (expected c1;c2;..., safest first)");
  return g;
}

void LayerCounts::add(const LayerCounts& o) {
  allowed += o.allowed;
  kept += o.kept;
  if (round_candidates.size() < o.round_candidates.size()) round_candidates.resize(o.round_candidates.size());
  for (size_t r = 0; r < o.round_candidates.size(); ++r) round_candidates[r] += o.round_candidates[r];
}

double cost_per_key(const FilterConfig& f, const LayerCounts& c) {
  if (c.allowed == 0) return 0;
  double work = 0;
  for (size_t r = 0; r < f.rounds.size() && r < c.round_candidates.size(); ++r)
    work += double(c.round_candidates[r]) * f.rounds[r].q_bits * f.rounds[r].k_bits / 256.0;
  const bool scores_all = f.policy == Policy::topk;  // the attention engine's INT16 scores of every key
  work += scores_all ? double(c.allowed) + double(c.kept) : 2.0 * double(c.kept);
  return work / double(c.allowed);
}

double SetFigures::kept_fraction() const {
  LayerCounts t;
  for (const LayerCounts& l : layers) t.add(l);
  return t.kept_fraction();
}

double SetFigures::cost(const LayerFilters& f) const {
  double work = 0;
  uint64_t allowed = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    work += cost_per_key(f.at(uint32_t(l)), layers[l]) * double(layers[l].allowed);
    allowed += layers[l].allowed;
  }
  return allowed ? work / double(allowed) : 0.0;
}

}  // namespace energon::calibrate
