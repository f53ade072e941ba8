// AccelConfig YAML loader: presets, overrides, unknown keys and bad values name file and key.
#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "energon/hw/accel_config.h"
#include "energon/config/accel_yaml.h"

using namespace energon::hw;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    parse_accel_config(YAML::Load(yaml), "hw/test.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("datapath: accel config presets and overrides", "[datapath]") {
  const AccelConfig edge = parse_accel_config(YAML::Load("preset: energon-edge"), "f.yaml");
  CHECK(edge.fu_multipliers == 512);
  CHECK(edge.au_qk_multipliers == 64);
  CHECK(edge.au_v_multipliers == 64);
  CHECK(edge.clock_mhz == 1000.0);
  const AccelConfig srv =
      parse_accel_config(YAML::Load("{preset: energon-server, fifo_depth: 2, timing: accurate}"), "f.yaml");
  CHECK(srv.fu_multipliers == 4 * edge.fu_multipliers);
  CHECK(srv.au_qk_multipliers == 4 * edge.au_qk_multipliers);
  CHECK(srv.au_v_multipliers == 4 * edge.au_v_multipliers);
  CHECK(srv.fifo_depth == 2);
  CHECK(srv.timing == TimingMode::accurate);
  const AccelConfig own = parse_accel_config(
      YAML::Load("{clock_mhz: 800, fu_multipliers: 256, fu_lanes: 4, sram_bytes: 65536, lt_quantum_cycles: 500}"),
      "f.yaml");
  CHECK(own.clock_mhz == 800.0);
  CHECK(own.fu_lanes == 4);
  CHECK(own.sram_bytes == 65536);
  CHECK(own.au_qk_multipliers == 64);  // unset keys keep the edge defaults
  CHECK(own.period_ps() == Approx(1250.0));
  CHECK(own.max_outstanding == 16);  // the edge default (AXI IDs)
  CHECK(parse_accel_config(YAML::Load("max_outstanding: 4"), "f.yaml").max_outstanding == 4);
}

TEST_CASE("datapath: accel config errors name the file and the key", "[datapath]") {
  const std::string unknown = error_of("{fu_multipliers: 512, fu_multiplier: 3}");
  CHECK(unknown.find("hw/test.yaml") != std::string::npos);
  CHECK(unknown.find("fu_multiplier") != std::string::npos);
  CHECK(error_of("timing: fast").find("accelerator.timing") != std::string::npos);
  CHECK(error_of("fifo_depth: -3").find("accelerator.fifo_depth") != std::string::npos);
  CHECK(error_of("clock_mhz: abc").find("accelerator.clock_mhz") != std::string::npos);
  CHECK(error_of("preset: energon-huge").find("energon-huge") != std::string::npos);
  CHECK(error_of("{fu_multipliers: 500, fu_lanes: 8}").find("fu_lanes") != std::string::npos);
  CHECK(error_of("fifo_depth: 0").find("fifo_depth") != std::string::npos);
  CHECK(error_of("[1, 2]").find("mapping") != std::string::npos);
  CHECK(error_of("max_outstanding: 0") == "hw/test.yaml: accelerator: max_outstanding (0) must be in 1..1024");
  CHECK(error_of("max_outstanding: 2000").find("max_outstanding (2000)") != std::string::npos);
  CHECK(error_of("max_outstanding: -1").find("accelerator.max_outstanding") != std::string::npos);
  CHECK(error_of("{preset: energon-edge}").empty());
}
