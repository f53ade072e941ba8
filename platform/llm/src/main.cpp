// energon-vp-llm: a prompt through the Energon virtual platform with a trained model.
#include <systemc>

#include <iostream>

#include "energon/checks/golden_shadow.h"
#include "energon/platform/llm/llm_command.h"

int sc_main(int argc, char* argv[]) {
  using namespace energon::platform::llm;
  const LlmParseOutcome parsed = parse_llm_options(argc, argv, std::cout, std::cerr);
  if (!parsed.options) return parsed.exit_code;
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY);
  // The host program ends the run with sc_stop(): not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  return run_llm_command(*parsed.options, energon::checks::golden_shadow(), std::cout, std::cerr);
}
