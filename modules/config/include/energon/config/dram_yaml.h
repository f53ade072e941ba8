// YAML loading of DRAM configurations and the DRAM preset folder (<data root>/dram).
#pragma once

#include <string>
#include <vector>

#include "energon/hw/dram_config.h"

namespace energon::hw {

/// Loads a preset by name (<presets dir>/<name>.yaml) or a YAML file by path.
/// The presets dir is $ENERGON_DRAM_PRESETS_DIR if set, else <data root>/dram.
DramConfig load_dram_config(const std::string& preset_name_or_path);

/// Parses YAML text; `origin` names the text in error messages.
DramConfig parse_dram_config(const std::string& yaml_text, const std::string& origin);

/// Directory presets are resolved from.
std::string dram_presets_dir();

/// Names of the presets found in dram_presets_dir(), sorted.
std::vector<std::string> dram_preset_names();

}  // namespace energon::hw
