// a3 in the reference (docs/numerics.md "Candidate search"): per row, the greedy candidate search
// on the kv head's sorted K columns (candidate_search.cpp), INT16 scores of the candidates, the
// max_margin rule with the head's margin floor(T / c), then the softmax and ×V on the kept keys.
#include "energon/golden/policy_model.h"

namespace energon::golden {
namespace {

class A3Model final : public PolicyModel {
 public:
  const char* name() const override { return "a3"; }
  Policy policy() const override { return Policy::a3; }
  std::string validate(const FilterConfig& f) const override {
    if (!f.candidate_search) return "a3 policy needs its candidate-search parameters";
    return energon::validate(f);
  }
  GoldenSchedule schedule(const FilterConfig& f) const override {
    GoldenSchedule s;
    s.candidate_search = f.candidate_search;
    s.full_precision_select = true;
    s.full_precision_rule.rule = SelectRule::max_margin;  // margin per head, in run_attention
    return s;
  }
};

}  // namespace

const PolicyModel& a3_model() {
  static const A3Model model;
  return model;
}

}  // namespace energon::golden
