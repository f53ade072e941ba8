// Golden reference model of Energon attention (spec §1), bit for bit. No SystemC here:
// testbenches compare every hardware block against these functions.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/attention_job.h"

namespace energon::kernels {
struct KernelSet;
}

namespace energon::golden {

// ---- §1.1 quantization and MSB slicing ----

/// Per-tensor-per-head scale: max|x| / 32767 (1.0 for an all-zero head).
float tensor_scale(const float* x, size_t n);
/// round-to-nearest-even of x / scale in float32, saturated to INT16.
int16_t quantize(float x, float scale);
/// Quantizes Q, K and V with one scale per head.
QuantizedLayer quantize_layer(const FloatLayer& layer);
/// The b most significant bits of an INT16 value: x >> (16 − b), arithmetic.
inline int32_t msb_slice(int16_t x, unsigned bits) { return int32_t(x) >> (16 - bits); }

// ---- §1.2 selection rules on one query row ----

/// Threshold rule: keeps candidates[j] iff 256·N·s_j ≥ rhs (64-bit exact). scores[j] belongs to
/// candidates[j]. Appends the kept key indices, in ascending order, to `kept`.
void select_threshold(const int64_t* scores, const uint32_t* candidates, uint32_t n, int32_t alpha_q8,
                      std::vector<uint32_t>& kept);
/// Top-k rule: the k largest scores, ties to the lower key index; kept in ascending key order.
void select_topk(const int64_t* scores, const uint32_t* candidates, uint32_t n, uint32_t k,
                 std::vector<uint32_t>& kept);
/// Max-margin rule (a3's post-scoring): keeps candidates[j] iff max_j s_j − s_j ≤ margin.
void select_max_margin(const int64_t* scores, const uint32_t* candidates, uint32_t n, int64_t margin,
                       std::vector<uint32_t>& kept);
/// Applies `rule` (threshold, top-k or max-margin) to one row.
void select(const SelectConfig& rule, const int64_t* scores, const uint32_t* candidates, uint32_t n,
            std::vector<uint32_t>& kept);

// ---- §1.3 final attention of one query row ----

/// c = (scale_q · scale_k) / sqrtf(d), float32.
float softmax_scale(float scale_q, float scale_k, uint32_t d);
/// Full INT16 Q·K with a 64-bit accumulator.
int64_t dot_int16(const int16_t* q, const int16_t* k, uint32_t d);
/// Softmax over `n` scores in ascending key order, to Q0.16 probabilities.
void softmax_q16(const int64_t* acc, uint32_t n, float c, uint16_t* p16);
/// o[t] = round_half_away(Σ p16_j · v[kept_j][t] / 65536), saturated to INT16 (n ≤ 65536).
/// The sum is computed by the active kernel set (kernels.h); every set gives the same bits.
void weighted_sum(const uint16_t* p16, const uint32_t* kept, uint32_t n, const int16_t* v_head, uint32_t d,
                  int16_t* out);
/// The same with an explicit kernel set.
void weighted_sum(const kernels::KernelSet& kern, const uint16_t* p16, const uint32_t* kept, uint32_t n,
                  const int16_t* v_head, uint32_t d, int16_t* out);

// ---- whole job ----

struct RoundCounts {
  uint64_t candidates = 0;  ///< keys entering the round, summed over heads and queries
  uint64_t kept = 0;        ///< keys leaving it
};

struct GoldenStats {
  uint64_t allowed = 0;             ///< keys allowed by the masks
  std::vector<RoundCounts> rounds;  ///< mpmrf: one per round; topk: one; a3: the search, then post-scoring
  uint64_t final_kept = 0;          ///< keys used by the final attention
  uint64_t pq_rows = 0;             ///< spatten: rows through the MSB pass (rows with allowed keys)
  uint64_t pq_recomputed = 0;       ///< spatten: rows recomputed at exact INT16 (p16_max < threshold)
  Importance importance;            ///< token and head importance (what ENERGON_DESC_FLAG_IMPORTANCE writes)
  double kept_fraction() const { return allowed ? double(final_kept) / double(allowed) : 0.0; }
};

/// Optional per-row observer: gets the kept set after every round, for block-level testbenches.
struct RowObserver {
  virtual ~RowObserver() = default;
  /// round 0 is the mask-allowed set; round r ≥ 1 after rule r; `last` is the final kept set.
  virtual void on_round(uint32_t head, uint32_t query, uint32_t round, const std::vector<uint32_t>& kept,
                        bool last) = 0;
};

/// Runs one job: output INT16 [heads][n_q][d] with V's scales. Streams query rows; the
/// shape and filter configuration must be valid (energon::validate, golden::validate_filter).
/// The job's prune mask leaves heads and tokens out (docs/pruning.md).
std::vector<int16_t> run_attention(const QuantizedLayer& job, const FilterConfig& filter, GoldenStats* stats = nullptr,
                                   RowObserver* observer = nullptr);

}  // namespace energon::golden
