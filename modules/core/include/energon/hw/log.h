// Log messages of the models through SystemC's report handler (docs/debugging.md): levels
// error, warning, info, debug, trace, per module ("controller", "bus_interface", ...), changeable at
// run time, the same in every build. Call sites test enabled() first, so a message that is off
// costs one table look-up and is never formatted.
#pragma once

#include <string>

namespace energon::hw::log {

enum class Level : int { error = 0, warning = 1, info = 2, debug = 3, trace = 4 };

const char* to_string(Level l);
/// Parses "error" | "warning" | "info" | "debug" | "trace"; false otherwise.
bool parse_level(const std::string& text, Level& out);

/// The level of every module without its own (default: warning).
void set_level(Level level);
/// The level of one module (its SystemC message type is "energon/<module>").
void set_level(const std::string& module, Level level);
Level level(const char* module);
inline bool enabled(const char* module, Level l) { return int(l) <= int(level(module)); }

/// Emits `text` as SC_REPORT_INFO_VERB("energon/<module>", "[level] text", verbosity of the level).
void emit(const char* module, Level l, const std::string& text);

/// SystemC verbosity a level maps to (warning SC_LOW … trace SC_DEBUG).
int verbosity(Level l);

}  // namespace energon::hw::log
