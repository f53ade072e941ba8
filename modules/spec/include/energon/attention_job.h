// One attention job (one layer) as spec §1 defines it: shape, masks, filter policy and
// quantized tensors. Plain C++: shared by the golden model, workloads, firmware host
// packing and the hardware blocks' testbenches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "energon/hw/energon_regs.h"
#include "energon/prune_mask.h"

namespace energon {

/// The attention policies of the register map (ENERGON_POLICIES), value = descriptor policy byte.
#define ENERGON_SPEC_POLICY(NAME, name, value, desc) name = ENERGON_POLICY_##NAME,
enum class Policy : uint8_t { ENERGON_POLICIES(ENERGON_SPEC_POLICY) };
#undef ENERGON_SPEC_POLICY
/// threshold and topk: the descriptor's rules; max_margin: a3's post-scoring (score ≥ max − margin),
/// set up by the datapath and the golden model per head, never a descriptor rule.
enum class SelectRule : uint8_t { threshold = 0, topk = 1, max_margin = 2 };

/// A top-k fraction of 1 in parts per million (the descriptor's ENERGON_FRACTION_ONE).
constexpr uint32_t kFractionOne = 1000000;

/// The policy's name ("dense"), "?" for a value outside the register map.
const char* to_string(Policy p);
const char* to_string(SelectRule r);
/// Parses a policy name of the register map ("dense", "topk", "mpmrf", ...); false on anything else.
bool parse_policy(const std::string& text, Policy& out);
/// Every policy of the register map, in its order.
const std::vector<Policy>& all_policies();
/// The names of every policy for messages: "dense, topk or mpmrf".
std::string policy_names();

/// A selection rule applied to one query row's candidate scores (spec §1.2).
struct SelectConfig {
  SelectRule rule = SelectRule::threshold;
  int32_t alpha_q8 = 0;         ///< threshold: a = round(256·α), −256..256
  uint32_t k = 0;               ///< topk: absolute k (used when k_fraction_ppm == 0)
  uint32_t k_fraction_ppm = 0;  ///< topk: k = ceil(ppm·N / 10^6) exactly, ppm in 1..kFractionOne
  int64_t margin = 0;           ///< max_margin: keeps s_j ≥ max_j s_j − margin, margin ≥ 0

  /// Number of keys the top-k rule keeps out of n candidates (≥ 1 when n ≥ 1, ≤ n).
  uint32_t topk_count(uint32_t n) const;
};

/// One MP-MRF round: operand widths (MSBs of INT16) and its selection rule.
struct FilterRound {
  uint8_t q_bits = 4;
  uint8_t k_bits = 2;
  SelectConfig select;
};

/// SpAtten's progressive quantization (the spatten policy, docs/numerics.md): the first Q·K pass
/// uses K with its LSBs cleared (the `msb_bits` leading bits, a K plane boundary); a row whose
/// p16_max (the Q0.16 probability of its largest approximate score) is below `threshold_q16` is
/// recomputed with exact INT16 K.
struct ProgressiveConfig {
  uint8_t msb_bits = 8;        ///< 1..15
  uint32_t threshold_q16 = 0;  ///< 0..65536: 0 never recomputes, 65536 always
  /// True when a row with this p16_max is recomputed.
  bool recompute(uint32_t p16_max) const { return p16_max < threshold_q16; }
};

/// A³'s approximate candidate search (the a3 policy, docs/numerics.md "Candidate search"): M greedy
/// iterations over K's sorted columns pick the candidates (greedy score > 0), their exact INT16 scores
/// follow, and post-scoring keeps the candidates whose score is within T/c of the row's largest.
struct CandidateSearchConfig {
  uint32_t iterations_ppm = kFractionOne / 2;  ///< m in 1..kFractionOne: M = ceil(m·N) for N allowed keys
  uint32_t threshold_q8 = 2048;                ///< T = threshold_q8 / 256 nats, 0..ENERGON_A3_MAX_THRESHOLD_Q8

