// Parse layer of the workload YAML: plain structs, every field optional, filled with
// type-checked values only. workload_validate.cpp turns them into a Workload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "energon/workload/workload.h"

namespace energon::workload::detail {

struct RawNpyFiles {
  std::optional<std::string> q, k, v;
};

struct RawData {
  std::vector<std::string> keys_present;  ///< full key paths, for the per-source key check
  std::optional<std::string> source;
  // synthetic
  std::optional<uint64_t> seed;
  std::optional<uint32_t> dominant_keys, local_window, sink_tokens;
  std::optional<double> dominant_strength, local_strength, sink_strength, noise, head_variation;
  // npy
  std::optional<std::vector<RawNpyFiles>> files;
  std::optional<std::string> q, k, v;  ///< per-layer path patterns containing {layer}
  std::optional<double> int16_scale_q, int16_scale_k, int16_scale_v;
};

struct RawWorkload {
  std::optional<std::string> name, description;
  std::optional<uint32_t> layers, heads, kv_heads, d, seq_len, n_q, n_k, valid_len;
  std::optional<bool> causal;
  std::optional<RawData> data;
};

/// YAML text → RawWorkload. `file` names the source in error messages.
RawWorkload parse_raw(const std::string& yaml_text, const std::string& file);
/// RawWorkload → Workload with defaults, cross-field checks and npy header checks.
Workload validate_raw(const RawWorkload& raw, const std::string& file);

/// "<file>: key '<key>': <what>" — the one message format of the loader.
std::string key_error(const std::string& file, const std::string& key, const std::string& what);

}  // namespace energon::workload::detail
