// YAML → parse structs (optional fields, unknown keys rejected) → validated DramConfig.
#include "energon/config/dram_yaml.h"
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

/// A duration as written: plain integer cycles or a number with a unit.
struct DurationText {
  double value = 0;
  enum class Unit { ck, ps, ns, us } unit = Unit::ck;
  std::string key;  // full key, for messages
  int line = 0;
};

struct OrganizationFile {
  std::optional<uint64_t> channels, ranks, bank_groups, banks_per_group, rows, columns, bus_width_bits, burst_length,
      data_rate;
};

struct TimingFile {
  std::optional<DurationText> tRCD, tRP, tCL, tCWL, tRAS, tRC, tCCD, tCCD_S, tCCD_L, tRRD, tRRD_S, tRRD_L, tFAW, tWR,
      tWTR, tWTR_S, tWTR_L, tRTP, tRTRS, tDQSCK, tRPab, tRCD_WR, tRTW;
};

struct RefreshFile {
  std::optional<bool> enabled;
  std::optional<DurationText> tREFI, tRFC;
  std::optional<uint64_t> postpone;
  std::optional<std::string> stagger;
  int stagger_line = 0;
};

struct ControllerFile {
  std::optional<std::string> scheduler, page_policy;
  std::optional<uint64_t> starvation_cap, request_buffer, arbitration_cycles;
  int scheduler_line = 0, page_policy_line = 0;
};

struct CommandBusFile {
  std::optional<uint64_t> activate_cycles, column_cycles, precharge_cycles, refresh_cycles, channels_per_bus;
  std::optional<bool> row_column_split;
};

struct MappingEntryFile {
  std::string text;
  int line = 0;
};

struct DramFile {
  std::optional<std::string> name, source;
  std::optional<uint64_t> size_bytes;
  OrganizationFile organization;
  std::optional<double> tck_ps;
  TimingFile timing;
  RefreshFile refresh;
  ControllerFile controller;
  CommandBusFile command_bus;
  std::vector<MappingEntryFile> mapping;
  bool has_mapping = false;
};

