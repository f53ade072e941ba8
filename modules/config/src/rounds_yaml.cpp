// Rounds files (energon/config/rounds_yaml.h): YAML → the policy's own option parser per value.
#include "energon/config/rounds_yaml.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <sstream>

#include "energon/config/named_config.h"
#include "energon/config/yaml_scalar.h"
#include "energon/hw/attention_policy.h"
#include "yaml_file.h"

namespace energon::config {
namespace {

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& what) const {
    std::ostringstream os;
    os << origin_;
    if (at.IsDefined() && at.Mark().line >= 0) os << ":" << at.Mark().line + 1;
    os << ": key '" << key << "': " << what;
    throw RoundsFileError(os.str());
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    return scalar_text<RoundsFileError>(n, origin_, "key '" + key + "'");
  }

  /// A layer index: decimal digits only, below 2^16.
  uint32_t layer_index(const YAML::Node& key_node) const {
    const std::string k = key_text<RoundsFileError>(key_node, origin_, "layers");
    bool digits = !k.empty() && k.size() <= 5;
    for (char c : k) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || std::stoul(k) > 65535)
      fail(key_node, "layers." + k, "'" + k + "' is not a layer index (expected an integer 0..65535)");
    return uint32_t(std::stoul(k));
  }

  /// The configuration `value` stands for under `policy`.
  FilterConfig configure(const hw::AttentionPolicy& policy, const YAML::Node& at, const std::string& key,
                         const std::string* value) const {
    hw::PolicyOptions po;
    const std::string pkey = policy.parameters_key();
    if (value) {
      if (pkey.empty())
        fail(at, key, "value '" + *value + "': policy " + policy.name() + " takes no parameters (leave the key out)");
      if (pkey == "rounds")
        po.rounds = *value;
      else if (pkey == "a3")
        fail(at, key,
             "value '" + *value + "': policy a3 takes no per-layer value (its --a3-iterations and " +
                 "--a3-threshold apply to every layer; leave the key out)");
      else
        po.topk = *value;
    }
    try {
      return policy.configure(po);
    } catch (const std::exception& e) {
      const std::string expected = pkey == "rounds" ? "mpmrf rounds such as \"4x2:alpha=-0.25,4x4:alpha=0\""
                                                    : "a topk rule such as \"top=25%\" or \"top=16\"";
      fail(at, key, "value '" + (value ? *value : std::string()) + "': " + e.what() + " (expected " + expected + ")");
    }
  }

  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
};

}  // namespace

void RoundsFile::check_layers(uint32_t n_layers) const {
  for (const auto& [layer, line] : line_of)
    if (layer >= n_layers)
      throw RoundsFileError(origin + ":" + std::to_string(line) + ": key 'layers." + std::to_string(layer) +
                            "': layer " + std::to_string(layer) + " out of range (the model has " +
                            std::to_string(n_layers) + " layers, 0.." + std::to_string(n_layers - 1) + ")");
}

RoundsFile parse_rounds_yaml(const std::string& text, const std::string& origin) {
  const YAML::Node root = parse_yaml_map<RoundsFileError>(text, origin);
  Reader r(origin);
  for (const auto& kv : root) {
    const std::string k = key_text<RoundsFileError>(kv.first, origin, "");
    if (k != "policy" && k != "default" && k != "layers")
      r.fail(kv.first, k, "unknown key (expected one of: policy, default, layers)");
  }
  if (!root["policy"]) r.fail(root, "policy", "missing (expected " + policy_names() + ")");
  const std::string name = r.scalar(root["policy"], "policy");
  const hw::AttentionPolicy* policy = hw::find_policy(std::string_view(name));
  if (!policy)
    r.fail(root["policy"], "policy", "value '" + name + "': unknown policy (expected " + policy_names() + ")");

  RoundsFile out;
  out.origin = origin;
  std::string value;
  const YAML::Node def = root["default"];
  if (def) value = r.scalar(def, "default");
  out.filters.base = r.configure(*policy, def ? def : root, "default", def ? &value : nullptr);

  if (const YAML::Node layers = root["layers"]) {
    if (layers.IsNull()) return out;
    if (!layers.IsMap())
      r.fail(layers, "layers", "expected a mapping of layer index to " + std::string(policy->name()) + " parameters");
    for (const auto& kv : layers) {
      const uint32_t l = r.layer_index(kv.first);
      const std::string key = "layers." + std::to_string(l);
      if (out.filters.layers.count(l)) r.fail(kv.first, key, "layer " + std::to_string(l) + " given twice");
      value = r.scalar(kv.second, key);
      out.filters.layers[l] = r.configure(*policy, kv.second, key, &value);
      out.line_of[l] = kv.first.Mark().line + 1;
    }
  }
  return out;
}

RoundsFile load_rounds_file(const std::string& path) {
  std::string text;
  if (const std::string e = read_text_file(path, text); !e.empty()) throw RoundsFileError(path + ": rounds file: " + e);
  return parse_rounds_yaml(text, path);
}

std::string format_rounds_yaml(const LayerFilters& filters, const std::string& comment) {
  const hw::AttentionPolicy& p = hw::policy_of(filters.base.policy);
  std::ostringstream os;
  std::istringstream lines(comment);
  for (std::string line; std::getline(lines, line);) os << "# " << line << "\n";
  os << "policy: " << p.name() << "\n";
  const bool params = *p.parameters_key() != '\0';
  if (params) os << "default: \"" << p.parameters(filters.base) << "\"\n";
  if (params && !filters.layers.empty()) {
    os << "layers:\n";
    for (const auto& [l, f] : filters.layers) {
      if (f.policy != filters.base.policy)
        throw std::invalid_argument("format_rounds_yaml: layer " + std::to_string(l) + " has another policy");
      os << "  " << l << ": \"" << p.parameters(f) << "\"\n";
    }
  }
  return os.str();
}

std::string read_rounds_file_option(const std::string& path, bool policy_given, const std::string& policy_text,
                                    Policy& policy, RoundsFile& out) {
  try {
    out = load_rounds_file(path);
  } catch (const std::exception& e) {
    return std::string("--rounds-file: ") + e.what();
  }
  if (policy_given && out.filters.base.policy != policy)
    return "--policy " + policy_text + " disagrees with --rounds-file " + path + " (policy " +
           to_string(out.filters.base.policy) + ")";
  policy = out.filters.base.policy;
  return "";
}

}  // namespace energon::config
