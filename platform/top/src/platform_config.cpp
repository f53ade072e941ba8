#include "energon/platform/platform_config.h"
#include "energon/config/named_config.h"
#include "energon/config/accel_yaml.h"
#include "energon/config/dram_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace energon::platform {

namespace fs = std::filesystem;
using hw::ConfigError;

static const NamedConfigDir kPresets("ENERGON_PLATFORM_PRESETS_DIR", "presets");

std::string platform_presets_dir() { return kPresets.dir(); }

std::vector<std::string> platform_preset_names() { return kPresets.names(); }

PlatformConfig load_platform_config(const std::string& preset_or_path) {
  const std::string path = kPresets.resolve(preset_or_path);
  if (path.empty())
    throw ConfigError("unknown hardware preset '" + preset_or_path + "' (known: " + kPresets.names_list() +
                      "; or give a path to a YAML file)");
  std::string text;
  if (!read_text_file(path, text)) throw ConfigError(path + ": cannot open the hardware configuration file");
  return parse_platform_config(text, path);
}

static double host_ns(const YAML::Node& node, const std::string& key, const std::string& origin) {
  double v = 0;
  try {
    v = node.as<double>();
  } catch (const YAML::Exception&) {
    throw ConfigError(origin + ": host." + key + ": expected a number of nanoseconds");
  }
  if (!(v >= 0)) throw ConfigError(origin + ": host." + key + ": must be >= 0 ns");
  return v;
}

static HostCpuCost parse_host(const YAML::Node& node, const std::string& origin) {
  if (!node.IsMap()) throw ConfigError(origin + ": host: expected a mapping of cost-model fields");
  HostCpuCost c;
  const std::pair<const char*, double HostCpuCost::*> fields[] = {
      {"reg_access_ns", &HostCpuCost::reg_access_ns},
      {"quantize_ns_per_elem", &HostCpuCost::quantize_ns_per_elem},
      {"pack_ns_per_byte", &HostCpuCost::pack_ns_per_byte},
      {"copy_ns_per_byte", &HostCpuCost::copy_ns_per_byte},
      {"desc_build_ns", &HostCpuCost::desc_build_ns},
      {"irq_entry_ns", &HostCpuCost::irq_entry_ns}};
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    auto f = std::find_if(std::begin(fields), std::end(fields), [&](auto& p) { return key == p.first; });
    if (f == std::end(fields))
      throw ConfigError(origin + ": host." + key +
                        ": unknown key (expected reg_access_ns, quantize_ns_per_elem, pack_ns_per_byte, "
                        "copy_ns_per_byte, desc_build_ns, irq_entry_ns)");
    c.*(f->second) = host_ns(it->second, key, origin);
  }
  return c;
}

static hw::DramConfig parse_dram(const YAML::Node& node, const std::string& origin) {
  try {
    if (node.IsScalar()) {
      std::string ref = node.as<std::string>();
      // A relative path resolves against the preset file's folder.
      if (ref.find('/') != std::string::npos && fs::path(ref).is_relative())
        ref = (fs::path(origin).parent_path() / ref).string();
      return hw::load_dram_config(ref);
    }
    if (node.IsMap()) {
      YAML::Emitter out;
      out << node;
      return hw::parse_dram_config(out.c_str(), origin + " (dram section)");
    }
  } catch (const hw::DramConfigError& e) {
    throw ConfigError(origin + ": dram: " + e.what());
  }
  throw ConfigError(
      origin + ": dram: expected a DRAM preset name (ddr4-3200, lpddr4-4266, hbm2), a path, or a mapping");
}

PlatformConfig parse_platform_config(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap())
    throw ConfigError(origin +
                      ": expected a mapping with keys accelerator, dram (and name, description, host)");
  PlatformConfig c;
  c.origin = origin;
  c.name = fs::path(origin).stem().string();
  bool have_accel = false, have_dram = false;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    const YAML::Node v = it->second;  // a copy: GCC 12 flags a reference into the iterator as dangling
    if (key == "name") {
      c.name = v.as<std::string>();
    } else if (key == "description") {
      c.description = v.as<std::string>();
    } else if (key == "accelerator") {
      c.accel = hw::parse_accel_config(v, origin);
      have_accel = true;
    } else if (key == "dram") {
      c.dram = parse_dram(v, origin);
      have_dram = true;
    } else if (key == "host") {
      c.host_cost = parse_host(v, origin);
    } else {
      throw ConfigError(origin + ": " + key +
                        ": unknown key (expected name, description, accelerator, dram, host)");
    }
  }
  if (!have_accel) throw ConfigError(origin + ": accelerator: missing (the accelerator section is required)");
  if (!have_dram) throw ConfigError(origin + ": dram: missing (a DRAM preset name or section is required)");
  return c;
}

}  // namespace energon::platform