  /// Greedy iterations M of a row with n allowed keys: ceil(m·n / 10^6) exactly, ≥ 1 when n ≥ 1.
  uint32_t iterations(uint32_t n) const;
  /// Post-scoring margin on the INT16 score scale of a head with softmax scale c > 0:
  /// D = floor(T / c) in IEEE double (threshold_q8 / (256·c)), at most 2^62; keep iff s_max − s_j ≤ D.
  int64_t score_margin(float c) const;
};

/// The filter configuration of a job: the policy and, per policy, its rules.
struct FilterConfig {
  Policy policy = Policy::mpmrf;
  std::vector<FilterRound> rounds;               ///< mpmrf: ordered rounds
  SelectConfig topk;                             ///< topk and spatten policies: rule applied to the final Q·K scores
  std::optional<ProgressiveConfig> progressive;  ///< spatten: the MSB pass (descriptor round[0])
  std::optional<CandidateSearchConfig> candidate_search;  ///< a3: the search (descriptor round[0])

  /// Energon's default: round 1 Q4×K2, round 2 Q4×K4, threshold rules with the
  /// calibrated α of docs/numerics.md.
  static FilterConfig energon_default();
  static FilterConfig dense();
  /// SpAtten-like: keep ceil(fraction·N) keys by full-precision score.
  static FilterConfig topk_fraction(uint32_t fraction_ppm);
  /// SpAtten's progressive quantization followed by the top-k rule keeping ceil(fraction·N) keys.
  static FilterConfig spatten(uint32_t fraction_ppm, ProgressiveConfig pq);
  /// A³: the candidate search, exact scores of the candidates and post-scoring.
  static FilterConfig a3(CandidateSearchConfig search);
};

struct AttentionShape {
  uint32_t heads = 1;
  uint32_t kv_heads = 1;
  uint32_t n_q = 1;
  uint32_t n_k = 1;
  uint32_t d = 64;
  bool causal = false;
  uint32_t valid_len = 1;  ///< keys j < valid_len are valid; 1..n_k

  /// kv head used by query head h (grouped-query attention).
  uint32_t kv_head_of(uint32_t h) const { return h / (heads / kv_heads); }
  /// Keys allowed for query i form the prefix [0, allowed_end(i)).
  uint32_t allowed_end(uint32_t i) const {
    uint32_t end = valid_len;
    if (causal) {
      const int64_t last = static_cast<int64_t>(i) + n_k - n_q;  // query i sees j ≤ last
      const int64_t causal_end = last < 0 ? 0 : last + 1;
      if (causal_end < end) end = static_cast<uint32_t>(causal_end);
    }
    return end;
  }
  size_t q_elems() const { return size_t(heads) * n_q * d; }
  size_t kv_elems() const { return size_t(kv_heads) * n_k * d; }
};

/// Limits the golden model and the hardware support (docs/numerics.md).
constexpr uint32_t kMaxKeys = 65536;
constexpr uint32_t kMaxRounds = 4;
constexpr uint32_t kMaxFilterBits = 8;
constexpr uint32_t kMaxMsbBits = ENERGON_PQ_MAX_MSB_BITS;
constexpr uint32_t kThresholdOne = ENERGON_PQ_THRESHOLD_ONE;
constexpr uint32_t kMaxSearchThresholdQ8 = ENERGON_A3_MAX_THRESHOLD_Q8;

/// Empty string when the shape is valid, else what is wrong.
std::string validate(const AttentionShape& s);
/// Empty string when every rule the filter configuration holds is well formed (at most kMaxRounds
/// rounds of widths 1..kMaxFilterBits, k_bits not decreasing, each rule in range), else what is
/// wrong. What a policy requires of its fields (a round count, a rule kind) is the policy's own
/// check: hw::AttentionPolicy::validate on the hardware side, golden::validate_filter on the
/// golden side.
std::string validate(const FilterConfig& f);
/// One rule in range: alpha_q8 in −256..256 (threshold), k ≥ 1 or a fraction in (0, 1] (top-k).
/// `where` prefixes the message ("round 2").
std::string validate_select(const SelectConfig& rule, const std::string& where);

/// Signed INT16 tensor with one float scale per head: x_real ≈ scale[h]·data[...].
/// Layout [head][row][d], row-major.
struct QuantizedTensor {
  std::vector<int16_t> data;
  std::vector<float> scale;
};

/// Float tensors of one layer, layout Q [heads][n_q][d], K and V [kv_heads][n_k][d].
struct FloatLayer {
  AttentionShape shape;
  std::vector<float> q, k, v;
};

struct QuantizedLayer {
  AttentionShape shape;
  QuantizedTensor q, k, v;
  PruneMask prune;  ///< heads and tokens the job leaves out (none by default)
};

}  // namespace energon
