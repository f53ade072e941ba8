// dense in the reference: no selection; the final attention runs on every allowed key.
#include "energon/golden/policy_model.h"

namespace energon::golden {
namespace {

class DenseModel final : public PolicyModel {
 public:
  const char* name() const override { return "dense"; }
  Policy policy() const override { return Policy::dense; }
  std::string validate(const FilterConfig& f) const override { return energon::validate(f); }
  GoldenSchedule schedule(const FilterConfig&) const override { return {}; }
};

}  // namespace

const PolicyModel& dense_model() {
  static const DenseModel model;
  return model;
}

}  // namespace energon::golden
