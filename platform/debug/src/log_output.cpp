#include "energon/debug/log_output.h"

#include <systemc>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "energon/hw/log.h"

namespace energon::debug {

namespace {

std::unique_ptr<std::ofstream>& log_file() {
  static std::unique_ptr<std::ofstream> f;
  return f;
}

void handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  const std::string type = rep.get_msg_type();
  if (type.rfind("energon/", 0) == 0 && (actions & sc_core::SC_DISPLAY)) {
    std::ostream& out = log_file() ? *log_file() : std::cerr;
    out << type.substr(8) << " " << rep.get_msg() << "\n";
    sc_core::sc_report_handler::default_handler(rep, actions & ~sc_core::SC_DISPLAY);
    return;
  }
  sc_core::sc_report_handler::default_handler(rep, actions);
}

}  // namespace

void configure_log(const std::string& spec, const std::string& file) {
  using hw::log::Level;
  std::stringstream parts(spec);
  std::string part;
  bool first = true;
  while (std::getline(parts, part, ',')) {
    const size_t eq = part.find('=');
    Level l;
    const std::string level = eq == std::string::npos ? part : part.substr(eq + 1);
    if (!hw::log::parse_level(level, l))
      throw std::invalid_argument("--log-level '" + spec + "': level '" + level +
                                  "' is not error, warning, info, debug or trace");
    if (eq == std::string::npos) {
      if (!first) throw std::invalid_argument("--log-level '" + spec + "': the global level must come first");
      hw::log::set_level(l);
    } else {
      const std::string module = part.substr(0, eq);
      if (module != "controller" && module != "bus_interface")
        throw std::invalid_argument("--log-level '" + spec + "': module '" + module +
                                    "' is not controller or bus_interface");
      hw::log::set_level(module, l);
    }
    first = false;
  }
  if (!file.empty()) {
    log_file() = std::make_unique<std::ofstream>(file);
    if (!*log_file()) throw std::invalid_argument("--log '" + file + "': cannot write the file");
  }
  sc_core::sc_report_handler::set_handler(handler);
}

}  // namespace energon::debug
