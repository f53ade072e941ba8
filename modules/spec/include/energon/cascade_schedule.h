// Cascade token and head pruning across the layers of one model (SpAtten, docs/pruning.md): the
// fraction of the model's tokens and of its heads each layer keeps. The host driver holds the
// importance and prunes (platform/firmware energon_cascade.h); this is its parameter.
//   --token-keep 1,1,0.9,0.8    layer 0 keeps every token, layer 2 90 %, layer 3 and later 80 %
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace energon {

struct CascadeSchedule {
  std::vector<uint32_t> tokens_ppm, heads_ppm;  ///< per layer; the last entry holds for later layers

  /// Any pruning at all (a list given).
  bool enabled() const { return !tokens_ppm.empty() || !heads_ppm.empty(); }
  uint32_t tokens_at(uint32_t layer) const { return at(tokens_ppm, layer); }
  uint32_t heads_at(uint32_t layer) const { return at(heads_ppm, layer); }

 private:
  static uint32_t at(const std::vector<uint32_t>& v, uint32_t layer);
};

/// Parses a keep list "1,1,0.9,0.8" (fractions in (0, 1], exact to 1 ppm) into `out`. Layer 0
/// keeps everything (no importance exists before it), and a later layer never keeps more than the
/// one before (pruned tokens stay pruned). Returns "" or what is wrong, naming `option`, the entry
/// and the value.
std::string parse_keep_list(const std::string& text, const std::string& option, std::vector<uint32_t>& out);
/// The inverse of parse_keep_list.
std::string format_keep_list(const std::vector<uint32_t>& ppm);

}  // namespace energon
