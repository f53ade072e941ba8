// Folders of named YAML files (hardware presets, DRAM presets, energy tables, workloads): a
// name means "<dir>/<name>.yaml"; anything containing '/' or ending in .yaml/.yml is a path.
// Each folder is a subfolder of the data root (data_root()) unless its own environment
// variable names another folder.
#pragma once

#include <string>
#include <vector>

namespace energon {

/// The folder holding presets/, dram/, energy/ and workloads/, first match of:
///  1. set_data_root() called by the program,
///  2. $ENERGON_VP_DATA_DIR,
///  3. <folder of the running executable>/../share/energon-vp (installed commands, and the
///     build tree, whose commands live in bin/ next to a staged share/energon-vp),
///  4. <install prefix>/share/energon-vp as configured at build time.
/// The source tree is never searched.
std::string data_root();
/// Makes `dir` the data root for the rest of the process ("" restores the search above).
void set_data_root(const std::string& dir);

class NamedConfigDir {
 public:
  /// `subdir` is the folder's name under data_root(); `env_var` overrides the whole folder.
  NamedConfigDir(const char* env_var, std::string subdir) : env_var_(env_var), subdir_(std::move(subdir)) {}

  /// $env_var when set and non-empty, else data_root()/subdir.
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
  std::string subdir_;
};

/// Largest configuration file read (presets, DRAM presets, energy tables, workloads).
constexpr uint64_t kMaxConfigFileBytes = 16u << 20;

/// Reads a whole configuration file. Returns "" on success, else why not: not found, not a regular
/// file (a folder, a device such as /dev/zero, a FIFO), or larger than kMaxConfigFileBytes.
std::string read_text_file(const std::string& path, std::string& text);

}  // namespace energon
