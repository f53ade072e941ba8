#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "workload_raw.h"

namespace energon::workload::detail {

std::string key_error(const std::string& file, const std::string& key, const std::string& what) {
  return file + ": key '" + key + "': " + what;
}

namespace {

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "'" + n.Scalar() + "'";
    default:
      return "an undefined node";
  }
}

// Reads typed scalars out of one YAML mapping, naming `file` and the key path in errors.
class MapReader {
 public:
  MapReader(const YAML::Node& map, std::string file, std::string prefix, std::vector<std::string> allowed)
      : map_(map), file_(std::move(file)), prefix_(std::move(prefix)), allowed_(std::move(allowed)) {
    for (auto it = map_.begin(); it != map_.end(); ++it) {
      if (!it->first.IsScalar())
        throw WorkloadError(file_ + ": " + where() + "a key must be a plain name, got " + describe(it->first));
      const std::string& k = it->first.Scalar();
      if (!seen_.insert(k).second) throw WorkloadError(key_error(file_, path(k), "given twice"));
      bool known = false;
      for (const auto& a : allowed_) known = known || a == k;
      if (!known) {
        std::string list;
        for (const auto& a : allowed_) list += (list.empty() ? "" : ", ") + a;
        throw WorkloadError(file_ + ": unknown key '" + path(k) + "' (expected one of: " + list + ")");
      }
    }
  }

  bool has(const std::string& key) const { return seen_.count(key) != 0; }
  std::string path(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  YAML::Node node(const std::string& key) const { return map_[key]; }
  const std::set<std::string>& keys() const { return seen_; }

  std::optional<std::string> str(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = map_[key];
    if (!n.IsScalar() || n.Scalar().empty()) fail(key, "expected a non-empty string", n);
    return n.Scalar();
  }

  std::optional<uint64_t> uint(const std::string& key, bool positive,
                               uint64_t max = std::numeric_limits<uint32_t>::max()) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = map_[key];
    const std::string expected = positive ? "expected a positive integer" : "expected a non-negative integer";
    if (!n.IsScalar()) fail(key, expected, n);
    const std::string& s = n.Scalar();
    bool digits = !s.empty();
    for (char c : s) digits = digits && c >= '0' && c <= '9';
    if (!digits) fail(key, expected, n);
    errno = 0;
    const unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
    if (errno == ERANGE || v > max)
      fail(key, expected + (max == std::numeric_limits<uint32_t>::max() ? " below 2^32" : " below 2^64"), n);
    if (positive && v == 0) fail(key, expected, n);
    return static_cast<uint64_t>(v);
  }

  std::optional<uint32_t> u32(const std::string& key, bool positive) const {
    auto v = uint(key, positive);
    if (!v) return std::nullopt;
    return static_cast<uint32_t>(*v);
  }

  std::optional<double> number(const std::string& key, bool non_negative, bool positive = false) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = map_[key];
    const char* expected = positive       ? "expected a positive number"
                           : non_negative ? "expected a non-negative number"
                                          : "expected a number";
    if (!n.IsScalar() || n.Scalar().empty()) fail(key, expected, n);
    const std::string& s = n.Scalar();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v) || (non_negative && v < 0) ||
        (positive && v <= 0) || std::fabs(v) > 1e30)
      fail(key, expected, n);
    return v;
  }

  std::optional<bool> boolean(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const YAML::Node n = map_[key];
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
    }
    fail(key, "expected true or false", n);
    return std::nullopt;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& expected, const YAML::Node& got) const {
    throw WorkloadError(key_error(file_, path(key), expected + ", got " + describe(got)));
  }

 private:
  std::string where() const { return prefix_.empty() ? "" : "in '" + prefix_ + "': "; }

  const YAML::Node map_;  // a handle: YAML::Node copies share the document
  std::string file_, prefix_;
  std::vector<std::string> allowed_;
  std::set<std::string> seen_;
};

void require_map(const YAML::Node& n, const std::string& file, const std::string& key) {
  if (!n.IsMap()) throw WorkloadError(key_error(file, key, "expected a mapping of keys, got " + describe(n)));
}

void parse_int16_scale(const MapReader& r, RawData& d, const std::string& file) {
  if (!r.has("int16_scale")) return;
  const YAML::Node n = r.node("int16_scale");
  if (n.IsMap()) {
    MapReader s(n, file, r.path("int16_scale"), {"q", "k", "v"});
    d.int16_scale_q = s.number("q", true, true);
    d.int16_scale_k = s.number("k", true, true);
    d.int16_scale_v = s.number("v", true, true);
    return;
  }
  if (!n.IsScalar()) r.fail("int16_scale", "expected a positive number or a mapping with q, k, v", n);
  d.int16_scale_q = d.int16_scale_k = d.int16_scale_v = r.number("int16_scale", true, true);
}

RawData parse_data(const YAML::Node& n, const std::string& file) {
  require_map(n, file, "data");
  MapReader r(n, file, "data",
              {"source", "seed", "dominant_keys", "dominant_strength", "local_window", "local_strength", "sink_tokens",
               "sink_strength", "noise", "head_variation", "files", "q", "k", "v", "int16_scale"});
  RawData d;
  for (const auto& k : r.keys()) d.keys_present.push_back(k);
  d.source = r.str("source");
  d.seed = r.uint("seed", false, std::numeric_limits<uint64_t>::max());
  d.dominant_keys = r.u32("dominant_keys", false);
  d.local_window = r.u32("local_window", false);
  d.sink_tokens = r.u32("sink_tokens", false);
  d.dominant_strength = r.number("dominant_strength", true);
  d.local_strength = r.number("local_strength", true);
  d.sink_strength = r.number("sink_strength", true);
  d.noise = r.number("noise", true);
  d.head_variation = r.number("head_variation", true);
  d.q = r.str("q");
  d.k = r.str("k");
  d.v = r.str("v");
  parse_int16_scale(r, d, file);
  if (r.has("files")) {
    const YAML::Node list = r.node("files");
    if (!list.IsSequence()) r.fail("files", "expected a list with one {q, k, v} mapping per layer", list);
    std::vector<RawNpyFiles> files;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string key = "data.files[" + std::to_string(i) + "]";
      require_map(list[i], file, key);
      MapReader f(list[i], file, key, {"q", "k", "v"});
      files.push_back({f.str("q"), f.str("k"), f.str("v")});
    }
    d.files = std::move(files);
  }
  return d;
}

}  // namespace

RawWorkload parse_raw(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw WorkloadError(file + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                        std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap())
    throw WorkloadError(file + ": expected a mapping of workload keys at the top level, got " + describe(root));
  // An energon-vp --dump-config file: its workload section.
  if (root["workload"] && root["workload"].IsMap() && root["hardware"]) root = root["workload"];
  MapReader r(root, file, "",
              {"name", "description", "layers", "heads", "kv_heads", "d", "seq_len", "n_q", "n_k", "causal",
               "valid_len", "data"});
  RawWorkload w;
  w.name = r.str("name");
  w.description = r.str("description");
  w.layers = r.u32("layers", true);
  w.heads = r.u32("heads", true);
  w.kv_heads = r.u32("kv_heads", true);
  w.d = r.u32("d", true);
  w.seq_len = r.u32("seq_len", true);
  w.n_q = r.u32("n_q", true);
  w.n_k = r.u32("n_k", true);
  w.valid_len = r.u32("valid_len", true);
  w.causal = r.boolean("causal");
  if (r.has("data")) w.data = parse_data(r.node("data"), file);
  return w;
}

}  // namespace energon::workload::detail
