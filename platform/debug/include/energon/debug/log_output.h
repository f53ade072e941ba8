// --log-level and --log: which models log what, and where (docs/debugging.md). The models emit
// through SystemC's report handler (energon/hw/log.h); this installs a handler that writes the
// energon/* messages, one line each, to the log file or stderr, and leaves the rest to SystemC.
#pragma once

#include <string>

namespace energon::debug {

/// `spec`: LEVEL or LEVEL,MODULE=LEVEL,... (levels error, warning, info, debug, trace; modules
/// controller, bus_interface); "" keeps the default (warning). `file`: "" = stderr. Throws
/// std::invalid_argument naming the option, the text and what was expected.
void configure_log(const std::string& spec, const std::string& file);

}  // namespace energon::debug
