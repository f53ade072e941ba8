// a3 (A³'s approximate candidate search, HPCA'20): the candidate-search unit sorts each kv head's K
// columns once, then per query row runs M greedy iterations over them (descriptor round[0]:
// k_fraction_ppm = M as a fraction of the row's allowed keys) and hands on the keys with a positive
// greedy score; the attention engine scores those at INT16, the selector keeps the candidates within
// T/c of the row's largest score (round[0].k = T in Q8.8 nats), and the softmax and ×V run on them.
// The filter engine is idle.
#include <cmath>
#include <stdexcept>

#include "energon/desc_fields.h"
#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"

namespace energon::hw {
namespace {

/// "0.5" → 500000 ppm (exact), a fraction in (0, 1].
uint32_t parse_iterations(const std::string& text) {
  uint32_t ppm = 0;
  if (const std::string e = parse_fraction_ppm(text, 6, ppm); !e.empty())
    throw std::invalid_argument("--a3-iterations '" + text + "': " + e +
                                " (expected a fraction of the row's allowed keys in (0, 1])");
  return ppm;
}

/// "4" or "2.5" nats → round(256·T) in Q8.8, 0..ENERGON_A3_MAX_THRESHOLD_Q8.
uint32_t parse_threshold(const std::string& text) {
  const auto bad = [&] {
    return std::invalid_argument("--a3-threshold '" + text + "': expected a decimal number of nats in [0, " +
                                 std::to_string(kMaxSearchThresholdQ8 / 256) + "]");
  };
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos || text.find('.') != text.rfind('.') ||
      text == ".")
    throw bad();
  const double t = std::stod(text);
  const double q8 = std::nearbyint(t * 256.0);
  if (!(q8 >= 0.0 && q8 <= double(kMaxSearchThresholdQ8))) throw bad();
  return uint32_t(q8);
}

class A3Policy final : public AttentionPolicy {
 public:
  const char* name() const override { return "a3"; }
  uint8_t id() const override { return ENERGON_POLICY_A3; }

  bool reserved_clear(const energon_desc_t& d) const override { return d.round[0].reserved == 0; }
  std::string field_error(const energon_desc_t& d) const override {
    if (d.n_rounds != 1)
      return "a3: n_rounds must be 1 (round[0] is the candidate search), got " + std::to_string(d.n_rounds);
    const energon_select_t& cs = d.round[0];
    if (cs.rule != ENERGON_RULE_THRESHOLD)
      return "a3: round[0].rule must be 0 (the search record), got " + std::to_string(cs.rule);
    if (cs.q_bits != 0 || cs.k_bits != 0 || cs.alpha_q8 != 0)
      return "a3: round[0].q_bits, k_bits and alpha_q8 must be 0, got " + std::to_string(cs.q_bits) + ", " +
             std::to_string(cs.k_bits) + ", " + std::to_string(cs.alpha_q8);
    if (cs.k_fraction_ppm < 1 || cs.k_fraction_ppm > ENERGON_FRACTION_ONE)
      return "a3: round[0].k_fraction_ppm (iterations per allowed key) must be in 1.." +
             std::to_string(ENERGON_FRACTION_ONE) + ", got " + std::to_string(cs.k_fraction_ppm);
    if (cs.k > ENERGON_A3_MAX_THRESHOLD_Q8)
      return "a3: round[0].k (post-scoring threshold, Q8.8 nats) must be in 0.." +
             std::to_string(ENERGON_A3_MAX_THRESHOLD_Q8) + ", got " + std::to_string(cs.k);
    return {};
  }
  RowSchedule schedule(const energon_desc_t& d) const override {
    if (d.n_rounds != 1) throw std::invalid_argument("descriptor n_rounds must be 1 for a3");
    RowSchedule s;
    s.candidate_search.enabled = true;
    s.candidate_search.config = candidate_search_from_select(d.round[0]);
    s.attention_select = true;
    s.attention_rule.rule = SelectRule::max_margin;  // the margin is the head's: the datapath sets it
    return s;
  }
  std::string describe(const energon_desc_t& d) const override {
    return ", search " + std::to_string(d.round[0].k_fraction_ppm) + " ppm iterations, post-scoring " +
           std::to_string(d.round[0].k) + "/256 nats";
  }

  FilterConfig configure(const PolicyOptions& o) const override {
    CandidateSearchConfig cs;
    cs.iterations_ppm = parse_iterations(o.a3_iterations.empty() ? "0.5" : o.a3_iterations);
    cs.threshold_q8 = parse_threshold(o.a3_threshold.empty() ? "8" : o.a3_threshold);
    FilterConfig f = FilterConfig::a3(cs);
    if (const std::string e = validate(f); !e.empty()) throw std::invalid_argument("--a3-iterations: " + e);
    return f;
  }
  std::string validate(const FilterConfig& f) const override {
    if (!f.candidate_search) return "a3 policy needs its candidate-search parameters";
    return energon::validate(f);
  }
  size_t selection_steps(const FilterConfig&) const override { return 2; }
  std::string parameters(const FilterConfig& f) const override {
    const CandidateSearchConfig cs = f.candidate_search.value_or(CandidateSearchConfig{});
    return "iterations=" + format_ppm(cs.iterations_ppm, 6) + ":threshold_q8=" + std::to_string(cs.threshold_q8);
  }
  const char* parameters_key() const override { return "a3"; }
};

}  // namespace

const AttentionPolicy& a3_policy() {
  static const A3Policy policy;
  return policy;
}

}  // namespace energon::hw
