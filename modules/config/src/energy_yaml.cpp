// YAML → parse structs (optional fields, unknown keys rejected) → validated EnergyTable.
#include "energon/config/energy_yaml.h"
#include "energon/config/named_config.h"
#include "energon/config/yaml_scalar.h"
#include "yaml_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace energon::hw {
namespace {

namespace fs = std::filesystem;

// ---- parse layer: what the file says, nothing derived --------------------------------------

struct ValueFile {
  std::optional<double> value;
  std::optional<std::string> source;
  std::string key;  // full dotted key, for messages
  int line = 0;
};

struct SramFile {
  std::optional<double> capacity_bytes, read_pj_per_byte, write_pj_per_byte;
  std::optional<std::string> source;
  std::string key;
  int line = 0;
};

struct TableFile {
  std::optional<std::string> name, description;
  std::optional<ValueFile> technology_nm, mult_8x8_pj, add_pj_per_bit, accumulator_guard_bits, row_statistics_pj,
      int16_mac_pj, softmax_element_pj, selector_element_pj, search_compare_pj, static_power_w;
  bool has_sram = false;
  std::vector<SramFile> sram;
  std::vector<ValueFile> dram;       // key = dram_pj_per_bit.<standard>
  std::vector<ValueFile> reference;  // key = reference.<name>
};

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

std::string last_part(const std::string& key) { return key.substr(key.rfind('.') + 1); }

class Parser {
 public:
  explicit Parser(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& key, const YAML::Node& at, const std::string& what) const {
    std::ostringstream os;
    os << origin_;
    if (at.IsDefined() && at.Mark().line >= 0) os << ":" << at.Mark().line + 1;
    os << ": key '" << key << "': " << what;
    throw EnergyConfigError(os.str());
  }

  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) fail(path.empty() ? "<top>" : path, map, "expected a mapping of keys");
    for (const auto& kv : map) {
      const std::string k = config::key_text<EnergyConfigError>(kv.first, origin_, path);
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(join(path, k), kv.first, "unknown key (expected one of: " + list + ")");
      }
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(key, n, "expected a single value");
    return n.Scalar();
  }

  double number(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(v)) fail(key, n, "expected a number, got '" + s + "'");
    return v;
  }

  std::optional<std::string> text(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    return scalar(n, join(path, key));
  }

  /// `key: {value: <number>, source: <text>}`.
  ValueFile value(const YAML::Node& n, const std::string& key) const {
    if (!n.IsMap()) fail(key, n, "expected {value: <number>, source: <where the number comes from>}");
    check_keys(n, key, {"value", "source"});
    ValueFile v;
    v.key = key;
    v.line = n.Mark().line + 1;
    if (const YAML::Node x = n["value"]; x.IsDefined() && !x.IsNull()) v.value = number(x, join(key, "value"));
    v.source = text(n, key, "source");
    return v;
  }

  std::optional<ValueFile> value_at(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    return value(n, join(path, key));
  }

  std::vector<ValueFile> named_values(const YAML::Node& map, const std::string& key) const {
    std::vector<ValueFile> out;
    if (!map.IsMap()) fail(key, map, "expected a mapping of names to {value, source}");
    for (const auto& kv : map)
      out.push_back(value(kv.second, join(key, config::key_text<EnergyConfigError>(kv.first, origin_, key))));
    return out;
  }

  TableFile parse(const YAML::Node& root) const {
    TableFile f;
    check_keys(root, "",
               {"name", "description", "technology_nm", "low_bit_mac", "row_statistics_pj", "int16_mac_pj",
                "softmax_element_pj", "selector_element_pj", "search_compare_pj", "sram", "dram_pj_per_bit",
                "static_power_w", "reference"});
    f.name = text(root, "", "name");
    f.description = text(root, "", "description");
    f.technology_nm = value_at(root, "", "technology_nm");
    if (const YAML::Node m = root["low_bit_mac"]; m.IsDefined()) {
      check_keys(m, "low_bit_mac", {"description", "mult_8x8_pj", "add_pj_per_bit", "accumulator_guard_bits"});
      f.mult_8x8_pj = value_at(m, "low_bit_mac", "mult_8x8_pj");
      f.add_pj_per_bit = value_at(m, "low_bit_mac", "add_pj_per_bit");
      f.accumulator_guard_bits = value_at(m, "low_bit_mac", "accumulator_guard_bits");
    }
    f.row_statistics_pj = value_at(root, "", "row_statistics_pj");
    f.int16_mac_pj = value_at(root, "", "int16_mac_pj");
    f.softmax_element_pj = value_at(root, "", "softmax_element_pj");
    f.selector_element_pj = value_at(root, "", "selector_element_pj");
    f.search_compare_pj = value_at(root, "", "search_compare_pj");
    f.static_power_w = value_at(root, "", "static_power_w");
    if (const YAML::Node s = root["sram"]; s.IsDefined()) {
      f.has_sram = true;
      if (!s.IsSequence())
        fail("sram", s, "expected a list of {capacity_bytes, read_pj_per_byte, write_pj_per_byte, source}");
      for (size_t i = 0; i < s.size(); ++i) {
        const std::string key = "sram[" + std::to_string(i) + "]";
        check_keys(s[i], key, {"capacity_bytes", "read_pj_per_byte", "write_pj_per_byte", "source"});
        SramFile p;
        p.key = key;
        p.line = s[i].Mark().line + 1;
        for (auto [k, dst] :
             {std::pair{"capacity_bytes", &p.capacity_bytes}, std::pair{"read_pj_per_byte", &p.read_pj_per_byte},
              std::pair{"write_pj_per_byte", &p.write_pj_per_byte}})
          if (const YAML::Node x = s[i][k]; x.IsDefined() && !x.IsNull()) *dst = number(x, join(key, k));
        p.source = text(s[i], key, "source");
        f.sram.push_back(p);
      }
    }
    if (const YAML::Node d = root["dram_pj_per_bit"]; d.IsDefined()) f.dram = named_values(d, "dram_pj_per_bit");
    if (const YAML::Node r = root["reference"]; r.IsDefined()) {
      check_keys(r, "reference", {"clock_mhz", "core_power_w", "throughput_gops", "area_mm2"});
      f.reference = named_values(r, "reference");
    }
    return f;
  }

 private:
  std::string origin_;
};

