// The text of a YAML key or value that must be a single value: a list or a mapping in its place is
// refused with the loader's own error type, naming the file, the line and the key, never escaping
// as yaml-cpp's "bad conversion".
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace energon::config {

template <class Error>
std::string scalar_text(const YAML::Node& n, const std::string& origin, const std::string& key) {
  if (n.IsScalar()) return n.Scalar();
  std::string at = origin;
  if (n.Mark().line >= 0) at += ":" + std::to_string(n.Mark().line + 1);
  const char* got = n.IsSequence() ? "a list" : n.IsMap() ? "a mapping" : "no value";
  throw Error(at + ": " + key + ": expected a single value, got " + got);
}

/// A mapping key: a plain name, not a list or mapping (`[a]: 1`).
template <class Error>
std::string key_text(const YAML::Node& key, const std::string& origin, const std::string& section) {
  return scalar_text<Error>(key, origin, "a key under " + (section.empty() ? std::string("the top level") : section));
}

}  // namespace energon::config
