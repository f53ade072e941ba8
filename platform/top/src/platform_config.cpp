#include "energon/platform/platform_config.h"
#include "energon/config/named_config.h"
#include "energon/config/accel_yaml.h"
#include "energon/config/dram_yaml.h"
#include "energon/config/yaml_scalar.h"

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
  return load_platform_config(preset_or_path, {});
}

PlatformConfig load_platform_config(const std::string& preset_or_path, const std::vector<std::string>& overrides) {
  const std::string path = kPresets.resolve(preset_or_path);
  if (path.empty())
    throw ConfigError("unknown hardware preset '" + preset_or_path + "' (known: " + kPresets.names_list() +
                      "; or give a path to a YAML file)");
  std::string text;
  if (const std::string e = read_text_file(path, text); !e.empty())
    throw ConfigError(path + ": hardware configuration file: " + e);
  return parse_platform_config(text, path, overrides);
}

namespace {

std::string exact(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

YAML::Node dram_node(const hw::DramConfig& d) {
  YAML::Node n;
  n["name"] = d.name;
  n["source"] = d.source;
  n["size_bytes"] = d.size_bytes;
  YAML::Node o = n["organization"];
  o["channels"] = d.channels;
  o["ranks"] = d.ranks;
  o["bank_groups"] = d.bank_groups;
  o["banks_per_group"] = d.banks_per_group;
  o["rows"] = d.rows;
  o["columns"] = d.columns;
  o["bus_width_bits"] = d.bus_width_bits;
  o["burst_length"] = d.burst_length;
  o["data_rate"] = d.data_rate;
  n["clock"]["tCK_ps"] = exact(d.tck_ps);
  const hw::DramTimingParams& t = d.timing;
  YAML::Node tn = n["timing"];
  for (auto [k, v] : std::initializer_list<std::pair<const char*, uint32_t>>{{"tRCD", t.tRCD},
                                                                             {"tRP", t.tRP},
                                                                             {"tCL", t.tCL},
                                                                             {"tCWL", t.tCWL},
                                                                             {"tRAS", t.tRAS},
                                                                             {"tRC", t.tRC},
                                                                             {"tCCD_S", t.tCCD_S},
                                                                             {"tCCD_L", t.tCCD_L},
                                                                             {"tRRD_S", t.tRRD_S},
                                                                             {"tRRD_L", t.tRRD_L},
                                                                             {"tFAW", t.tFAW},
                                                                             {"tWR", t.tWR},
                                                                             {"tWTR_S", t.tWTR_S},
                                                                             {"tWTR_L", t.tWTR_L},
                                                                             {"tRTP", t.tRTP},
                                                                             {"tRTRS", t.tRTRS}})
    tn[k] = v;
  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, uint32_t>>{
           {"tDQSCK", t.tDQSCK}, {"tRPab", t.tRPab}, {"tRCD_WR", t.tRCD_WR}, {"tRTW", t.tRTW}})
    if (v != 0) tn[k] = v;  // 0 is the key's default: none, or tRP / tRCD
  n["refresh"]["enabled"] = d.refresh_enabled;
  if (d.refresh_enabled) {
    n["refresh"]["tREFI"] = t.tREFI;
    n["refresh"]["tRFC"] = t.tRFC;
  }
  const hw::DramControllerParams& mc = d.controller;
  n["refresh"]["postpone"] = mc.refresh_postpone;
  n["refresh"]["stagger"] = hw::to_string(mc.refresh_stagger);
  YAML::Node c = n["controller"];
  c["scheduler"] = mc.scheduler;
  c["starvation_cap"] = mc.starvation_cap;
  c["page_policy"] = hw::to_string(mc.page_policy);
  c["request_buffer"] = mc.request_buffer;
  c["arbitration_cycles"] = mc.arbitration_cycles;
  const hw::DramCommandBusParams& cb = d.command_bus;
  YAML::Node b = n["command_bus"];
  b["activate_cycles"] = cb.activate_cycles;
  b["column_cycles"] = cb.column_cycles;
  b["precharge_cycles"] = cb.precharge_cycles;
  b["refresh_cycles"] = cb.refresh_cycles;
  b["row_column_split"] = cb.row_column_split;
  b["channels_per_bus"] = cb.channels_per_bus;
  YAML::Node m = n["address_mapping"];
  for (const hw::DramMappingSlice& s : d.mapping)  // a field of one value (one rank) holds no address bit
    if (s.bits > 0) m.push_back(std::string(hw::to_string(s.field)) + ":" + std::to_string(s.bits));
  return n;
}

void apply_override(YAML::Node& root, const std::string& text, const std::string& origin) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set '" + text + "': expected KEY=VALUE with a dotted preset key (accelerator.fu_lanes=16)");
  const std::string key = text.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set '" + text + "': value is not valid YAML: " + e.what());
  }
  std::vector<std::string> path;
  std::stringstream parts(key);
  for (std::string p; std::getline(parts, p, '.');) path.push_back(p);
  static const char* const sections[] = {"name", "description", "accelerator", "dram", "host"};
  if (std::find(std::begin(sections), std::end(sections), path[0]) == std::end(sections))
    throw ConfigError("--set '" + text + "': key '" + path[0] +
                      "' is not a preset section (expected accelerator, dram, host, name or description)");
  if (path[0] == "dram" && path.size() > 1 && root["dram"] && root["dram"].IsScalar()) {
    std::string ref = root["dram"].Scalar();
    if (ref.find('/') != std::string::npos && fs::path(ref).is_relative())
      ref = (fs::path(origin).parent_path() / ref).string();
    root["dram"] = dram_node(hw::load_dram_config(ref));  // inline the preset so that its keys can change
  }
  YAML::Node at = root;
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (at[path[i]] && !at[path[i]].IsMap())
      throw ConfigError("--set '" + text + "': '" + path[i] + "' is not a section");
    chain.push_back(at[path[i]]);
    at.reset(chain.back());
  }
  at[path.back()] = value;
}

}  // namespace