class Parser {
 public:
  explicit Parser(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& key, const YAML::Node& at, const std::string& what) const {
    std::ostringstream os;
    os << origin_;
    if (at.IsDefined() && at.Mark().line >= 0) os << ":" << at.Mark().line + 1;
    os << ": key '" << key << "': " << what;
    throw DramConfigError(os.str());
  }

  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) fail(path.empty() ? "<top>" : path, map, "expected a mapping of keys");
    for (const auto& kv : map) {
      const std::string k = config::key_text<DramConfigError>(kv.first, origin_, path);
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(join(path, k), kv.first, "unknown key (expected one of: " + list + ")");
      }
    }
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  std::optional<uint64_t> count(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;  // absent: the default; present but empty: refused by scalar()
    const std::string s = scalar(n, join(path, key));
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 0);
    if (end == s.c_str() || *end != '\0' || errno != 0)
      fail(join(path, key), n, "expected a non-negative integer, got '" + s + "'");
    if (v < 0) fail(join(path, key), n, "must be >= 0, got " + s);
    if (uint64_t(v) > 0xFFFFFFFFull) fail(join(path, key), n, "must be at most 4294967295, got " + s);
    return uint64_t(v);
  }

  std::optional<uint64_t> size(const YAML::Node& map, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;  // absent: the default; present but empty: refused by scalar()
    const std::string s = scalar(n, key);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    std::string unit(end);
    unit.erase(0, unit.find_first_not_of(' '));
    double mult = 0;
    if (unit.empty() || unit == "B")
      mult = 1;
    else if (unit == "KiB")
      mult = 1024.0;
    else if (unit == "MiB")
      mult = 1024.0 * 1024;
    else if (unit == "GiB")
      mult = 1024.0 * 1024 * 1024;
    if (end == s.c_str() || mult == 0 || !(v > 0) || std::floor(v * mult) != v * mult || v * mult > 0x1p62)
      fail(key, n,
           "expected a positive byte count up to 2^62 such as 1073741824 or '1GiB' (units B, KiB, MiB, GiB), got '" +
               s + "'");
    return uint64_t(v * mult);
  }

  std::optional<double> positive(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;  // absent: the default; present but empty: refused by scalar()
    const std::string s = scalar(n, join(path, key));
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || !std::isfinite(v))
      fail(join(path, key), n, "expected a number, got '" + s + "'");
    if (!(v > 0)) fail(join(path, key), n, "must be > 0, got " + s);
    return v;
  }

  std::optional<bool> flag(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;  // absent: the default; present but empty: refused by scalar()
    const std::string s = scalar(n, join(path, key));
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(join(path, key), n, "expected true or false, got '" + s + "'");
  }

  std::optional<std::string> text(const YAML::Node& map, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;  // absent: the default; present but empty: refused by scalar()
    return scalar(n, key);
  }

  std::optional<DurationText> duration(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined()) return std::nullopt;  // absent: the default; present but empty: refused by scalar()
    const std::string full = join(path, key);
    const std::string s = scalar(n, full);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    std::string unit(end);
    unit.erase(0, unit.find_first_not_of(' '));
    DurationText d;
    d.key = full;
    d.line = n.Mark().line + 1;
    d.value = v;
    if (unit.empty() || unit == "ck" || unit == "nCK")
      d.unit = DurationText::Unit::ck;
    else if (unit == "ps")
      d.unit = DurationText::Unit::ps;
    else if (unit == "ns")
      d.unit = DurationText::Unit::ns;
    else if (unit == "us")
      d.unit = DurationText::Unit::us;
    else
      fail(full, n, "expected clock cycles (22) or a time with unit ps/ns/us (13.75ns), got '" + s + "'");
    if (end == s.c_str() || !std::isfinite(v))
      fail(full, n, "expected clock cycles (22) or a time with unit ps/ns/us (13.75ns), got '" + s + "'");
    if (v < 0) fail(full, n, "must be >= 0, got " + s);
    if (d.unit == DurationText::Unit::ck && std::floor(v) != v)
      fail(full, n, "clock cycles must be a whole number (or give a unit: ns), got '" + s + "'");
    return d;
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (n.IsNull()) fail(key, n, "no value given (give one, or leave the key out for its default)");
    if (!n.IsScalar()) fail(key, n, "expected a single value");
    return n.Scalar();
  }

  DramFile parse(const YAML::Node& root) const {
    DramFile f;
    check_keys(root, "",
               {"name", "source", "description", "size_bytes", "organization", "clock", "timing", "refresh",
                "controller", "command_bus", "address_mapping"});
    f.name = text(root, "name");
    f.source = text(root, "source");
    f.size_bytes = size(root, "size_bytes");

    if (const YAML::Node o = root["organization"]; o.IsDefined()) {
      const std::string p = "organization";
      check_keys(o, p,
                 {"channels", "ranks", "bank_groups", "banks_per_group", "rows", "columns", "bus_width_bits",
                  "burst_length", "data_rate"});
      auto& g = f.organization;
      g.channels = count(o, p, "channels");
      g.ranks = count(o, p, "ranks");
      g.bank_groups = count(o, p, "bank_groups");
      g.banks_per_group = count(o, p, "banks_per_group");
      g.rows = count(o, p, "rows");
      g.columns = count(o, p, "columns");
      g.bus_width_bits = count(o, p, "bus_width_bits");
      g.burst_length = count(o, p, "burst_length");
      g.data_rate = count(o, p, "data_rate");
    }
    if (const YAML::Node c = root["clock"]; c.IsDefined()) {
      check_keys(c, "clock", {"tCK_ps"});
      f.tck_ps = positive(c, "clock", "tCK_ps");
    }
    if (const YAML::Node t = root["timing"]; t.IsDefined()) {
      const std::string p = "timing";
      check_keys(t, p, {"tRCD",   "tRP",  "tCL",    "tCWL",   "tRAS",  "tRC",     "tCCD", "tCCD_S",
                        "tCCD_L", "tRRD", "tRRD_S", "tRRD_L", "tFAW",  "tWR",     "tWTR", "tWTR_S",
                        "tWTR_L", "tRTP", "tRTRS",  "tDQSCK", "tRPab", "tRCD_WR", "tRTW"});
      auto& m = f.timing;
      m.tRCD = duration(t, p, "tRCD");
      m.tRP = duration(t, p, "tRP");
      m.tCL = duration(t, p, "tCL");
      m.tCWL = duration(t, p, "tCWL");
      m.tRAS = duration(t, p, "tRAS");
      m.tRC = duration(t, p, "tRC");
      m.tCCD = duration(t, p, "tCCD");
      m.tCCD_S = duration(t, p, "tCCD_S");
      m.tCCD_L = duration(t, p, "tCCD_L");
      m.tRRD = duration(t, p, "tRRD");
      m.tRRD_S = duration(t, p, "tRRD_S");
      m.tRRD_L = duration(t, p, "tRRD_L");
      m.tFAW = duration(t, p, "tFAW");
      m.tWR = duration(t, p, "tWR");
      m.tWTR = duration(t, p, "tWTR");
      m.tWTR_S = duration(t, p, "tWTR_S");
      m.tWTR_L = duration(t, p, "tWTR_L");
      m.tRTP = duration(t, p, "tRTP");
      m.tRTRS = duration(t, p, "tRTRS");
      m.tDQSCK = duration(t, p, "tDQSCK");
      m.tRPab = duration(t, p, "tRPab");
      m.tRCD_WR = duration(t, p, "tRCD_WR");
      m.tRTW = duration(t, p, "tRTW");
    }
    if (const YAML::Node r = root["refresh"]; r.IsDefined()) {
      check_keys(r, "refresh", {"enabled", "tREFI", "tRFC", "postpone", "stagger"});
      f.refresh.enabled = flag(r, "refresh", "enabled");
      f.refresh.postpone = count(r, "refresh", "postpone");
      f.refresh.stagger = text(r, "stagger");
      if (f.refresh.stagger) f.refresh.stagger_line = r["stagger"].Mark().line + 1;
      f.refresh.tREFI = duration(r, "refresh", "tREFI");
      f.refresh.tRFC = duration(r, "refresh", "tRFC");
    }
    if (const YAML::Node m = root["controller"]; m.IsDefined()) {
      const std::string p = "controller";
      check_keys(m, p, {"scheduler", "starvation_cap", "page_policy", "request_buffer", "arbitration_cycles"});
      auto& k = f.controller;
      k.scheduler = text(m, "scheduler");
      if (k.scheduler) k.scheduler_line = m["scheduler"].Mark().line + 1;
      k.page_policy = text(m, "page_policy");
      if (k.page_policy) k.page_policy_line = m["page_policy"].Mark().line + 1;
      k.starvation_cap = count(m, p, "starvation_cap");
      k.request_buffer = count(m, p, "request_buffer");
      k.arbitration_cycles = count(m, p, "arbitration_cycles");
    }
    if (const YAML::Node b = root["command_bus"]; b.IsDefined()) {
      const std::string p = "command_bus";
      check_keys(b, p,
                 {"activate_cycles", "column_cycles", "precharge_cycles", "refresh_cycles", "row_column_split",
                  "channels_per_bus"});
      auto& k = f.command_bus;
      k.activate_cycles = count(b, p, "activate_cycles");
      k.column_cycles = count(b, p, "column_cycles");
      k.precharge_cycles = count(b, p, "precharge_cycles");
      k.refresh_cycles = count(b, p, "refresh_cycles");
      k.channels_per_bus = count(b, p, "channels_per_bus");
      k.row_column_split = flag(b, p, "row_column_split");
    }
    if (const YAML::Node m = root["address_mapping"]; m.IsDefined()) {
      if (!m.IsSequence())
        fail("address_mapping", m, "expected a list of fields from MSB to LSB, e.g. [row, bank, column, channel]");
      f.has_mapping = true;
      for (const auto& e : m) f.mapping.push_back({scalar(e, "address_mapping"), e.Mark().line + 1});
    }
    return f;
  }

 private:
  std::string origin_;
};

