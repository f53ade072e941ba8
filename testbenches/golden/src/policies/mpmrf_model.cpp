// mpmrf in the reference: the configuration's rounds on MSB slices (spec §1.2), in order.
#include "energon/golden/policy_model.h"

namespace energon::golden {
namespace {

class MpmrfModel final : public PolicyModel {
 public:
  const char* name() const override { return "mpmrf"; }
  Policy policy() const override { return Policy::mpmrf; }
  std::string validate(const FilterConfig& f) const override {
    if (f.rounds.empty() || f.rounds.size() > kMaxRounds)
      return "mpmrf needs 1.." + std::to_string(kMaxRounds) + " rounds";
    return energon::validate(f);
  }
  GoldenSchedule schedule(const FilterConfig& f) const override {
    GoldenSchedule s;
    s.low_bit_rounds = f.rounds;
    return s;
  }
};

}  // namespace

const PolicyModel& mpmrf_model() {
  static const MpmrfModel model;
  return model;
}

}  // namespace energon::golden
