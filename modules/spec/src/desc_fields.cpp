#include "energon/desc_fields.h"

namespace energon {

static_assert(kFractionOne == ENERGON_FRACTION_ONE, "one top-k fraction scale for the spec types and the descriptor");

energon_select_t to_select(const SelectConfig& rule, uint8_t q_bits, uint8_t k_bits) {
  energon_select_t s{};
  s.rule = rule.rule == SelectRule::topk ? ENERGON_RULE_TOPK : ENERGON_RULE_THRESHOLD;
  s.q_bits = q_bits;
  s.k_bits = k_bits;
  s.alpha_q8 = rule.alpha_q8;
  s.k = rule.k;
  s.k_fraction_ppm = rule.k_fraction_ppm;
  return s;
}

SelectConfig from_select(const energon_select_t& s) {
  SelectConfig c;
  c.rule = s.rule == ENERGON_RULE_TOPK ? SelectRule::topk : SelectRule::threshold;
  c.alpha_q8 = s.alpha_q8;
  c.k = s.k;
  c.k_fraction_ppm = s.k_fraction_ppm;
  return c;
}

std::vector<energon_select_t> desc_rounds(const FilterConfig& f) {
  std::vector<energon_select_t> rounds;
  if (f.progressive) {
    energon_select_t s{};
    s.rule = ENERGON_RULE_THRESHOLD;
    s.k_bits = f.progressive->msb_bits;
    s.k = f.progressive->threshold_q16;
    rounds.push_back(s);
    return rounds;
  }
  if (f.candidate_search) {
    energon_select_t s{};
    s.rule = ENERGON_RULE_THRESHOLD;
    s.k_fraction_ppm = f.candidate_search->iterations_ppm;
    s.k = f.candidate_search->threshold_q8;
    rounds.push_back(s);
    return rounds;
  }
  for (const FilterRound& r : f.rounds) rounds.push_back(to_select(r.select, r.q_bits, r.k_bits));
  return rounds;
}

ProgressiveConfig progressive_from_select(const energon_select_t& s) {
  ProgressiveConfig pq;
  pq.msb_bits = s.k_bits;
  pq.threshold_q16 = s.k;
  return pq;
}

CandidateSearchConfig candidate_search_from_select(const energon_select_t& s) {
  CandidateSearchConfig c;
  c.iterations_ppm = s.k_fraction_ppm;
  c.threshold_q8 = s.k;
  return c;
}

uint8_t to_desc_policy(Policy p) { return static_cast<uint8_t>(p); }  // Policy's values are the register map's

}  // namespace energon
