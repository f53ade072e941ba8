// energon-calibrate: per-layer rounds that meet an accuracy target at the lowest cost
// (docs/policies.md, "Calibration to a target"). The search runs the golden model (bit-exact with
// the platform, docs/real-model.md), so the rounds it picks behave the same on energon-vp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "energon/attention_job.h"
#include "energon/layer_filters.h"

namespace energon::calibrate {

/// What must hold on the calibration set (and is checked on the held-out set).
enum class Metric : uint8_t {
  agreement,    ///< real model: top-1 next-token agreement with the float model, ≥ value
  kl,           ///< real model: mean KL(p_float ‖ p_test) in nats, ≤ value
  rel_l2,       ///< synthetic workload: relative L2 error of every layer's output, ≤ value
  mass_recall,  ///< synthetic workload: reference softmax mass on the kept keys, every layer, ≥ value
};
struct Target {
  Metric metric = Metric::agreement;
  double value = 0.99;
  bool higher_is_better() const { return metric == Metric::agreement || metric == Metric::mass_recall; }
  bool met(double measured) const { return higher_is_better() ? measured >= value : measured <= value; }
  bool for_real_model() const { return metric == Metric::agreement || metric == Metric::kl; }
};
const char* to_string(Metric m);
/// "agreement=0.99", "kl=0.001", "rel-l2=0.05", "mass-recall=0.97"; std::invalid_argument otherwise.
Target parse_target(const std::string& text);

/// One candidate of the grid: a filter configuration and its text.
struct Candidate {
  std::string text;  ///< the policy's parameters ("8x8:alpha=-0.25", "top=25%")
  FilterConfig filter;
};
/// The documented default grid of `policy` (mpmrf or topk), safest candidate first.
std::vector<Candidate> default_grid(Policy policy);
/// A grid from "c1;c2;...", each the policy's parameters; safest first. std::invalid_argument
/// naming the candidate when one does not parse.
std::vector<Candidate> parse_grid(Policy policy, const std::string& text);

/// Keys of one layer over a set: allowed, entering each low-bit round, and finally kept.
struct LayerCounts {
  uint64_t allowed = 0, kept = 0;
  std::vector<uint64_t> round_candidates;  ///< per filter round (mpmrf)
  double kept_fraction() const { return allowed ? double(kept) / double(allowed) : 0.0; }
  void add(const LayerCounts& o);
};
/// Work per allowed key in INT16-MAC equivalents of one Q·K product: a low-bit round costs
/// q_bits·k_bits/256 per key entering it; the final attention 1 (Q·K, skipped by topk, which has
/// scored every key at INT16 already) + 1 (P·V) per kept key; topk's INT16 scoring 1 per allowed
/// key. Dense = 2.
double cost_per_key(const FilterConfig& f, const LayerCounts& c);

/// Quality of one configuration on one set.
struct SetFigures {
  double metric = 0;                                                   ///< the target's metric (synthetic: worst layer)
  double agreement = 0, kl = 0, perplexity = 0, float_perplexity = 0;  ///< real model
  double rel_l2 = 0, mass_recall = 0;                                  ///< synthetic: mean over layers
  uint64_t positions = 0;                                              ///< real model: predictions
  std::vector<LayerCounts> layers;
  std::vector<double> layer_metric;  ///< synthetic: the target's metric per layer
  double kept_fraction() const;      ///< over all layers
  /// Mean cost_per_key over all layers, weighted by allowed keys, under `f`.
  double cost(const LayerFilters& f) const;
};

/// What the search chose and how it did.
struct Result {
  LayerFilters filters;
  std::vector<std::string> layer_text;  ///< each layer's chosen parameters
  SetFigures calibration, held_out;     ///< of the chosen filters
  SetFigures uniform_held_out;          ///< safest candidate everywhere, held-out set (the reference point)
  uint64_t evaluations = 0;             ///< configurations run on the calibration set
  bool held_out_met = false;
};

/// Runs one configuration on a set; implemented by the model and workload sources below.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual uint32_t layers() const = 0;
  /// `held_out` selects the evaluation set instead of the calibration set.
  virtual SetFigures run(const LayerFilters& f, const Target& t, bool held_out) = 0;
  /// Layers are independent (synthetic workloads): each is chosen alone against the target.
  virtual bool independent_layers() const = 0;
};

/// The greedy per-layer search of docs/policies.md over `grid` (safest first). Throws
/// std::runtime_error when even the safest candidate misses the target on the calibration set.
Result search(Evaluator& ev, const std::vector<Candidate>& grid, const Target& t,
              const std::function<void(const std::string&)>& log = {});

}  // namespace energon::calibrate
