#include "energon/config/named_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace energon {

#ifndef ENERGON_INSTALL_DATA_DIR
#error "ENERGON_INSTALL_DATA_DIR must name <install prefix>/share/energon-vp"
#endif

namespace {

std::string& program_data_root() {
  static std::string root;
  return root;
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace

void set_data_root(const std::string& dir) { program_data_root() = dir; }

std::string data_root() {
  if (!program_data_root().empty()) return program_data_root();
  if (const char* env = std::getenv("ENERGON_VP_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = exe.parent_path().parent_path() / "share" / "energon-vp";
    if (is_dir(beside)) return beside.string();
  }
  return ENERGON_INSTALL_DATA_DIR;
}

std::string NamedConfigDir::dir() const {
  if (const char* env = std::getenv(env_var_); env && *env) return env;
  return (fs::path(data_root()) / subdir_).string();
}

std::vector<std::string> NamedConfigDir::names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir(), ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".yaml" && it->is_regular_file(ec)) names.push_back(it->path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string NamedConfigDir::names_list() const {
  std::string list;
  for (const std::string& n : names()) list += (list.empty() ? "" : ", ") + n;
  return list.empty() ? "none" : list;
}

bool NamedConfigDir::is_path(const std::string& s) {
  const std::string ext = fs::path(s).extension().string();
  return s.find('/') != std::string::npos || ext == ".yaml" || ext == ".yml";
}

std::string NamedConfigDir::resolve(const std::string& name_or_path) const {
  if (is_path(name_or_path)) return name_or_path;
  const fs::path file = fs::path(dir()) / (name_or_path + ".yaml");
  std::error_code ec;
  return fs::is_regular_file(file, ec) ? file.string() : std::string();
}

std::string read_text_file(const std::string& path, std::string& text) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return "no such file";
  if (!fs::is_regular_file(st)) return "not a regular file (expected a YAML file)";
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return "cannot read its size";
  if (size > kMaxConfigFileBytes)
    return "file of " + std::to_string(size) + " bytes is larger than the " + std::to_string(kMaxConfigFileBytes) +
           "-byte limit for configuration files";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open it";
  std::ostringstream s;
  s << in.rdbuf();
  text = s.str();
  return "";
}

}  // namespace energon
