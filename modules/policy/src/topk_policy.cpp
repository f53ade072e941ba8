// topk (SpAtten-like): the attention engine scores every allowed key at INT16, the selector keeps
// the top k (descriptor field `topk`), and the softmax and ×V run on the kept keys with their
// scores reused. The filter engine is idle.
#include <stdexcept>

#include "energon/desc_fields.h"
#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"
#include "policy_fields.h"

namespace energon::hw {
namespace {

class TopkPolicy final : public AttentionPolicy {
 public:
  const char* name() const override { return "topk"; }
  uint8_t id() const override { return ENERGON_POLICY_TOPK; }

  bool reserved_clear(const energon_desc_t& d) const override { return d.topk.reserved == 0; }
  std::string field_error(const energon_desc_t& d) const override {
    if (d.topk.rule != ENERGON_RULE_TOPK) return "topk: the topk policy needs a top-k rule";
    return rule_error(d.topk, "topk");
  }
  RowSchedule schedule(const energon_desc_t& d) const override {
    RowSchedule s;
    s.attention_select = true;
    s.attention_rule = from_select(d.topk);
    return s;
  }
  std::string describe(const energon_desc_t&) const override { return {}; }

  FilterConfig configure(const PolicyOptions& o) const override {
    FilterConfig f = FilterConfig::topk_fraction(o.topk_fraction_ppm);
    read_topk_option(o.topk, f.topk);
    if (const std::string e = validate(f); !e.empty()) throw std::invalid_argument(topk_option(o.topk) + ": " + e);
    return f;
  }
  std::string validate(const FilterConfig& f) const override {
    if (f.topk.rule != SelectRule::topk) return "topk policy needs a top-k rule";
    return energon::validate(f);
  }
  size_t selection_steps(const FilterConfig&) const override { return 1; }
  std::string parameters(const FilterConfig& f) const override { return format_select(f.topk); }
  const char* parameters_key() const override { return "topk"; }
};

}  // namespace

const AttentionPolicy& topk_policy() {
  static const TopkPolicy policy;
  return policy;
}

}  // namespace energon::hw