std::string dump_platform_yaml(const PlatformConfig& c) {
  YAML::Node n;
  n["name"] = c.name;
  n["description"] = c.description;
  YAML::Node a = n["accelerator"];
  const hw::AccelConfig& x = c.accel;
  a["clock_mhz"] = exact(x.clock_mhz);
  for (auto [k, v] : std::initializer_list<std::pair<const char*, uint64_t>>{
           {"reg_access_cycles", x.reg_access_cycles},
           {"check_cycles", x.check_cycles},
           {"max_burst_bytes", x.max_burst_bytes},
           {"max_outstanding", x.max_outstanding},
           {"fu_multipliers", x.fu_multipliers},
           {"fu_lanes", x.fu_lanes},
           {"fu_latency", x.fu_latency},
           {"au_qk_multipliers", x.au_qk_multipliers},
           {"au_v_multipliers", x.au_v_multipliers},
           {"au_latency", x.au_latency},
           {"softmax_lanes", x.softmax_lanes},
           {"softmax_latency", x.softmax_latency},
           {"au_score_buffer_keys", x.au_score_buffer_keys},
           {"au_query_tile", x.au_query_tile},
           {"selector_elems_per_cycle", x.selector_elems_per_cycle},
           {"selector_latency", x.selector_latency},
           {"search_sort_elems_per_cycle", x.search_sort_elems_per_cycle},
           {"search_latency", x.search_latency},
           {"fifo_depth", x.fifo_depth},
           {"q_tile_rows", x.q_tile_rows},
           {"sram_bytes", x.sram_bytes},
           {"sram_bytes_per_cycle", x.sram_bytes_per_cycle},
           {"sram_banks", x.sram_banks},
           {"lt_quantum_cycles", x.lt_quantum_cycles}})
    a[k] = v;
  a["timing"] = hw::to_string(x.timing);
  n["dram"] = dram_node(c.dram);
  YAML::Node h = n["host"];
  h["reg_access_ns"] = exact(c.host_cost.reg_access_ns);
  h["quantize_ns_per_elem"] = exact(c.host_cost.quantize_ns_per_elem);
  h["pack_ns_per_byte"] = exact(c.host_cost.pack_ns_per_byte);
  h["copy_ns_per_byte"] = exact(c.host_cost.copy_ns_per_byte);
  h["desc_build_ns"] = exact(c.host_cost.desc_build_ns);
  h["irq_entry_ns"] = exact(c.host_cost.irq_entry_ns);
  h["rank_ns_per_elem"] = exact(c.host_cost.rank_ns_per_elem);
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

static double host_ns(const YAML::Node& node, const std::string& key, const std::string& origin) {
  double v = 0;
  try {
    v = node.as<double>();
  } catch (const YAML::Exception&) {
    throw ConfigError(origin + ": host." + key + ": expected a number of nanoseconds");
  }
  if (!(v >= 0 && v <= 1e9))
    throw ConfigError(origin + ": host." + key + ": must be a finite number of ns in 0..1e9, got " + std::to_string(v));
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
      {"irq_entry_ns", &HostCpuCost::irq_entry_ns},
      {"rank_ns_per_elem", &HostCpuCost::rank_ns_per_elem}};
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = config::key_text<ConfigError>(it->first, origin, "host");
    auto f = std::find_if(std::begin(fields), std::end(fields), [&](auto& p) { return key == p.first; });
    if (f == std::end(fields))
      throw ConfigError(origin + ": host." + key +
                        ": unknown key (expected reg_access_ns, quantize_ns_per_elem, pack_ns_per_byte, "
                        "copy_ns_per_byte, desc_build_ns, irq_entry_ns, rank_ns_per_elem)");
    c.*(f->second) = host_ns(it->second, key, origin);
  }
  return c;
}

