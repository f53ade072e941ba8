// What produced a report: tool, version, git commit (when built from git), command line. Every
// command's JSON report carries it (docs/debugging.md).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "energon/stats/stats.h"

namespace energon::stats {

const char* build_version();
/// `git describe --always --dirty` at configure time, "unknown" outside git.
const char* build_commit();
std::string command_line(int argc, const char* const* argv);
/// tool, version, git_commit, command_line into `g`.
void add_provenance(Group& g, const std::string& tool, const std::string& command_line);
/// The same as a JSON object, for reports written directly as JSON.
nlohmann::json provenance_json(const std::string& tool, const std::string& command_line);

}  // namespace energon::stats
