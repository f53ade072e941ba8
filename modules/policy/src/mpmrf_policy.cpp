// mpmrf (Energon's MP-MRF, spec §1.2): descriptor rounds 1..n_rounds run on the low-bit filter
// engine, each fetching only the K planes its k_bits need beyond those already held, for the
// surviving candidates only, and the selector applies the round's rule; the kept keys and their
// leading planes go to the attention engine, which fetches the remaining planes and V.
#include <cmath>
#include <stdexcept>
#include <string>

#include "energon/desc_fields.h"
#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"
#include "policy_fields.h"

namespace energon::hw {
namespace {

class MpmrfPolicy final : public AttentionPolicy {
 public:
  const char* name() const override { return "mpmrf"; }
  uint8_t id() const override { return ENERGON_POLICY_MPMRF; }

  bool reserved_clear(const energon_desc_t& d) const override {
    for (unsigned r = 0; r < d.n_rounds && r < ENERGON_MAX_ROUNDS; ++r)
      if (d.round[r].reserved != 0) return false;
    return true;
  }
  std::string field_error(const energon_desc_t& d) const override {
    if (d.n_rounds < 1 || d.n_rounds > ENERGON_MAX_ROUNDS)
      return "n_rounds must be 1.." + std::to_string(ENERGON_MAX_ROUNDS) + ", got " + std::to_string(d.n_rounds);
    for (unsigned r = 0; r < d.n_rounds; ++r) {
      const energon_select_t& s = d.round[r];
      const std::string where = "round " + std::to_string(r + 1);
      if (s.q_bits < 1 || s.q_bits > ENERGON_MAX_FILTER_BITS || s.k_bits < 1 || s.k_bits > ENERGON_MAX_FILTER_BITS)
        return where + ": q_bits and k_bits must be in 1.." + std::to_string(ENERGON_MAX_FILTER_BITS);
      if (r > 0 && s.k_bits < d.round[r - 1].k_bits)
        return where + ": k_bits may not decrease (planes arrive MSB first)";
      if (std::string e = rule_error(s, where); !e.empty()) return e;
    }
    return {};
  }
  RowSchedule schedule(const energon_desc_t& d) const override {
    if (d.n_rounds < 1 || d.n_rounds > ENERGON_MAX_ROUNDS)
      throw std::invalid_argument("descriptor n_rounds must be 1.." + std::to_string(ENERGON_MAX_ROUNDS) + ", got " +
                                  std::to_string(d.n_rounds));
    RowSchedule s;
    for (unsigned r = 0; r < d.n_rounds; ++r) {
      const energon_select_t& rd = d.round[r];
      s.filter_rounds.push_back({rd.q_bits, rd.k_bits, leading_planes(d, rd.k_bits), from_select(rd)});
    }
    return s;
  }
  std::string describe(const energon_desc_t& d) const override {
    std::string s = ", rounds";
    for (unsigned r = 0; r < d.n_rounds && r < ENERGON_MAX_ROUNDS; ++r)
      s += " " + std::to_string(d.round[r].q_bits) + "x" + std::to_string(d.round[r].k_bits) +
           (d.round[r].rule == ENERGON_RULE_TOPK ? ":topk" : ":a=" + std::to_string(d.round[r].alpha_q8) + "/256");
    return s;
  }

  FilterConfig configure(const PolicyOptions& o) const override {
    FilterConfig f = FilterConfig::energon_default();
    const std::string option = "--rounds '" + o.rounds + "'";
    if (!o.rounds.empty())
      if (const std::string e = parse_rounds(o.rounds, f.rounds); !e.empty())
        throw std::invalid_argument(option + ": " + e);
    if (o.alpha)
      for (FilterRound& r : f.rounds)
        if (r.select.rule == SelectRule::threshold) r.select.alpha_q8 = int32_t(std::lround(*o.alpha * 256.0));
    if (const std::string e = validate(f); !e.empty())
      throw std::invalid_argument((o.rounds.empty() ? std::string("--alpha") : option) + ": " + e);
    return f;
  }
  std::string validate(const FilterConfig& f) const override {
    if (f.rounds.empty() || f.rounds.size() > kMaxRounds)
      return "mpmrf needs 1.." + std::to_string(kMaxRounds) + " rounds";
    return energon::validate(f);
  }
  size_t selection_steps(const FilterConfig& f) const override { return f.rounds.size(); }
  std::string parameters(const FilterConfig& f) const override { return format_rounds(f.rounds); }
  const char* parameters_key() const override { return "rounds"; }
};

}  // namespace

const AttentionPolicy& mpmrf_policy() {
  static const MpmrfPolicy policy;
  return policy;
}

}  // namespace energon::hw
