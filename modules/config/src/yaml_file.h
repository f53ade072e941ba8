// What every YAML loader of the config library does the same way: a named file looked up in its
// folder and read (bounded, regular files only), and YAML text parsed into a top-level mapping,
// each failure thrown as the loader's own error type with the file in the message.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "energon/config/named_config.h"

namespace energon::config {

/// The text of `name_or_path` in `dir`; `what` names the kind ("DRAM preset", "energy table").
template <class Error>
std::string read_named_yaml(const NamedConfigDir& dir, const std::string& name_or_path, const std::string& what,
                            std::string& path) {
  path = dir.resolve(name_or_path);
  if (path.empty())
    throw Error(what + " '" + name_or_path + "' not found in " + dir.dir() + " (available: " + dir.names_list() + ")");
  std::string text;
  if (const std::string e = read_text_file(path, text); !e.empty()) throw Error(path + ": " + what + " file: " + e);
  return text;
}

/// The top-level mapping of `text`; `origin` names it in messages.
template <class Error>
YAML::Node parse_yaml_map(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(origin + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw Error(origin + ": expected a YAML mapping at the top level");
  return root;
}

}  // namespace energon::config
