// The two sources energon-calibrate searches on: a trained model (next-token agreement / KL
// against the float path on sampled stories) and a synthetic workload (relative L2 error / mass
// recall of every layer against float64 attention). Both run the golden model.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/calibrate/calibrate.h"
#include "energon/llama/model.h"
#include "energon/llama/quality.h"
#include "energon/workload/workload.h"

namespace energon::calibrate {

/// Stories sampled from the float model; each text one whole-sequence causal job per layer (the
/// platform's `--mode whole`, bit-exact with the golden backend).
class ModelEvaluator : public Evaluator {
 public:
  ModelEvaluator(const llama::Model& model, std::vector<llama::EvalText> calibration,
                 std::vector<llama::EvalText> held_out);
  uint32_t layers() const override { return model_.config.n_layers; }
  SetFigures run(const LayerFilters& f, const Target& t, bool held_out) override;
  bool independent_layers() const override { return false; }

 private:
  const llama::Model& model_;
  std::vector<llama::EvalText> sets_[2];
  std::vector<std::vector<float>> float_logits_[2];  ///< [set][text]
};

/// The workload's layers (calibration) and the same workload with another generator seed
/// (held out; synthetic workloads only).
class WorkloadEvaluator : public Evaluator {
 public:
  WorkloadEvaluator(const workload::Workload& w, uint32_t layers, uint64_t held_out_seed);
  uint32_t layers() const override { return uint32_t(layers_[0].size()); }
  SetFigures run(const LayerFilters& f, const Target& t, bool held_out) override;
  bool independent_layers() const override { return true; }

 private:
  std::vector<FloatLayer> layers_[2];
};

}  // namespace energon::calibrate
