// A synthetic workload as the calibration source: every layer against float64 attention.
#include <algorithm>
#include <stdexcept>

#include "energon/calibrate/evaluators.h"
#include "energon/golden/accuracy.h"

namespace energon::calibrate {

WorkloadEvaluator::WorkloadEvaluator(const workload::Workload& w, uint32_t layers, uint64_t held_out_seed) {
  if (w.source != workload::DataSource::synthetic)
    throw std::invalid_argument("workload " + w.name +
                                ": calibration needs a synthetic workload (a held-out set is "
                                "the same generator with another seed)");
  if (held_out_seed == w.synthetic.seed)
    throw std::invalid_argument("--eval-seed must differ from the workload's seed " + std::to_string(w.synthetic.seed));
  workload::Workload held = w;
  held.synthetic.seed = held_out_seed;
  for (uint32_t l = 0; l < layers; ++l) {
    layers_[0].push_back(workload::make_layer(w, l));
    layers_[1].push_back(workload::make_layer(held, l));
  }
}

SetFigures WorkloadEvaluator::run(const LayerFilters& f, const Target& t, bool held_out) {
  const auto& set = layers_[held_out ? 1 : 0];
  SetFigures out;
  out.metric = t.higher_is_better() ? 1.0 : 0.0;
  for (uint32_t l = 0; l < set.size(); ++l) {
    const FilterConfig& fl = f.at(l);
    const golden::GoldenRun g = golden::run_with_accuracy(set[l], fl);
    LayerCounts c;
    c.allowed = g.stats.allowed;
    c.kept = g.stats.final_kept;
    for (size_t r = 0; r < fl.rounds.size() && r < g.stats.rounds.size(); ++r)
      c.round_candidates.push_back(g.stats.rounds[r].candidates);
    out.layers.push_back(c);
    const double m = t.metric == Metric::mass_recall ? g.accuracy.total.mass_recall : g.accuracy.total.rel_l2_error;
    out.layer_metric.push_back(m);
    out.metric = t.higher_is_better() ? std::min(out.metric, m) : std::max(out.metric, m);
    out.rel_l2 += g.accuracy.total.rel_l2_error / double(set.size());
    out.mass_recall += g.accuracy.total.mass_recall / double(set.size());
  }
  return out;
}

}  // namespace energon::calibrate