static hw::DramConfig parse_dram(const YAML::Node& node, const std::string& origin) {
  try {
    if (node.IsScalar()) {
      std::string ref = node.Scalar();
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
  throw ConfigError(origin +
                    ": dram: expected a DRAM preset name (ddr4-3200, lpddr4-4266, hbm2), a path, or a mapping");
}

PlatformConfig parse_platform_config(const std::string& yaml_text, const std::string& file,
                                     const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(file + ": not valid YAML: " + e.what());
  }
  // An energon-vp --dump-config file: its hardware section.
  if (root.IsMap() && root["hardware"] && root["hardware"].IsMap() && root["workload"]) root = root["hardware"];
  std::string origin = file;
  for (const std::string& o : overrides) {
    if (root.IsMap()) apply_override(root, o, file);
    origin += (origin == file ? " with --set " : ", ") + o;
  }
  if (!root.IsMap())
    throw ConfigError(origin + ": expected a mapping with keys accelerator, dram (and name, description, host)");
  PlatformConfig c;
  c.origin = file;
  c.name = fs::path(file).stem().string();
  bool have_accel = false, have_dram = false;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = config::key_text<ConfigError>(it->first, origin, "");
    const YAML::Node v = it->second;  // a copy: GCC 12 flags a reference into the iterator as dangling
    if (key == "name") {
      c.name = config::scalar_text<ConfigError>(v, origin, "name");
    } else if (key == "description") {
      c.description = config::scalar_text<ConfigError>(v, origin, "description");
    } else if (key == "accelerator") {
      c.accel = hw::parse_accel_config(v, origin);
      have_accel = true;
    } else if (key == "dram") {
      c.dram = parse_dram(v, origin);
      have_dram = true;
    } else if (key == "host") {
      c.host_cost = parse_host(v, origin);
    } else {
      throw ConfigError(origin + ": " + key + ": unknown key (expected name, description, accelerator, dram, host)");
    }
  }
  if (!have_accel) throw ConfigError(origin + ": accelerator: missing (the accelerator section is required)");
  if (!have_dram) throw ConfigError(origin + ": dram: missing (a DRAM preset name or section is required)");
  return c;
}

}  // namespace energon::platform
