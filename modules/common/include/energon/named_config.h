// Folders of named YAML files (hardware presets, DRAM presets, energy tables, workloads): a
// name means "<dir>/<name>.yaml", where the folder comes from an environment variable or a
// built-in default; anything containing '/' or ending in .yaml/.yml is a path.
#pragma once

#include <string>
#include <vector>

namespace energon {

class NamedConfigDir {
 public:
  NamedConfigDir(const char* env_var, std::string default_dir)
      : env_var_(env_var), default_dir_(std::move(default_dir)) {}

  /// $env_var when set and non-empty, else the default folder.
  std::string dir() const;
  /// Names of the .yaml files in dir(), sorted.
  std::vector<std::string> names() const;
  /// "a, b, c", or "none" when the folder has no YAML file.
  std::string names_list() const;
  static bool is_path(const std::string& name_or_path);
  /// The file a name or path stands for; "" for a name with no file in dir().
  std::string resolve(const std::string& name_or_path) const;

 private:
  const char* env_var_;
  std::string default_dir_;
};

/// Reads a whole file; false when it cannot be opened (or is a folder).
bool read_text_file(const std::string& path, std::string& text);

}  // namespace energon
