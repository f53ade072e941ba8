#include "energon/stats/provenance.h"

namespace energon::stats {

const char* build_version() { return ENERGON_VP_VERSION; }

const char* build_commit() { return ENERGON_GIT_COMMIT; }

std::string command_line(int argc, const char* const* argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

void add_provenance(Group& g, const std::string& tool, const std::string& command_line) {
  g.set("tool", tool, "", "");
  g.set("version", std::string(build_version()), "", "Project version");
  g.set("git_commit", std::string(build_commit()), "", "Commit the build came from (\"unknown\" outside git)");
  g.set("command_line", command_line, "", "");
}

nlohmann::json provenance_json(const std::string& tool, const std::string& command_line) {
  return {{"tool", tool}, {"version", build_version()}, {"git_commit", build_commit()}, {"command_line", command_line}};
}

}  // namespace energon::stats
