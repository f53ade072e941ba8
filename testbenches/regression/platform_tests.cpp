// Platform top: bring-up through router and controller, the address map, preset loading and
// its errors, and identical results in both timing modes.
#include <catch2/catch.hpp>

#include <string>

#include "energon/checks/attention_app.h"
#include "platform_fixture.h"

using namespace energon;

TEST_CASE("platform: probe reads ID and VERSION through the router, off-map reads are bus errors") {
  test::PlatformBench bench;
  int rc = -100;
  uint32_t id = 0, off_map = 0, head = 99;
  energon_dev_t dev{};
  bench.run([&](platform::HostCpu& cpu) {
    rc = test::bring_up(cpu, dev, 16);
    id = cpu.read32(platform::kAccelRegBase + ENERGON_REG_ID);
    head = cpu.read32(platform::kAccelRegBase + ENERGON_REG_QUEUE_HEAD);
    off_map = cpu.read32(0xE0000000u);  // between the DRAM window and the registers
  });
  REQUIRE(rc == ENERGON_FW_OK);
  REQUIRE(id == ENERGON_ID_VALUE);
  REQUIRE(dev.version == ENERGON_VERSION_VALUE);
  REQUIRE(head == 0);
  REQUIRE(off_map == 0xFFFFFFFFu);
  REQUIRE(bench.top.cpu.stats().bus_errors == 1);
  REQUIRE(bench.top.accelerator.peek(ENERGON_REG_QUEUE_SIZE) == 16);
  REQUIRE(bench.top.router.decode(platform::kAccelRegBase, 4) != nullptr);
  REQUIRE(bench.top.router.decode(0, 64)->name == "dram");
}

TEST_CASE("platform: lt and accurate timing give identical outputs") {
  const platform::PlatformConfig cfg = platform::load_platform_config("energon-edge");
  platform::Platform lt("lt", cfg, platform::PlatformTiming::lt);
  platform::Platform at("at", cfg, platform::PlatformTiming::accurate);
  const FloatLayer layer = test::small_layer(test::small_shape(4, 2, 48, 32, true), 5);
  test::JobReport r_lt, r_at;
  uint64_t cycles_lt = 0;
  auto program = [&](test::JobReport& r) {
    return [&](platform::HostCpu& cpu) {
      energon_dev_t dev;
      if (test::bring_up(cpu, dev) != ENERGON_FW_OK) return;
      const platform::PlacedJob job = platform::place_job(cpu, layer, FilterConfig::energon_default());
      r = test::submit_one(cpu, dev, job, job.desc);
    };
  };
  lt.cpu.load_program([&](platform::HostCpu& cpu) {
    program(r_lt)(cpu);
    cycles_lt = r_lt.result.cycles;
    while (!at.cpu.finished()) sc_core::wait(10, sc_core::SC_US);  // the accurate run stops the simulation
  });
  at.cpu.load_program(program(r_at));
  sc_core::sc_start();
  REQUIRE(r_lt.wait_status == ENERGON_FW_OK);
  REQUIRE(r_at.wait_status == ENERGON_FW_OK);
  REQUIRE(r_lt.output == r_at.output);
  REQUIRE(r_lt.output == test::golden_output(layer, FilterConfig::energon_default()));
  REQUIRE(r_lt.result.final_kept == r_at.result.final_kept);
  REQUIRE(cycles_lt > 0);
  REQUIRE(r_at.result.cycles > 0);
  // at: the accelerator's pieces and the host's copies all went through the DRAM controller
  // (nb_transport), several pieces in flight at once; lt never uses it.
  CHECK(lt.dram.at_requests_accepted() == 0);
  CHECK(at.dram.at_requests_accepted() > at.accelerator.bus_interface().transactions());
  CHECK(at.dram.at_responses() == at.dram.at_requests_accepted());
  CHECK(at.accelerator.bus_interface().peak_outstanding() > 1);
  CHECK(at.accelerator.bus_interface().outstanding() == 0);
  CHECK(at.router.nb_in_flight() == 0);
}

TEST_CASE("platform: every preset loads with its DRAM") {
  const platform::PlatformConfig edge = platform::load_platform_config("energon-edge");
  REQUIRE(edge.name == "energon-edge");
  REQUIRE(edge.accel.fu_multipliers == 512);
  REQUIRE(edge.accel.au_qk_multipliers == 64);
  REQUIRE(edge.dram.name == "lpddr4-4266");
  const platform::PlatformConfig server = platform::load_platform_config("energon-server");
  REQUIRE(server.accel.fu_multipliers == 4 * edge.accel.fu_multipliers);
  REQUIRE(server.accel.au_qk_multipliers == 4 * edge.accel.au_qk_multipliers);
  REQUIRE(server.dram.name == "hbm2");
  // The paper's 576 multipliers: the FU's 512 and 64 in the AU (docs/results.md).
  const platform::PlatformConfig paper = platform::load_platform_config("energon-paper");
  REQUIRE(paper.accel.fu_multipliers == edge.accel.fu_multipliers);
  REQUIRE(paper.accel.au_qk_multipliers + paper.accel.au_v_multipliers == 64);
  REQUIRE(paper.accel.peak_ops_per_cycle() == 1152);
  REQUIRE(edge.accel.peak_ops_per_cycle() == 1280);
  REQUIRE(paper.dram.name == edge.dram.name);
  const auto names = platform::platform_preset_names();
  REQUIRE(names == std::vector<std::string>{"energon-edge", "energon-paper", "energon-server"});
}

TEST_CASE("platform: bad hardware YAML names the file and the key") {
  auto error_of = [](const std::string& yaml) -> std::string {
    try {
      platform::parse_platform_config(yaml, "bad.yaml");
    } catch (const hw::ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  using Catch::Matchers::Contains;
  REQUIRE_THAT(error_of("accelerator: {preset: energon-edge}\ndram: hbm2\nspeed: 3\n"),
               Contains("bad.yaml") && Contains("speed") && Contains("unknown key"));
  REQUIRE_THAT(error_of("dram: hbm2\n"), Contains("bad.yaml") && Contains("accelerator"));
  REQUIRE_THAT(error_of("accelerator: {preset: energon-edge}\n"), Contains("bad.yaml") && Contains("dram"));
  REQUIRE_THAT(error_of("accelerator: {preset: energon-edge}\ndram: ddr9\n"), Contains("bad.yaml") && Contains("dram"));
  REQUIRE_THAT(error_of("accelerator: {preset: energon-edge, fu_multipliers: many}\ndram: hbm2\n"),
               Contains("bad.yaml") && Contains("fu_multipliers"));
  REQUIRE_THAT(error_of("accelerator: {preset: energon-edge}\ndram: hbm2\nhost: {copy_ns_per_byte: -1}\n"),
               Contains("bad.yaml") && Contains("host.copy_ns_per_byte"));
  REQUIRE_THAT(error_of("accelerator: {preset: energon-edge}\ndram: hbm2\nhost: {cache: 1}\n"), Contains("host.cache"));
  REQUIRE_THAT(error_of("[1, 2"), Contains("bad.yaml") && Contains("YAML"));
  try {
    platform::load_platform_config("energon-nano");
    FAIL("no error for an unknown preset");
  } catch (const hw::ConfigError& e) {
    REQUIRE_THAT(std::string(e.what()), Contains("energon-nano") && Contains("energon-edge"));
  }
}
