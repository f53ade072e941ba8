// Rounds files: the filter configuration per layer of a model (docs/policies.md, "Per-layer
// rounds"), read by `energon-vp --rounds-file` (synthetic and real-model modes) and written by
// `energon-calibrate`:
//   policy: mpmrf                               # dense | topk | mpmrf (required)
//   default: "4x2:alpha=-0.25,4x4:alpha=0"      # the policy's parameters for unlisted layers
//   layers: {0: "8x8:alpha=-0.25", 3: "4x4:alpha=0"}
// A value is what the policy's own option takes (mpmrf: --rounds, topk: --topk); dense takes none.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "energon/layer_filters.h"

namespace energon::config {

/// Every problem of a rounds file; the message names the file, the line, the key, the value and
/// what was expected.
struct RoundsFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RoundsFile {
  std::string origin;  ///< the file (messages)
  LayerFilters filters;
  std::map<uint32_t, int> line_of;  ///< line of each layer entry (messages)

  /// Throws RoundsFileError when a layer entry is beyond a model of `n_layers` layers.
  void check_layers(uint32_t n_layers) const;
};

/// Parses rounds-file text; `origin` names it in messages.
RoundsFile parse_rounds_yaml(const std::string& text, const std::string& origin);
/// Reads and parses the file at `path`.
RoundsFile load_rounds_file(const std::string& path);
/// A command's --rounds-file option: reads `path` into `out` and sets `policy` to the file's;
/// `policy_given` says the command line named a policy too (`policy_text`, for the message),
/// which must then be the file's. "" on success, else the message for the user.
std::string read_rounds_file_option(const std::string& path, bool policy_given, const std::string& policy_text,
                                    Policy& policy, RoundsFile& out);
/// The file text of `filters` (parse_rounds_yaml reads it back to equal filters); `comment`
/// lines are written first, each prefixed with "# ".
std::string format_rounds_yaml(const LayerFilters& filters, const std::string& comment = "");

}  // namespace energon::config
