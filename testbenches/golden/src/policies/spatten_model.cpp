// spatten in the reference (docs/numerics.md "Progressive quantization"): per row, INT16 scores
// against K with its 16 − msb_bits LSBs cleared; p16_max of their softmax; a row with
// p16_max < threshold_q16 is scored again against exact K; then the top-k rule on the row's last
// scores, the softmax and ×V on the kept keys.
#include "energon/golden/policy_model.h"

namespace energon::golden {
namespace {

class SpattenModel final : public PolicyModel {
 public:
  const char* name() const override { return "spatten"; }
  Policy policy() const override { return Policy::spatten; }
  std::string validate(const FilterConfig& f) const override {
    if (f.topk.rule != SelectRule::topk) return "spatten policy needs a top-k rule";
    if (!f.progressive) return "spatten policy needs its progressive-quantization parameters";
    return energon::validate(f);
  }
  GoldenSchedule schedule(const FilterConfig& f) const override {
    GoldenSchedule s;
    s.full_precision_select = true;
    s.full_precision_rule = f.topk;
    s.progressive = f.progressive;
    return s;
  }
};

}  // namespace

const PolicyModel& spatten_model() {
  static const SpattenModel model;
  return model;
}

}  // namespace energon::golden