// ---- validation layer: file structs → DramConfig -------------------------------------------

class Validator {
 public:
  Validator(const DramFile& f, std::string origin) : f_(f), origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what, int line = 0) const {
    std::ostringstream os;
    os << origin_;
    if (line > 0) os << ":" << line;
    os << ": key '" << key << "': " << what;
    throw DramConfigError(os.str());
  }

  template <typename T>
  T need(const std::optional<T>& v, const std::string& key, const std::string& what) const {
    if (!v) fail(key, "missing (expected " + what + ")");
    return *v;
  }

  uint32_t cycles(const DurationText& d, double tck_ps) const {
    double c = d.value;
    switch (d.unit) {
      case DurationText::Unit::ck:
        break;
      case DurationText::Unit::ps:
        c = d.value / tck_ps;
        break;
      case DurationText::Unit::ns:
        c = d.value * 1e3 / tck_ps;
        break;
      case DurationText::Unit::us:
        c = d.value * 1e6 / tck_ps;
        break;
    }
    c = std::ceil(c - 1e-6);  // JEDEC rounding: nCK = ceil(t / tCK), tolerant of float noise
    if (c > 1e9) fail(d.key, "too large (" + std::to_string(c) + " cycles)", d.line);
    return uint32_t(std::max(0.0, c));
  }

  uint32_t req(const std::optional<DurationText>& d, const std::string& key, double tck) const {
    if (!d) fail(key, "missing (expected clock cycles or a time such as 13.75ns)");
    return cycles(*d, tck);
  }

  /// `tX` or both `tX_S` and `tX_L`; returns {S, L}.
  std::pair<uint32_t, uint32_t> short_long(const std::optional<DurationText>& one, const std::optional<DurationText>& s,
                                           const std::optional<DurationText>& l, const std::string& base,
                                           double tck) const {
    if (one && (s || l))
      fail("timing." + base, "give either " + base + " or " + base + "_S and " + base + "_L, not both");
    if (one) {
      const uint32_t v = cycles(*one, tck);
      return {v, v};
    }
    if (!s || !l)
      fail("timing." + base + (s ? "_L" : "_S"),
           "missing (expected timing." + base + ", or both " + base + "_S and " + base + "_L)");
    return {cycles(*s, tck), cycles(*l, tck)};
  }

  DramConfig build() const {
    DramConfig c;
    c.origin = origin_;
    c.name = need(f_.name, "name", "the preset name, e.g. ddr4-3200");
    c.source = need(f_.source, "source", "the JEDEC standard / datasheet the values come from");
    const auto& g = f_.organization;
    const std::string o = "organization.";
    c.channels = uint32_t(need(g.channels, o + "channels", "a power of two >= 1"));
    c.ranks = uint32_t(g.ranks.value_or(1));
    c.bank_groups = uint32_t(g.bank_groups.value_or(1));
    c.banks_per_group = uint32_t(need(g.banks_per_group, o + "banks_per_group", "banks in each bank group"));
    c.rows = uint32_t(need(g.rows, o + "rows", "rows per bank"));
    c.columns = uint32_t(need(g.columns, o + "columns", "bus-width words per row"));
    c.bus_width_bits = uint32_t(need(g.bus_width_bits, o + "bus_width_bits", "channel data width in bits"));
    c.burst_length = uint32_t(need(g.burst_length, o + "burst_length", "beats per burst"));
    c.data_rate = uint32_t(g.data_rate.value_or(2));
    c.tck_ps = need(f_.tck_ps, "clock.tCK_ps", "the clock period in ps");

    const double tck = c.tck_ps;
    const auto& t = f_.timing;
    auto& p = c.timing;
    p.tRCD = req(t.tRCD, "timing.tRCD", tck);
    p.tRP = req(t.tRP, "timing.tRP", tck);
    p.tCL = req(t.tCL, "timing.tCL", tck);
    p.tCWL = req(t.tCWL, "timing.tCWL", tck);
    p.tRAS = req(t.tRAS, "timing.tRAS", tck);
    p.tRC = t.tRC ? cycles(*t.tRC, tck) : p.tRAS + p.tRP;
    std::tie(p.tCCD_S, p.tCCD_L) = short_long(t.tCCD, t.tCCD_S, t.tCCD_L, "tCCD", tck);
    std::tie(p.tRRD_S, p.tRRD_L) = short_long(t.tRRD, t.tRRD_S, t.tRRD_L, "tRRD", tck);
    std::tie(p.tWTR_S, p.tWTR_L) = short_long(t.tWTR, t.tWTR_S, t.tWTR_L, "tWTR", tck);
    p.tFAW = req(t.tFAW, "timing.tFAW", tck);
    p.tWR = req(t.tWR, "timing.tWR", tck);
    p.tRTP = req(t.tRTP, "timing.tRTP", tck);
    p.tRTRS = t.tRTRS ? cycles(*t.tRTRS, tck) : 2;  // named default: 2-cycle bus turnaround

    c.refresh_enabled = f_.refresh.enabled.value_or(false);
    if (c.refresh_enabled) {
      p.tREFI = req(f_.refresh.tREFI, "refresh.tREFI", tck);
      p.tRFC = req(f_.refresh.tRFC, "refresh.tRFC", tck);
    } else {
      p.tREFI = f_.refresh.tREFI ? cycles(*f_.refresh.tREFI, tck) : 0;
      p.tRFC = f_.refresh.tRFC ? cycles(*f_.refresh.tRFC, tck) : 0;
    }

    p.tDQSCK = t.tDQSCK ? cycles(*t.tDQSCK, tck) : 0;
    p.tRPab = t.tRPab ? cycles(*t.tRPab, tck) : p.tRP;         // named default: all-bank = per-bank precharge
    p.tRCD_WR = t.tRCD_WR ? cycles(*t.tRCD_WR, tck) : p.tRCD;  // named default: one tRCD for RD and WR
    p.tRTW = t.tRTW ? cycles(*t.tRTW, tck) : 0;
    if (p.tRPab < p.tRP) fail("timing.tRPab", "must be >= tRP (" + std::to_string(p.tRP) + " cycles)", t.tRPab->line);

    const auto& k = f_.controller;
    auto& mc = c.controller;
    mc.scheduler = k.scheduler.value_or(mc.scheduler);
    if (k.page_policy) {
      if (*k.page_policy == "open")
        mc.page_policy = DramPagePolicy::open;
      else if (*k.page_policy == "closed")
        mc.page_policy = DramPagePolicy::closed;
      else
        fail("controller.page_policy", "expected open or closed, got '" + *k.page_policy + "'", k.page_policy_line);
    }
    if (k.scheduler && !is_dram_scheduler(*k.scheduler))
      fail("controller.scheduler",
           "unknown scheduler '" + *k.scheduler + "' (expected one of: " + dram_scheduler_list() + ")",
           k.scheduler_line);
    mc.starvation_cap = uint32_t(k.starvation_cap.value_or(mc.starvation_cap));
    mc.request_buffer = uint32_t(k.request_buffer.value_or(mc.request_buffer));
    mc.arbitration_cycles = uint32_t(k.arbitration_cycles.value_or(mc.arbitration_cycles));
    mc.refresh_postpone = uint32_t(f_.refresh.postpone.value_or(mc.refresh_postpone));
    if (const auto& st = f_.refresh.stagger) {
      if (*st == "none")
        mc.refresh_stagger = DramRefreshStagger::none;
      else if (*st == "bus")
        mc.refresh_stagger = DramRefreshStagger::bus;
      else if (*st == "all")
        mc.refresh_stagger = DramRefreshStagger::all;
      else
        fail("refresh.stagger", "expected none, bus or all, got '" + *st + "'", f_.refresh.stagger_line);
    }
    const auto& b = f_.command_bus;
    auto& cb = c.command_bus;
    cb.activate_cycles = uint32_t(b.activate_cycles.value_or(cb.activate_cycles));
    cb.column_cycles = uint32_t(b.column_cycles.value_or(cb.column_cycles));
    cb.precharge_cycles = uint32_t(b.precharge_cycles.value_or(cb.precharge_cycles));
    cb.refresh_cycles = uint32_t(b.refresh_cycles.value_or(cb.refresh_cycles));
    cb.channels_per_bus = uint32_t(b.channels_per_bus.value_or(cb.channels_per_bus));
    cb.row_column_split = b.row_column_split.value_or(cb.row_column_split);

    if (!f_.has_mapping)
      fail("address_mapping", "missing (expected a list of fields from MSB to LSB, e.g. [row, bank, column, channel])");
    for (const auto& e : f_.mapping) c.mapping.push_back(slice(e));
    // An entry without ":bits" takes all of its field's bits and must then be the field's only entry.
    for (size_t i = 0; i < c.mapping.size(); ++i) {
      if (c.mapping[i].bits != 0) continue;
      for (size_t j = 0; j < c.mapping.size(); ++j)
        if (j != i && c.mapping[j].field == c.mapping[i].field)
          fail("address_mapping",
               std::string("field '") + to_string(c.mapping[i].field) +
                   "' appears more than once: give field:bits in every entry",
               f_.mapping[i].line);
      c.mapping[i].bits = dram_field_bits(c, c.mapping[i].field);
    }
    c.size_bytes = f_.size_bytes ? *f_.size_bytes : 0;
    if (c.size_bytes == 0) c.size_bytes = checked_capacity(c);
    validate_dram_config(c);
    return c;
  }

  uint64_t checked_capacity(const DramConfig& c) const {
    // Catch overflow before validate_dram_config multiplies it out.
    double cap = double(c.channels) * c.ranks * c.bank_groups * c.banks_per_group * c.rows * c.columns *
                 (c.bus_width_bits / 8.0);
    if (cap > double(uint64_t(1) << 48)) fail("organization", "capacity beyond 256 TiB: check rows/columns");
    return c.capacity_bytes();
  }

  DramMappingSlice slice(const MappingEntryFile& e) const {
    std::string name = e.text;
    std::optional<unsigned> bits;
    if (const auto colon = name.find(':'); colon != std::string::npos) {
      const std::string b = name.substr(colon + 1);
      name = name.substr(0, colon);
      char* end = nullptr;
      const long v = std::strtol(b.c_str(), &end, 10);
      if (b.empty() || *end != '\0' || v <= 0 || v > 40)
        fail("address_mapping", "entry '" + e.text + "': expected field or field:bits with bits 1..40", e.line);
      bits = unsigned(v);
    }
    static const std::pair<const char*, DramField> names[] = {
        {"row", DramField::row},   {"rank", DramField::rank},       {"bank_group", DramField::bank_group},
        {"bank", DramField::bank}, {"channel", DramField::channel}, {"column", DramField::column}};
    for (const auto& [n, f] : names) {
      if (name != n) continue;
      // bits == 0 marks "all the field's bits", resolved in build().
      return {f, bits.value_or(0)};
    }
    fail("address_mapping",
         "entry '" + e.text + "': unknown field (expected row, rank, bank_group, bank, channel or column)", e.line);
  }

 private:
  const DramFile& f_;
  std::string origin_;
};

}  // namespace

static const NamedConfigDir kPresets("ENERGON_DRAM_PRESETS_DIR", "dram");

std::string dram_presets_dir() { return kPresets.dir(); }

std::vector<std::string> dram_preset_names() { return kPresets.names(); }

DramConfig parse_dram_config(const std::string& yaml_text, const std::string& origin) {
  const DramFile f = Parser(origin).parse(config::parse_yaml_map<DramConfigError>(yaml_text, origin));
  return Validator(f, origin).build();
}

DramConfig load_dram_config(const std::string& preset_name_or_path) {
  std::string path;
  const std::string text = config::read_named_yaml<DramConfigError>(kPresets, preset_name_or_path, "DRAM preset", path);
  return parse_dram_config(text, path);
}

}  // namespace energon::hw
