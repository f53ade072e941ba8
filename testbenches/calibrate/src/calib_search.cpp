// The per-layer search (docs/policies.md, "Calibration to a target").
#include <map>
#include <sstream>
#include <stdexcept>

#include "energon/calibrate/calibrate.h"

namespace energon::calibrate {
namespace {

std::string figure(double v) {
  std::ostringstream o;
  o.precision(5);
  o << v;
  return o.str();
}

/// The target layer `l` of `n` must meet while the later layers still run the safest candidate:
/// the error budget (1 − value, or value for KL) shared out evenly, the last layer the whole target.
double staged(const Target& t, uint32_t l, uint32_t n) {
  const double share = double(l + 1) / double(n);
  return t.higher_is_better() ? 1.0 - (1.0 - t.value) * share : t.value * share;
}

LayerFilters with_choices(const std::vector<Candidate>& grid, const std::vector<size_t>& choice) {
  LayerFilters f(grid[0].filter);
  for (size_t l = 0; l < choice.size(); ++l) f.layers[uint32_t(l)] = grid[choice[l]].filter;
  return f;
}

/// The most frequent choice becomes the default; the other layers are listed.
LayerFilters compact(const std::vector<Candidate>& grid, const std::vector<size_t>& choice) {
  std::map<size_t, uint32_t> count;
  for (size_t c : choice) ++count[c];
  size_t common = choice.empty() ? 0 : choice[0];
  for (const auto& [c, k] : count)
    if (k > count[common]) common = c;
  LayerFilters f(grid[common].filter);
  for (size_t l = 0; l < choice.size(); ++l)
    if (choice[l] != common) f.layers[uint32_t(l)] = grid[choice[l]].filter;
  return f;
}

}  // namespace

Result search(Evaluator& ev, const std::vector<Candidate>& grid, const Target& t,
              const std::function<void(const std::string&)>& log) {
  if (grid.empty()) throw std::invalid_argument("energon-calibrate: empty candidate grid");
  const uint32_t n = ev.layers();
  std::vector<size_t> choice(n, 0);
  Result res;
  auto say = [&](const std::string& s) {
    if (log) log(s);
  };

  SetFigures current = ev.run(with_choices(grid, choice), t, false);
  ++res.evaluations;
  if (!t.met(current.metric))
    throw std::runtime_error("target " + std::string(to_string(t.metric)) + " " + figure(t.value) +
                             " is out of reach on the calibration set: the safest candidate (" + grid[0].text +
                             " on every layer) gives " + figure(current.metric));

  if (ev.independent_layers()) {
    // Each layer alone: one run per candidate scores every layer at once.
    std::vector<double> best_cost(n);
    for (uint32_t l = 0; l < n; ++l) best_cost[l] = cost_per_key(grid[0].filter, current.layers[l]);
    for (size_t c = 1; c < grid.size(); ++c) {
      const SetFigures s = ev.run(LayerFilters(grid[c].filter), t, false);
      ++res.evaluations;
      for (uint32_t l = 0; l < n; ++l) {
        const double cost = cost_per_key(grid[c].filter, s.layers[l]);
        if (t.met(s.layer_metric[l]) && cost < best_cost[l]) best_cost[l] = cost, choice[l] = c;
      }
      say("candidate " + grid[c].text + ": worst layer " + figure(s.metric));
    }
  } else {
    // Layer by layer, earlier layers fixed at their choice and later ones at the safest candidate.
    for (uint32_t l = 0; l < n; ++l) {
      const double goal = staged(t, l, n);
      Target staged_target = t;
      staged_target.value = goal;
      double best_cost = cost_per_key(grid[choice[l]].filter, current.layers[l]);
      SetFigures best = current;
      for (size_t c = 1; c < grid.size(); ++c) {
        std::vector<size_t> trial = choice;
        trial[l] = c;
        const SetFigures s = ev.run(with_choices(grid, trial), t, false);
        ++res.evaluations;
        const double cost = cost_per_key(grid[c].filter, s.layers[l]);
        if (staged_target.met(s.metric) && cost < best_cost) best_cost = cost, best = s, choice[l] = c;
      }
      current = best;
      say("layer " + std::to_string(l) + ": " + grid[choice[l]].text + " (cost " + figure(best_cost) + ", kept " +
          figure(current.layers[l].kept_fraction()) + ", " + to_string(t.metric) + " " + figure(current.metric) +
          ", staged target " + figure(goal) + ")");
    }
  }

  for (uint32_t l = 0; l < n; ++l) res.layer_text.push_back(grid[choice[l]].text);
  res.filters = compact(grid, choice);
  res.calibration = ev.run(res.filters, t, false);
  res.held_out = ev.run(res.filters, t, true);
  res.uniform_held_out = ev.run(LayerFilters(grid[0].filter), t, true);
  res.held_out_met = t.met(res.held_out.metric);
  return res;
}

}  // namespace energon::calibrate
