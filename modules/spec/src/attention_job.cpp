#include "energon/attention_job.h"

#include <cmath>
#include <iterator>
#include <sstream>

namespace energon {

namespace {

struct PolicyName {
  Policy policy;
  const char* name;
};
#define ENERGON_SPEC_POLICY_NAME(NAME, name, value, desc) PolicyName{Policy::name, #name},
constexpr PolicyName kPolicyNames[] = {ENERGON_POLICIES(ENERGON_SPEC_POLICY_NAME)};
#undef ENERGON_SPEC_POLICY_NAME

}  // namespace

const char* to_string(Policy p) {
  for (const PolicyName& n : kPolicyNames)
    if (n.policy == p) return n.name;
  return "?";
}

const char* to_string(SelectRule r) {
  return r == SelectRule::topk ? "topk" : r == SelectRule::max_margin ? "max_margin" : "threshold";
}

bool parse_policy(const std::string& text, Policy& out) {
  for (const PolicyName& n : kPolicyNames) {
    if (text == n.name) {
      out = n.policy;
      return true;
    }
  }
  return false;
}

const std::vector<Policy>& all_policies() {
  static const std::vector<Policy> all = [] {
    std::vector<Policy> v;
    for (const PolicyName& n : kPolicyNames) v.push_back(n.policy);
    return v;
  }();
  return all;
}

std::string policy_names() {
  std::string s;
  const size_t n = std::size(kPolicyNames);
  for (size_t i = 0; i < n; ++i) s += (i == 0 ? "" : i + 1 == n ? " or " : ", ") + std::string(kPolicyNames[i].name);
  return s;
}

uint32_t SelectConfig::topk_count(uint32_t n) const {
  if (n == 0) return 0;
  uint64_t kk = k;
  if (k_fraction_ppm != 0) kk = (uint64_t(k_fraction_ppm) * n + (kFractionOne - 1)) / kFractionOne;  // ceil(p·n), exact
  if (kk < 1) kk = 1;
  return kk > n ? n : static_cast<uint32_t>(kk);
}

uint32_t CandidateSearchConfig::iterations(uint32_t n) const {
  if (n == 0) return 0;
  const uint64_t m = (uint64_t(iterations_ppm) * n + (kFractionOne - 1)) / kFractionOne;  // ceil(m·n), exact
  return m < 1 ? 1 : static_cast<uint32_t>(m);
}

int64_t CandidateSearchConfig::score_margin(float c) const {
  constexpr double kMaxMargin = 4611686018427387904.0;  // 2^62: far above any score difference (< 2^41)
  const double margin = std::floor(double(threshold_q8) / (256.0 * double(c)));
  return !(margin < kMaxMargin) ? int64_t(1) << 62 : margin < 0 ? 0 : int64_t(margin);
}

FilterConfig FilterConfig::energon_default() {
  FilterConfig f;
  f.policy = Policy::mpmrf;
  // α = −0.25 then 0: calibrated on synthetic BERT-base (docs/numerics.md, scripts/calibrate_alpha.py).
  f.rounds.push_back({4, 2, {SelectRule::threshold, -64, 0, 0}});
  f.rounds.push_back({4, 4, {SelectRule::threshold, 0, 0, 0}});
  return f;
}

FilterConfig FilterConfig::dense() {
  FilterConfig f;
  f.policy = Policy::dense;
  return f;
}

FilterConfig FilterConfig::topk_fraction(uint32_t fraction_ppm) {
  FilterConfig f;
  f.policy = Policy::topk;
  f.topk = {SelectRule::topk, 0, 0, fraction_ppm};
  return f;
}

FilterConfig FilterConfig::spatten(uint32_t fraction_ppm, ProgressiveConfig pq) {
  FilterConfig f = topk_fraction(fraction_ppm);
  f.policy = Policy::spatten;
  f.progressive = pq;
  return f;
}

FilterConfig FilterConfig::a3(CandidateSearchConfig search) {
  FilterConfig f;
  f.policy = Policy::a3;
  f.candidate_search = search;
  return f;
}

std::string validate(const AttentionShape& s) {
  std::ostringstream e;
  if (s.heads == 0 || s.kv_heads == 0 || s.n_q == 0 || s.n_k == 0 || s.d == 0)
    e << "heads, kv_heads, n_q, n_k and d must all be non-zero";
  else if (s.heads > 65535 || s.kv_heads > 65535)
    e << "heads (" << s.heads << ") and kv_heads (" << s.kv_heads
      << ") must be at most 65535 (16-bit descriptor fields)";
  else if (s.heads % s.kv_heads != 0)
    e << "kv_heads (" << s.kv_heads << ") must divide heads (" << s.heads << ")";
  else if (s.n_k > kMaxKeys)
    e << "n_k (" << s.n_k << ") exceeds the supported maximum " << kMaxKeys;
  else if (s.n_q > kMaxKeys)
    e << "n_q (" << s.n_q << ") exceeds the supported maximum " << kMaxKeys;
  else if (s.d > 256)
    e << "d (" << s.d << ") exceeds the supported maximum 256";
  else if (s.valid_len == 0 || s.valid_len > s.n_k)
    e << "valid_len (" << s.valid_len << ") must be in 1.." << s.n_k;
  return e.str();
}

std::string validate_select(const SelectConfig& c, const std::string& where) {
  std::ostringstream e;
  if (c.rule == SelectRule::threshold) {
    if (c.alpha_q8 < -256 || c.alpha_q8 > 256) e << where << ": alpha_q8 " << c.alpha_q8 << " outside -256..256";
  } else if (c.rule == SelectRule::max_margin) {
    if (c.margin < 0) e << where << ": margin " << c.margin << " below 0";
  } else if (c.k_fraction_ppm == 0 && c.k == 0) {
    e << where << ": top-k needs k >= 1 or a fraction in (0, 1]";
  } else if (c.k_fraction_ppm > kFractionOne) {
    e << where << ": top-k fraction " << c.k_fraction_ppm << " ppm above 1 (" << kFractionOne << " ppm)";
  }
  return e.str();
}

std::string validate(const FilterConfig& f) {
  if (std::string e = validate_select(f.topk, "topk"); !e.empty()) return e;
  if (f.rounds.size() > kMaxRounds) return "at most " + std::to_string(kMaxRounds) + " filter rounds";
  if (f.progressive) {
    if (!f.rounds.empty()) return "progressive quantization takes no filter rounds";
    if (f.progressive->msb_bits < 1 || f.progressive->msb_bits > kMaxMsbBits)
      return "progressive quantization: msb bits must be in 1.." + std::to_string(kMaxMsbBits) + ", got " +
             std::to_string(f.progressive->msb_bits);
    if (f.progressive->threshold_q16 > kThresholdOne)
      return "progressive quantization: threshold_q16 must be in 0.." + std::to_string(kThresholdOne) + ", got " +
             std::to_string(f.progressive->threshold_q16);
  }
  if (f.candidate_search) {
    if (!f.rounds.empty() || f.progressive)
      return "the candidate search takes no filter rounds nor progressive quantization";
    if (f.candidate_search->iterations_ppm < 1 || f.candidate_search->iterations_ppm > kFractionOne)
      return "candidate search: iterations_ppm must be in 1.." + std::to_string(kFractionOne) + ", got " +
             std::to_string(f.candidate_search->iterations_ppm);
    if (f.candidate_search->threshold_q8 > kMaxSearchThresholdQ8)
      return "candidate search: threshold_q8 must be in 0.." + std::to_string(kMaxSearchThresholdQ8) + ", got " +
             std::to_string(f.candidate_search->threshold_q8);
  }
  for (size_t r = 0; r < f.rounds.size(); ++r) {
    const FilterRound& fr = f.rounds[r];
    const std::string where = "round " + std::to_string(r + 1);
    if (fr.q_bits < 1 || fr.q_bits > kMaxFilterBits || fr.k_bits < 1 || fr.k_bits > kMaxFilterBits)
      return where + ": q_bits and k_bits must be in 1.." + std::to_string(kMaxFilterBits);
    if (r > 0 && fr.k_bits < f.rounds[r - 1].k_bits)
      return where + ": k_bits may not decrease between rounds (bit planes are fetched MSB first)";
    std::string e = validate_select(fr.select, where);
    if (!e.empty()) return e;
  }
  return {};
}

}  // namespace energon
