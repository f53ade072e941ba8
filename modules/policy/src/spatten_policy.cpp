// spatten (SpAtten's progressive quantization, HPCA'21): per query row the attention engine first
// scores every allowed key on K's MSB planes only (descriptor round[0].k_bits, a plane boundary;
// the LSB planes read as zero), the softmax unit takes p16_max of those scores, and a row whose
// p16_max is below the Q0.16 threshold (round[0].k) fetches its keys' LSB planes and is scored
// again at exact INT16. The top-k rule (descriptor field `topk`) then selects on the row's last
// scores, which the softmax and ×V reuse, as under topk. The filter engine is idle.
#include <stdexcept>

#include "energon/desc_fields.h"
#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"
#include "policy_fields.h"

namespace energon::hw {
namespace {

/// "0.1" → the Q0.16 threshold T = ceil(t·65536) exactly, so p16_max < T ⟺ p16_max < t·65536.
uint32_t parse_threshold(const std::string& text) {
  if (text.find_first_not_of("0.") == std::string::npos && text.find_first_of('0') != std::string::npos) return 0;
  uint32_t ppm = 0;
  if (const std::string e = parse_fraction_ppm(text, 6, ppm); !e.empty())
    throw std::invalid_argument("--pq-threshold '" + text + "': " + e + " (expected a decimal in [0, 1])");
  return uint32_t((uint64_t(ppm) * kThresholdOne + (kFractionOne - 1)) / kFractionOne);
}

class SpattenPolicy final : public AttentionPolicy {
 public:
  const char* name() const override { return "spatten"; }
  uint8_t id() const override { return ENERGON_POLICY_SPATTEN; }

  bool reserved_clear(const energon_desc_t& d) const override {
    return d.topk.reserved == 0 && d.round[0].reserved == 0;
  }
  std::string field_error(const energon_desc_t& d) const override {
    if (d.topk.rule != ENERGON_RULE_TOPK) return "topk: the spatten policy needs a top-k rule";
    if (std::string e = rule_error(d.topk, "topk"); !e.empty()) return e;
    if (d.n_rounds != 1)
      return "spatten: n_rounds must be 1 (round[0] is the MSB pass), got " + std::to_string(d.n_rounds);
    const energon_select_t& pq = d.round[0];
    if (pq.rule != ENERGON_RULE_THRESHOLD || pq.q_bits != 0 || pq.alpha_q8 != 0 || pq.k_fraction_ppm != 0)
      return "spatten: round[0] must be rule 0 with q_bits, alpha_q8 and k_fraction_ppm 0";
    if (pq.k_bits < 1 || pq.k_bits > ENERGON_PQ_MAX_MSB_BITS)
      return "spatten: round[0].k_bits (MSB bits) must be in 1.." + std::to_string(ENERGON_PQ_MAX_MSB_BITS) + ", got " +
             std::to_string(pq.k_bits);
    if (pq.k > ENERGON_PQ_THRESHOLD_ONE)
      return "spatten: round[0].k (threshold, Q0.16) must be in 0.." + std::to_string(ENERGON_PQ_THRESHOLD_ONE) +
             ", got " + std::to_string(pq.k);
    return {};
  }
  RowSchedule schedule(const energon_desc_t& d) const override {
    if (d.n_rounds != 1) throw std::invalid_argument("descriptor n_rounds must be 1 for spatten");
    RowSchedule s;
    s.attention_select = true;
    s.attention_rule = from_select(d.topk);
    s.progressive.enabled = true;
    s.progressive.msb_bits = d.round[0].k_bits;
    s.progressive.msb_planes = leading_planes(d, d.round[0].k_bits);
    s.progressive.threshold_q16 = d.round[0].k;
    return s;
  }
  std::string describe(const energon_desc_t& d) const override {
    return ", msb " + std::to_string(d.round[0].k_bits) + " bits, recompute p16_max < " + std::to_string(d.round[0].k);
  }

  FilterConfig configure(const PolicyOptions& o) const override {
    ProgressiveConfig pq;
    pq.threshold_q16 = parse_threshold(o.pq_threshold.empty() ? "0.1" : o.pq_threshold);
    if (o.pq_msb_bits) {
      if (*o.pq_msb_bits < 1 || *o.pq_msb_bits > kMaxMsbBits)
        throw std::invalid_argument("--pq-msb-bits " + std::to_string(*o.pq_msb_bits) + ": expected 1.." +
                                    std::to_string(kMaxMsbBits));
      pq.msb_bits = uint8_t(*o.pq_msb_bits);
    }
    FilterConfig f = FilterConfig::spatten(o.topk_fraction_ppm, pq);
    read_topk_option(o.topk, f.topk);
    if (const std::string e = validate(f); !e.empty()) throw std::invalid_argument(topk_option(o.topk) + ": " + e);
    return f;
  }
  std::string validate(const FilterConfig& f) const override {
    if (f.topk.rule != SelectRule::topk) return "spatten policy needs a top-k rule";
    if (!f.progressive) return "spatten policy needs its progressive-quantization parameters";
    return energon::validate(f);
  }
  size_t selection_steps(const FilterConfig&) const override { return 1; }
  std::string parameters(const FilterConfig& f) const override {
    const ProgressiveConfig pq = f.progressive.value_or(ProgressiveConfig{});
    return format_select(f.topk) + ":msb=" + std::to_string(pq.msb_bits) +
           ":threshold_q16=" + std::to_string(pq.threshold_q16);
  }
  const char* parameters_key() const override { return "spatten"; }
};

}  // namespace

const AttentionPolicy& spatten_policy() {
  static const SpattenPolicy policy;
  return policy;
}

}  // namespace energon::hw
