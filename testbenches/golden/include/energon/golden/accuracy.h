// Accuracy figures of spec §1.4: the fixed-point output against a float64 attention on the
// unquantized tensors, and the share of the reference softmax mass on the kept keys.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/attention_job.h"
#include "energon/golden/golden.h"

namespace energon::golden {

struct Fidelity {
  double max_abs_error = 0;  ///< max |out − ref| in real units
  double rel_l2_error = 0;   ///< ‖out − ref‖₂ / ‖ref‖₂
  double cosine = 0;         ///< cosine similarity of out and ref
  double mass_recall = 0;    ///< mean over rows of the reference softmax mass on kept keys
};

struct Accuracy {
  std::vector<Fidelity> per_head;
  Fidelity total;  ///< over all heads (mass recall: mean over all rows)
};

/// Float64 softmax(QKᵀ/√d)·V of one query row on the unquantized tensors; `probs` gets the
/// reference probabilities of keys [0, allowed_end).
void reference_row(const FloatLayer& layer, uint32_t head, uint32_t query, std::vector<double>& probs, double* out);

/// Collects reference rows and mass recall while the golden model (or any model reporting
/// kept sets through RowObserver) runs, then scores the dequantized output.
class AccuracyMeter : public RowObserver {
 public:
  explicit AccuracyMeter(const FloatLayer& reference);
  void on_round(uint32_t head, uint32_t query, uint32_t round, const std::vector<uint32_t>& kept, bool last) override;
  /// `out` INT16 [heads][n_q][d], dequantized with v_scale[kv_head_of(h)]. The query rows of
  /// pruned tokens (`prune`, docs/pruning.md) are left out: their tokens leave the model, so their
  /// output is never used; a pruned head's zero rows count, as the model uses them.
  Accuracy finish(const std::vector<int16_t>& out, const std::vector<float>& v_scale,
                  const PruneMask& prune = {}) const;

 private:
  const FloatLayer& ref_;
  std::vector<double> ref_out_;     // [heads][n_q][d]
  std::vector<double> row_recall_;  // [heads][n_q], NaN until reported
  std::vector<double> probs_;
};

/// Runs the golden model on `layer` quantized, with the accuracy meter attached.
struct GoldenRun {
  QuantizedLayer quantized;
  std::vector<int16_t> output;
  GoldenStats stats;
  Accuracy accuracy;
};
GoldenRun run_with_accuracy(const FloatLayer& layer, const FilterConfig& filter);

}  // namespace energon::golden
