// dense: no filtering; every key the masks allow goes to the attention engine (the fixed-point
// baseline of spec §1.3). Reads no policy fields of the descriptor.
#include "energon/hw/attention_policy.h"

namespace energon::hw {
namespace {

class DensePolicy final : public AttentionPolicy {
 public:
  const char* name() const override { return "dense"; }
  uint8_t id() const override { return ENERGON_POLICY_DENSE; }

  bool reserved_clear(const energon_desc_t&) const override { return true; }
  std::string field_error(const energon_desc_t&) const override { return {}; }
  RowSchedule schedule(const energon_desc_t&) const override { return {}; }
  std::string describe(const energon_desc_t&) const override { return {}; }

  FilterConfig configure(const PolicyOptions&) const override { return FilterConfig::dense(); }
  std::string validate(const FilterConfig& f) const override { return energon::validate(f); }
  size_t selection_steps(const FilterConfig&) const override { return 0; }
  std::string parameters(const FilterConfig&) const override { return {}; }
  const char* parameters_key() const override { return ""; }
};

}  // namespace

const AttentionPolicy& dense_policy() {
  static const DensePolicy policy;
  return policy;
}

}  // namespace energon::hw
