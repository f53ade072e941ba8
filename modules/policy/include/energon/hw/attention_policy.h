// A sparse-attention policy of the accelerator (dense, topk, mpmrf, ...): the descriptor fields it
// reads and their checks, the row schedule the datapath runs on the filter engine, selector and
// attention engine, the rounds the energy model prices and the fields reports show. One
// implementation per file (src/<name>_policy.cpp), one entry per policy in the register map's
// ENERGON_POLICIES; the registry finds them by name or policy id (docs/policies.md).
// Plain C++, no SystemC: the controller's checks, the datapath, the energy model and the reports
// all use it. The golden model has its own counterpart (energon/golden/policy_model.h).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "energon/attention_job.h"
#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// One round on the low-bit filter engine (FU): operand widths, the K planes it needs and the
/// selector's rule on its scores.
struct FilterRoundStep {
  uint8_t q_bits = 0, k_bits = 0;
  uint8_t plane_end = 0;  ///< leading K planes covering k_bits; the FU fetches those it lacks
  SelectConfig rule;
};

/// SpAtten's progressive quantization on the attention engine (the spatten policy): a first Q·K
/// pass on the K planes [0, msb_planes) only (the LSB planes read as zero), the softmax unit's
/// p16_max of those scores, and for a row with p16_max < threshold_q16 a second, exact INT16 pass
/// that fetches the LSB planes [msb_planes, n_planes) of its keys. The attention select then runs
/// on the row's last scores (approximate or recomputed), which the final softmax reuses.
struct ProgressiveStep {
  bool enabled = false;
  uint32_t msb_bits = 0;  ///< K's leading bits in planes [0, msb_planes) (a plane boundary, < 16)
  uint32_t msb_planes = 0;
  uint32_t threshold_q16 = 0;  ///< 0..65536: recompute iff p16_max < threshold_q16
};

/// A³'s candidate search on the candidate-search unit (the a3 policy): once per kv head the unit
/// sorts K's columns, then per row it runs M = config.iterations(N) greedy iterations over them and
/// hands on the keys with a positive greedy score; the attention engine scores those at INT16 and
/// the selector keeps those within config.score_margin(c) of the row's largest (attention_rule,
/// rule max_margin, its margin set per head).
struct CandidateSearchStep {
  bool enabled = false;
  CandidateSearchConfig config;
};

/// What the datapath runs on every query row, in order: the FU rounds over the surviving
/// candidates; then, with `attention_select`, the AU's INT16 scores of every remaining key and
/// the selector's `attention_rule` on them (the softmax reuses the kept keys' scores); then the
/// softmax and ×V on the kept keys.
struct RowSchedule {
  std::vector<FilterRoundStep> filter_rounds;
  bool attention_select = false;
  SelectConfig attention_rule;
  ProgressiveStep progressive;           ///< only with attention_select and no filter rounds
  CandidateSearchStep candidate_search;  ///< before the AU's scores, instead of filter rounds

  /// Selection steps of a row; their kept counts are result_kept[0..n) (FU rounds or the candidate
  /// search first).
  size_t selection_steps() const {
    return filter_rounds.size() + (candidate_search.enabled ? 1 : 0) + (attention_select ? 1 : 0);
  }
  /// K planes [0, filter_planes()) are the filter rounds' (0 without rounds).
  uint32_t filter_planes() const {
    uint32_t p = 0;
    for (const FilterRoundStep& r : filter_rounds) p = p > r.plane_end ? p : r.plane_end;
    return p;
  }
};

/// A command line's filter options as given; each policy reads the ones it uses.
struct PolicyOptions {
  std::string rounds;           ///< --rounds ("" = Energon's default rounds)
  std::optional<double> alpha;  ///< --alpha: α of every threshold round
  std::string topk;             ///< --topk rule ("top=25%"); "" = topk_fraction_ppm
  uint32_t topk_fraction_ppm = kFractionOne / 4;
  std::string pq_threshold;  ///< --pq-threshold: spatten's recompute threshold, a decimal in [0, 1] ("" = 0.1)
  std::optional<uint32_t> pq_msb_bits;  ///< --pq-msb-bits: spatten's MSB width (default 8)
  std::string a3_iterations;            ///< --a3-iterations: a3's M as a fraction of the row's allowed keys ("" = 0.5)
  std::string a3_threshold;             ///< --a3-threshold: a3's post-scoring threshold T in nats ("" = 8)
};

class AttentionPolicy {
 public:
  virtual ~AttentionPolicy() = default;
  /// The register map's name ("mpmrf") and descriptor policy byte (ENERGON_POLICY_MPMRF).
  virtual const char* name() const = 0;
  virtual uint8_t id() const = 0;
  Policy policy() const { return static_cast<Policy>(id()); }

  // ---- descriptor: the controller's checks, then the datapath ----
  /// The reserved bytes of the descriptor fields this policy reads are zero (else ERR_RESERVED).
  /// Runs before any other field check: must not trust n_rounds or the like.
  virtual bool reserved_clear(const energon_desc_t& d) const = 0;
  /// "" when the policy's descriptor fields are in range, else what is wrong (ERR_POLICY).
  virtual std::string field_error(const energon_desc_t& d) const = 0;
  /// The row schedule of a descriptor whose fields passed field_error() and the plane checks.
  /// Throws std::invalid_argument when the descriptor has none (e.g. a round count out of range).
  virtual RowSchedule schedule(const energon_desc_t& d) const = 0;
  /// The policy's fields for a register-level log line (", rounds 4x2:a=-64/256"; "" if none).
  virtual std::string describe(const energon_desc_t& d) const = 0;

  // ---- host configuration: commands, workloads, reports ----
  /// The configuration the options give; throws std::invalid_argument naming the option
  /// ("--rounds '9x9:alpha=0': round 1: ...").
  virtual FilterConfig configure(const PolicyOptions& o) const = 0;
  /// "" when f suits this policy (the spec's validate(f) included), else what is wrong.
  virtual std::string validate(const FilterConfig& f) const = 0;
  /// The selection steps a row of a valid configuration goes through (kept counts per step).
  virtual size_t selection_steps(const FilterConfig& f) const = 0;
  /// The policy's parameters for reports ("4x2:alpha=-0.25,4x4:alpha=0"; "" if none).
  virtual std::string parameters(const FilterConfig& f) const = 0;
  /// The report key of those parameters ("rounds", "topk"; "" if none).
  virtual const char* parameters_key() const = 0;
};

/// A policy name or id that no policy of the register map has.
struct UnknownPolicy : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// Every policy, in the register map's order (ENERGON_POLICIES).
const std::vector<const AttentionPolicy*>& attention_policies();
/// The policy with this descriptor id or name; nullptr when there is none.
const AttentionPolicy* find_policy(uint8_t id);
const AttentionPolicy* find_policy(std::string_view name);
/// The same; throws UnknownPolicy naming the known ones when there is none.
const AttentionPolicy& policy_by_id(uint8_t id);
const AttentionPolicy& policy_by_name(std::string_view name);
const AttentionPolicy& policy_of(Policy p);

}  // namespace energon::hw
