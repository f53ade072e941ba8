// Hardware preset of the whole platform: the accelerator (AccelConfig), the DRAM (DramConfig)
// and the host CPU cost model, loaded from platform/presets/<name>.yaml or any YAML file.
#pragma once

#include <string>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/dram_config.h"
#include "energon/platform/host_cpu.h"

namespace energon::platform {

struct PlatformConfig {
  std::string name;  ///< preset name ("energon-edge")
  std::string description;
  std::string origin;  ///< file it was loaded from
  hw::AccelConfig accel;
  hw::DramConfig dram;
  HostCpuCost host_cost;
};

/// Loads a preset by name (presets dir/<name>.yaml) or a YAML file by path (contains '/' or
/// ends in .yaml/.yml). Keys: name, description, accelerator (parse_accel_config), dram (a DRAM
/// preset name, a path, or an inline DRAM mapping), host (HostCpuCost fields in ns).
/// Throws hw::ConfigError naming the file and key.
PlatformConfig load_platform_config(const std::string& preset_or_path);
/// Same, with `overrides` ("accelerator.fu_lanes=16", "dram.timing.tRCD=20ns", "host.reg_access_ns=5")
/// applied to the YAML before it is validated, so they get the same checks and messages (a DRAM
/// preset named by the file is inlined first when an override reaches into it).
PlatformConfig load_platform_config(const std::string& preset_or_path, const std::vector<std::string>& overrides);
/// Parses YAML text as if read from `origin` (an energon-vp --dump-config file: its hardware section).
PlatformConfig parse_platform_config(const std::string& yaml_text, const std::string& origin,
                                     const std::vector<std::string>& overrides = {});

/// The configuration as a hardware YAML mapping that parse_platform_config() reads back into the
/// same configuration: every accelerator key, the DRAM inline with every field in cycles, the
/// host cost model; numbers exact.
std::string dump_platform_yaml(const PlatformConfig& c);

/// $ENERGON_PLATFORM_PRESETS_DIR if set, else the source tree's platform/presets.
std::string platform_presets_dir();
/// Names of the presets in platform_presets_dir(), sorted.
std::vector<std::string> platform_preset_names();

}  // namespace energon::platform
