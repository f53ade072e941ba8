#include "energon/hw/accel_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <type_traits>

namespace energon::hw {

const char* to_string(TimingMode m) {
  return m == TimingMode::accurate ? "accurate" : "lt";
}

AccelConfig AccelConfig::edge() {
  return AccelConfig{};
}

AccelConfig AccelConfig::server() {
  AccelConfig c;
  c.fu_multipliers = 2048;
  c.fu_lanes = 32;
  c.au_qk_multipliers = 256;
  c.au_v_multipliers = 256;
  c.softmax_lanes = 32;
  c.selector_elems_per_cycle = 32;
  c.fifo_depth = 8;
  c.sram_bytes = 1024 * 1024;
  c.sram_bytes_per_cycle = 512;
  return c;
}

AccelConfig accel_preset(const std::string& name) {
  if (name == "energon-edge") return AccelConfig::edge();
  if (name == "energon-server") return AccelConfig::server();
  throw ConfigError("unknown accelerator preset '" + name + "' (expected energon-edge or energon-server)");
}

std::string validate(const AccelConfig& c) {
  std::ostringstream e;
  if (!(c.clock_mhz > 0.0) || !std::isfinite(c.clock_mhz))
    e << "clock_mhz must be a positive number";
  else if (c.fu_multipliers == 0 || c.fu_lanes == 0 || c.fu_multipliers % c.fu_lanes != 0)
    e << "fu_multipliers (" << c.fu_multipliers << ") must be a non-zero multiple of fu_lanes (" << c.fu_lanes
      << ")";
  else if (c.au_qk_multipliers == 0 || c.au_v_multipliers == 0)
    e << "au_qk_multipliers and au_v_multipliers must be at least 1";
  else if (c.softmax_lanes == 0)
    e << "softmax_lanes must be at least 1";
  else if (c.selector_elems_per_cycle == 0)
    e << "selector_elems_per_cycle must be at least 1";
  else if (c.fifo_depth == 0)
    e << "fifo_depth must be at least 1";
  else if (c.q_tile_rows == 0)
    e << "q_tile_rows must be at least 1";
  else if (c.sram_bytes_per_cycle == 0)
    e << "sram_bytes_per_cycle must be at least 1";
  else if (c.lt_quantum_cycles == 0)
    e << "lt_quantum_cycles must be at least 1";
  return e.str();
}

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
      {"clock_mhz",
       [&](const YAML::Node& v, const std::string& k) { c.clock_mhz = read_scalar<double>(v, file, k); }},
      {"fu_multipliers", u32(c.fu_multipliers)},
      {"fu_lanes", u32(c.fu_lanes)},
      {"fu_latency", u32(c.fu_latency)},
      {"au_qk_multipliers", u32(c.au_qk_multipliers)},
      {"au_v_multipliers", u32(c.au_v_multipliers)},
      {"au_latency", u32(c.au_latency)},
      {"softmax_lanes", u32(c.softmax_lanes)},
      {"softmax_latency", u32(c.softmax_latency)},
      {"selector_elems_per_cycle", u32(c.selector_elems_per_cycle)},
      {"selector_latency", u32(c.selector_latency)},
      {"fifo_depth", u32(c.fifo_depth)},
      {"q_tile_rows", u32(c.q_tile_rows)},
      {"sram_bytes", u64(c.sram_bytes)},
      {"sram_bytes_per_cycle", u32(c.sram_bytes_per_cycle)},
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
    const std::string key = kv.first.as<std::string>();
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