// ---- validation layer: required keys, sources, ranges ---------------------------------------

constexpr double kMaxFigure = 1e6;

class Validator {
 public:
  Validator(const TableFile& f, std::string origin) : f_(f), origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what, int line = 0) const {
    std::ostringstream os;
    os << origin_;
    if (line > 0) os << ":" << line;
    os << ": key '" << key << "': " << what;
    throw EnergyConfigError(os.str());
  }

  SourcedValue sourced(const ValueFile& v) const {
    if (!v.value) fail(v.key + ".value", "missing (expected a number)", v.line);
    if (!v.source || v.source->empty())
      fail(v.key + ".source", "missing (every value must say where it comes from)", v.line);
    if (*v.value < 0) fail(v.key + ".value", "must be >= 0, got " + std::to_string(*v.value), v.line);
    // Every figure (pJ per event, W, mm², MHz, GOPS) is far below 10^6 in any real table; above it
    // is a typo or a unit slip, and the report would be silently absurd.
    if (*v.value > kMaxFigure)
      fail(v.key + ".value", "must be at most 1e6 (pJ per event, W, mm², MHz or GOPS), got " + std::to_string(*v.value),
           v.line);
    return {*v.value, *v.source};
  }

  SourcedValue need(const std::optional<ValueFile>& v, const std::string& key, const std::string& what) const {
    if (!v) fail(key, "missing (expected {value: " + what + ", source: ...})");
    return sourced(*v);
  }

  EnergyTable build() const {
    EnergyTable t;
    t.origin = origin_;
    if (!f_.name) fail("name", "missing (expected the table name, e.g. energon-45nm)");
    t.name = *f_.name;
    t.description = f_.description.value_or("");
    t.technology_nm = need(f_.technology_nm, "technology_nm", "the process node in nm");
    t.mult_8x8_pj = need(f_.mult_8x8_pj, "low_bit_mac.mult_8x8_pj", "pJ of an 8x8 integer multiply");
    t.add_pj_per_bit = need(f_.add_pj_per_bit, "low_bit_mac.add_pj_per_bit", "pJ per adder bit");
    t.accumulator_guard_bits = need(f_.accumulator_guard_bits, "low_bit_mac.accumulator_guard_bits", "bits");
    t.row_statistics_pj = need(f_.row_statistics_pj, "row_statistics_pj", "pJ per score");
    t.int16_mac_pj = need(f_.int16_mac_pj, "int16_mac_pj", "pJ per INT16 MAC");
    t.softmax_element_pj = need(f_.softmax_element_pj, "softmax_element_pj", "pJ per element");
    t.selector_element_pj = need(f_.selector_element_pj, "selector_element_pj", "pJ per compare");
    t.search_compare_pj = need(f_.search_compare_pj, "search_compare_pj", "pJ per compare");
    t.static_power_w = need(f_.static_power_w, "static_power_w", "W");
    if (!f_.has_sram) fail("sram", "missing (expected a list of SRAM size classes)");
    for (const auto& p : f_.sram) {
      if (!p.capacity_bytes) fail(p.key + ".capacity_bytes", "missing (expected bytes)", p.line);
      if (!p.read_pj_per_byte) fail(p.key + ".read_pj_per_byte", "missing (expected pJ per byte)", p.line);
      if (!p.write_pj_per_byte) fail(p.key + ".write_pj_per_byte", "missing (expected pJ per byte)", p.line);
      if (!p.source || p.source->empty())
        fail(p.key + ".source", "missing (every value must say where it comes from)", p.line);
      if (*p.read_pj_per_byte < 0) fail(p.key + ".read_pj_per_byte", "must be >= 0", p.line);
      if (*p.write_pj_per_byte < 0) fail(p.key + ".write_pj_per_byte", "must be >= 0", p.line);
      if (!(*p.capacity_bytes >= 1) || std::floor(*p.capacity_bytes) != *p.capacity_bytes || *p.capacity_bytes > 1e15)
        fail(p.key + ".capacity_bytes", "expected a whole number of bytes >= 1", p.line);
      t.sram.push_back({uint64_t(*p.capacity_bytes), *p.read_pj_per_byte, *p.write_pj_per_byte, *p.source});
    }
    if (f_.dram.empty()) fail("dram_pj_per_bit", "missing (expected e.g. ddr4, lpddr4, hbm2 with {value, source})");
    for (const auto& v : f_.dram) t.dram_pj_per_bit[last_part(v.key)] = sourced(v);
    for (const auto& v : f_.reference) t.reference[last_part(v.key)] = sourced(v);
    validate_energy_table(t);
    return t;
  }

 private:
  const TableFile& f_;
  std::string origin_;
};

}  // namespace

static const NamedConfigDir kTables("ENERGON_ENERGY_TABLES_DIR", "energy");

std::string energy_tables_dir() { return kTables.dir(); }

std::vector<std::string> energy_table_names() { return kTables.names(); }

EnergyTable parse_energy_table(const std::string& yaml_text, const std::string& origin) {
  const TableFile f = Parser(origin).parse(config::parse_yaml_map<EnergyConfigError>(yaml_text, origin));
  return Validator(f, origin).build();
}

EnergyTable load_energy_table(const std::string& name_or_path) {
  std::string path;
  const std::string text = config::read_named_yaml<EnergyConfigError>(kTables, name_or_path, "energy table", path);
  return parse_energy_table(text, path);
}

}  // namespace energon::hw
