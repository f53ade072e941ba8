// Catch2 runner for SystemC testbenches: libsystemc owns main(), so Catch2 runs from sc_main.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  // A SystemC warning fails the test: report it as an error and let Catch2 see the throw.
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  return Catch::Session().run(argc, argv);
}
