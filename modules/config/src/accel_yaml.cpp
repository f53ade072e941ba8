// YAML → AccelConfig: the `accelerator:` section of a hardware preset.
#include "energon/config/accel_yaml.h"

#include <yaml-cpp/yaml.h>

#include "energon/config/yaml_scalar.h"

#include <functional>
#include <limits>
#include <map>
#include <type_traits>

namespace energon::hw {

namespace {

template <typename T>
T read_scalar(const YAML::Node& v, const std::string& file, const std::string& key) {
  if (!v.IsScalar()) throw ConfigError(file + ": accelerator." + key + " must be a scalar");
  try {
    if constexpr (std::is_integral_v<T>) {
      const long long x = v.as<long long>();
      if (x < 0 || static_cast<unsigned long long>(x) > std::numeric_limits<T>::max())
        throw ConfigError(file + ": accelerator." + key + " = " + v.Scalar() + " is out of range");
      return static_cast<T>(x);
    } else {
      return v.as<T>();
    }
  } catch (const YAML::Exception&) {
    throw ConfigError(file + ": accelerator." + key + " = '" + v.Scalar() + "' is not a valid number");
  }
}

}  // namespace

AccelConfig parse_accel_config(const YAML::Node& node, const std::string& file) {
  if (!node || !node.IsMap()) throw ConfigError(file + ": 'accelerator' must be a mapping");
  AccelConfig c;
  if (const YAML::Node p = node["preset"]) {
    if (!p.IsScalar()) throw ConfigError(file + ": accelerator.preset must be a name");
    try {
      c = accel_preset(p.Scalar());
    } catch (const ConfigError& e) {
      throw ConfigError(file + ": accelerator.preset: " + e.what());
    }
  }
  using Setter = std::function<void(const YAML::Node&, const std::string&)>;
  auto u32 = [&](uint32_t& f) -> Setter {
    return [&f, &file](const YAML::Node& v, const std::string& k) { f = read_scalar<uint32_t>(v, file, k); };
  };
  auto u64 = [&](uint64_t& f) -> Setter {
    return [&f, &file](const YAML::Node& v, const std::string& k) { f = read_scalar<uint64_t>(v, file, k); };
  };
  const std::map<std::string, Setter> keys = {
      {"preset", [](const YAML::Node&, const std::string&) {}},
      {"clock_mhz", [&](const YAML::Node& v, const std::string& k) { c.clock_mhz = read_scalar<double>(v, file, k); }},
      {"reg_access_cycles", u32(c.reg_access_cycles)},
      {"check_cycles", u32(c.check_cycles)},
      {"max_burst_bytes", u32(c.max_burst_bytes)},
      {"max_outstanding", u32(c.max_outstanding)},
      {"fu_multipliers", u32(c.fu_multipliers)},
      {"fu_lanes", u32(c.fu_lanes)},
      {"fu_latency", u32(c.fu_latency)},
      {"au_qk_multipliers", u32(c.au_qk_multipliers)},
      {"au_v_multipliers", u32(c.au_v_multipliers)},
      {"au_latency", u32(c.au_latency)},
      {"softmax_lanes", u32(c.softmax_lanes)},
      {"softmax_latency", u32(c.softmax_latency)},
      {"au_score_buffer_keys", u32(c.au_score_buffer_keys)},
      {"au_query_tile", u32(c.au_query_tile)},
      {"selector_elems_per_cycle", u32(c.selector_elems_per_cycle)},
      {"selector_latency", u32(c.selector_latency)},
      {"search_sort_elems_per_cycle", u32(c.search_sort_elems_per_cycle)},
      {"search_latency", u32(c.search_latency)},
      {"fifo_depth", u32(c.fifo_depth)},
      {"q_tile_rows", u32(c.q_tile_rows)},
      {"sram_bytes", u64(c.sram_bytes)},
      {"sram_bytes_per_cycle", u32(c.sram_bytes_per_cycle)},
      {"sram_banks", u32(c.sram_banks)},
      {"lt_quantum_cycles", u64(c.lt_quantum_cycles)},
      {"timing",
       [&](const YAML::Node& v, const std::string& k) {
         const std::string s = v.IsScalar() ? v.Scalar() : std::string();
         if (s == "lt")
           c.timing = TimingMode::lt;
         else if (s == "accurate")
           c.timing = TimingMode::accurate;
         else
           throw ConfigError(file + ": accelerator." + k + " = '" + s + "' (expected lt or accurate)");
       }},
  };
  for (const auto& kv : node) {
    const std::string key = config::key_text<ConfigError>(kv.first, file, "accelerator");
    const auto it = keys.find(key);
    if (it == keys.end()) {
      std::string known;
      for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k.first;
      throw ConfigError(file + ": unknown key accelerator." + key + " (known: " + known + ")");
    }
    it->second(kv.second, key);
  }
  const std::string err = validate(c);
  if (!err.empty()) throw ConfigError(file + ": accelerator: " + err);
  return c;
}

}  // namespace energon::hw
