// Seeded synthetic Q/K/V whose attention has the structure of trained models:
// a few dominant keys per query, a local window, attention sinks, noise.
#pragma once

#include <cstdint>

#include "energon/attention_job.h"

namespace energon::workload {

/// Parameters of the synthetic generator (docs/workloads.md). Strengths are in logit
/// units, i.e. the amount a component adds to q·k/sqrt(d).
struct SyntheticParams {
  static constexpr uint64_t kDefaultSeed = 1;
  static constexpr uint32_t kDefaultDominantKeys = 4;
  static constexpr float kDefaultDominantStrength = 6.0f;
  static constexpr uint32_t kDefaultLocalWindow = 4;
  static constexpr float kDefaultLocalStrength = 3.5f;
  static constexpr uint32_t kDefaultSinkTokens = 1;
  static constexpr float kDefaultSinkStrength = 5.5f;
  static constexpr float kDefaultNoise = 1.5f;
  static constexpr float kDefaultHeadVariation = 0.3f;
  static constexpr float kMaxHeadVariation = 2.0f;
  static constexpr uint32_t kMaxDominantKeys = 16;

  uint64_t seed = kDefaultSeed;
  uint32_t dominant_keys = kDefaultDominantKeys;  ///< each query picks 1..dominant_keys keys (0: none)
  float dominant_strength = kDefaultDominantStrength;
  uint32_t local_window = kDefaultLocalWindow;  ///< std of the Gaussian position kernel, in tokens (0: none)
  float local_strength = kDefaultLocalStrength;
  uint32_t sink_tokens = kDefaultSinkTokens;  ///< keys 0..sink_tokens-1 attract every query
  float sink_strength = kDefaultSinkStrength;
  float noise = kDefaultNoise;  ///< std of the query noise, ≈ std of the random logit part
  /// std of log(per-query-head multiplier) of each component: heads differ (0: identical heads)
  float head_variation = kDefaultHeadVariation;
};

/// Layer `layer` of a synthetic workload: deterministic from (params.seed, layer),
/// identical bytes on every platform with IEEE doubles. O(n·d·const) time.
FloatLayer make_synthetic_layer(const AttentionShape& shape, const SyntheticParams& params, uint32_t layer);

}  // namespace energon::workload
