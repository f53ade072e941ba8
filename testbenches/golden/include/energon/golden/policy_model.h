// The golden model's counterpart of each attention policy: the reference steps (spec §1.2–1.3) a
// query row goes through. One file per policy (src/policies/<name>_model.cpp), one per entry of
// the register map's ENERGON_POLICIES. The hardware's twin is hw::AttentionPolicy
// (modules/policy), which the golden model never links: both sides read the same FilterConfig.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "energon/attention_job.h"

namespace energon::golden {

/// What the reference runs on every query row, in order: the low-bit rounds on MSB slices of Q
/// and K, then (with `full_precision_select`) the rule on the INT16 scores of the remaining keys,
/// then the softmax and ×V on the kept keys.
struct GoldenSchedule {
  std::vector<FilterRound> low_bit_rounds;
  bool full_precision_select = false;
  SelectConfig full_precision_rule;
  /// spatten: the INT16 scores come first from K with its LSBs cleared, and again from exact K
  /// for a row whose p16_max of the first scores is below the threshold (docs/numerics.md).
  std::optional<ProgressiveConfig> progressive;
  /// a3: the candidate search on K's sorted columns picks the keys the INT16 scores run on, and the
  /// full-precision rule is max_margin with the head's margin (docs/numerics.md "Candidate search").
  std::optional<CandidateSearchConfig> candidate_search;

  /// Selection steps of a row (GoldenStats::rounds, low-bit rounds or the candidate search first).
  size_t selection_steps() const {
    return low_bit_rounds.size() + (candidate_search ? 1 : 0) + (full_precision_select ? 1 : 0);
  }
};

class PolicyModel {
 public:
  virtual ~PolicyModel() = default;
  virtual const char* name() const = 0;
  virtual Policy policy() const = 0;
  /// "" when f is a valid configuration of this policy (the spec's validate(f) included).
  virtual std::string validate(const FilterConfig& f) const = 0;
  /// The reference steps of f's rows.
  virtual GoldenSchedule schedule(const FilterConfig& f) const = 0;
};

/// Every policy's model, in the register map's order.
const std::vector<const PolicyModel*>& policy_models();
/// The model of p; nullptr / std::invalid_argument naming the known policies when there is none.
const PolicyModel* find_policy_model(Policy p);
const PolicyModel& policy_model(Policy p);
/// validate(f) of f's policy model: "" when f is a valid configuration (unknown policy: an error).
std::string validate_filter(const FilterConfig& f);

}  // namespace energon::golden
