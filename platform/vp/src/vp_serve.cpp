#include "vp_serve.h"

#include <cmath>
#include <iostream>
#include <memory>

#include "energon/cosim/cosim_server.h"
#include "energon/platform/platform.h"
#include "vp_tracing.h"

namespace energon::vp {

int run_server(const VpOptions& o, const platform::PlatformConfig& hw) {
  cosim::Endpoint endpoint;
  try {
    endpoint = cosim::Endpoint::parse(o.serve);
  } catch (const std::invalid_argument& e) {
    std::cerr << "energon-vp: " << e.what() << "\n";
    return 2;
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  platform::Platform top("energon", hw, o.timing);
  RunTracing tracing(top, o.vcd, o.timeline);
  cosim::PlatformInfo info;
  info.reg_base = platform::kAccelRegBase;
  info.dram_base = platform::kDramBase;
  info.dram_size = top.dram_window();
  info.shared_base = platform::kSharedBase;
  info.shared_size = top.dram_window() - platform::kSharedBase;
  info.clock_period_ps = uint64_t(std::llround(hw.accel.period_ps()));
  std::unique_ptr<cosim::Server> server;
  try {
    server = std::make_unique<cosim::Server>(endpoint, info, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "energon-vp: " << e.what() << "\n";
    return 2;
  }
  // Launchers wait for this line before they connect.
  std::cout << "energon-vp: listening on " << server->address() << std::endl;
  top.cpu.load_program([&server](platform::HostCpu& cpu) { (*server)(cpu); });
  sc_core::sc_start();
  if (const std::string e = tracing.finish("{\"tool\":\"energon-vp --serve\",\"hw\":\"" + hw.name + "\"}");
      !e.empty()) {
    std::cerr << "energon-vp: " << e << "\n";
    return 1;
  }
  if (!top.cpu.program_error().empty()) {
    std::cerr << "energon-vp --serve: " << top.cpu.program_error() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace energon::vp
