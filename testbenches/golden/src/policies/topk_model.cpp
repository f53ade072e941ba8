// topk in the reference: the top-k rule (spec §1.2) on the INT16 scores of every allowed key.
#include "energon/golden/policy_model.h"

namespace energon::golden {
namespace {

class TopkModel final : public PolicyModel {
 public:
  const char* name() const override { return "topk"; }
  Policy policy() const override { return Policy::topk; }
  std::string validate(const FilterConfig& f) const override {
    if (f.topk.rule != SelectRule::topk) return "topk policy needs a top-k rule";
    return energon::validate(f);
  }
  GoldenSchedule schedule(const FilterConfig& f) const override {
    GoldenSchedule s;
    s.full_precision_select = true;
    s.full_precision_rule = f.topk;
    return s;
  }
};

}  // namespace

const PolicyModel& topk_model() {
  static const TopkModel model;
  return model;
}

}  // namespace energon::golden
