#include "policy_fields.h"

#include <stdexcept>

#include "energon/filter_spec.h"

namespace energon::hw {

std::string rule_error(const energon_select_t& s, const std::string& where) {
  if (s.rule == ENERGON_RULE_THRESHOLD)
    return s.alpha_q8 >= -256 && s.alpha_q8 <= 256
               ? ""
               : where + ": alpha_q8 " + std::to_string(s.alpha_q8) + " outside -256..256";
  if (s.rule == ENERGON_RULE_TOPK)
    return (s.k != 0 || s.k_fraction_ppm != 0) && s.k_fraction_ppm <= ENERGON_FRACTION_ONE
               ? ""
               : where + ": top-k needs k >= 1 or k_fraction_ppm in 1.." + std::to_string(ENERGON_FRACTION_ONE);
  return where + ": unknown rule " + std::to_string(s.rule);
}

uint8_t leading_planes(const energon_desc_t& d, unsigned k_bits) {
  unsigned used = 0;
  for (unsigned p = 0; p < d.n_planes && p < ENERGON_MAX_PLANES; ++p) {
    used += d.plane_bits[p];
    if (used >= k_bits) return uint8_t(p + 1);
  }
  return d.n_planes;
}

std::string topk_option(const std::string& topk) { return topk.empty() ? "--topk-fraction" : "--topk '" + topk + "'"; }

void read_topk_option(const std::string& topk, SelectConfig& rule) {
  if (topk.empty()) return;
  if (const std::string e = parse_select(topk, rule); !e.empty())
    throw std::invalid_argument(topk_option(topk) + ": " + e);
  if (rule.rule != SelectRule::topk) throw std::invalid_argument(topk_option(topk) + ": expected top=<k> or top=<p>%");
}

}  // namespace energon::hw
