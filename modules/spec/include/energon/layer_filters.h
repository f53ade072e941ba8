// Filter configuration per layer of a model: one default and per-layer overrides (a rounds file,
// docs/policies.md "Per-layer rounds"). A descriptor carries one set of rounds for all its heads,
// so the finest grain the hardware takes is one job; the hosts here run one job per layer (or
// per kv head of a layer), hence per layer.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "energon/attention_job.h"

namespace energon {

struct LayerFilters {
  FilterConfig base;                        ///< every layer without an entry in `layers`
  std::map<uint32_t, FilterConfig> layers;  ///< per-layer overrides

  LayerFilters() = default;
  LayerFilters(FilterConfig f) : base(std::move(f)) {}  // NOLINT(google-explicit-constructor): one filter for all
  LayerFilters(FilterConfig f, std::map<uint32_t, FilterConfig> per_layer)
      : base(std::move(f)), layers(std::move(per_layer)) {}

  const FilterConfig& at(uint32_t layer) const {
    const auto it = layers.find(layer);
    return it == layers.end() ? base : it->second;
  }
  bool per_layer() const { return !layers.empty(); }
};

}  // namespace energon
