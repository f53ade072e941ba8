#include "energon/hw/log.h"

#include <systemc>

#include <map>

namespace energon::hw::log {

namespace {

struct Levels {
  Level all = Level::warning;
  std::map<std::string, Level, std::less<>> modules;
};

Levels& levels() {
  static Levels l;
  return l;
}

void update_systemc_verbosity() {
  Level max = levels().all;
  for (const auto& [m, l] : levels().modules) max = std::max(max, l);
  sc_core::sc_report_handler::set_verbosity_level(std::max(verbosity(max), int(sc_core::SC_MEDIUM)));
}

}  // namespace

const char* to_string(Level l) {
  static const char* const names[] = {"error", "warning", "info", "debug", "trace"};
  return names[int(l)];
}

bool parse_level(const std::string& text, Level& out) {
  for (int i = 0; i <= int(Level::trace); ++i)
    if (text == to_string(Level(i))) {
      out = Level(i);
      return true;
    }
  return false;
}

int verbosity(Level l) {
  switch (l) {
    case Level::error:
      return sc_core::SC_NONE;
    case Level::warning:
      return sc_core::SC_LOW;
    case Level::info:
      return sc_core::SC_MEDIUM;
    case Level::debug:
      return sc_core::SC_HIGH;
    case Level::trace:
      return sc_core::SC_DEBUG;
  }
  return sc_core::SC_MEDIUM;
}

void set_level(Level l) {
  levels().all = l;
  update_systemc_verbosity();
}

void set_level(const std::string& module, Level l) {
  levels().modules[module] = l;
  update_systemc_verbosity();
}

Level level(const char* module) {
  const Levels& l = levels();
  if (!l.modules.empty()) {
    const auto it = l.modules.find(module);
    if (it != l.modules.end()) return it->second;
  }
  return l.all;
}

void emit(const char* module, Level l, const std::string& text) {
  const std::string type = std::string("energon/") + module;
  const std::string msg = std::string("[") + to_string(l) + "] " + text;
  SC_REPORT_INFO_VERB(type.c_str(), msg.c_str(), verbosity(l));
}

}  // namespace energon::hw::log
