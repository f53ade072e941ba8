// Configuration testbench: the three presets load with the documented values; bad YAML gives
// a DramConfigError naming the file and the key.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "dram_stimulus.h"
#include "energon/config/dram_yaml.h"

using namespace energon::hw;
namespace fs = std::filesystem;

namespace {

std::string small_yaml() {
  std::ifstream in(std::string(ENERGON_DRAM_TEST_DIR) + "/test-small.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

/// Loads `yaml` from a temporary file; returns the error message ("" if it loaded).
std::string load_error(const std::string& yaml, std::string* path_out = nullptr) {
  const fs::path dir = fs::temp_directory_path() / ("energon_dram_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "bad.yaml";
  std::ofstream(path) << yaml;
  if (path_out) *path_out = path.string();
  std::string msg;
  try {
    load_dram_config(path.string());
  } catch (const DramConfigError& e) {
    msg = e.what();
  }
  fs::remove_all(dir);
  return msg;
}

}  // namespace

TEST_CASE("dram config: ddr4-3200 preset") {
  const DramConfig c = load_dram_config("ddr4-3200");
  CHECK(c.name == "ddr4-3200");
  CHECK(c.source.find("JESD79-4") != std::string::npos);
  CHECK(c.size_bytes == (uint64_t(2) << 30));
  CHECK(c.burst_bytes() == 64);
  CHECK(c.peak_bandwidth_gbps() == Approx(25.6));
  const auto& t = c.timing;
  CHECK(t.tCL == 22);
  CHECK(t.tRCD == 22);
  CHECK(t.tRP == 22);
  CHECK(t.tRAS == 52);
  CHECK(t.tRC == 74);
  CHECK(t.tCCD_L == 8);
  CHECK(t.tRRD_L == 8);
  CHECK(t.tFAW == 34);
  CHECK(t.tWR == 24);
  CHECK(t.tWTR_L == 12);
  CHECK(c.refresh_enabled);
  CHECK(t.tREFI == 12480);
  CHECK(t.tRFC == 256);
}

TEST_CASE("dram config: lpddr4-4266 preset") {
  const DramConfig c = load_dram_config("lpddr4-4266");
  CHECK(c.source.find("JESD209-4") != std::string::npos);
  CHECK(c.channels == 2);
  CHECK(c.size_bytes == (uint64_t(1) << 30));
  CHECK(c.burst_bytes() == 32);
  CHECK(c.peak_bandwidth_gbps() == Approx(4 * 4.266666).epsilon(1e-5));
  CHECK(c.timing.tRCD == 39);
  CHECK(c.timing.tRAS == 90);
  CHECK(c.timing.tRC == 129);
  CHECK(c.timing.tCCD_S == 8);
  CHECK(c.timing.tCCD_L == 8);
  CHECK(c.timing.tFAW == 64);
  CHECK(c.timing.tRFC == 384);
}

TEST_CASE("dram config: hbm2 preset") {
  const DramConfig c = load_dram_config("hbm2");
  CHECK(c.source.find("JESD235") != std::string::npos);
  CHECK(c.channels == 16);
  CHECK(c.banks_per_rank() == 16);
  CHECK(c.size_bytes == (uint64_t(2) << 30));
  CHECK(c.peak_bandwidth_gbps() == Approx(256.0));
  CHECK(c.timing.tRC == 42);
  CHECK(c.timing.tREFI == 3900);
}

TEST_CASE("dram config: every preset in the folder loads") {
  const auto names = dram_preset_names();
  CHECK(names == std::vector<std::string>{"ddr4-3200", "hbm2", "lpddr4-4266"});
  for (const auto& n : names) CHECK_NOTHROW(load_dram_config(n));
}

TEST_CASE("dram config: the fixture parses with cycle-valued timings") { CHECK(load_error(small_yaml()).empty()); }

TEST_CASE("dram config: unknown key is an error naming the key and the file") {
  std::string path;
  const std::string msg = load_error(replace(small_yaml(), "  tRTP: 5", "  tRTP: 5\n  tXYZ: 3"), &path);
  CHECK_THAT(msg, Catch::Contains("timing.tXYZ"));
  CHECK_THAT(msg, Catch::Contains(path));
  CHECK_THAT(msg, Catch::Contains("unknown key"));
  CHECK_THAT(load_error(small_yaml() + "colour: red\n"), Catch::Contains("'colour'"));
}

TEST_CASE("dram config: missing key is an error naming the key") {
  const std::string msg = load_error(replace(small_yaml(), "  tRCD: 10\n", ""));
  CHECK_THAT(msg, Catch::Contains("timing.tRCD"));
  CHECK_THAT(msg, Catch::Contains("missing"));
  CHECK_THAT(load_error(replace(small_yaml(), "  tCCD_L: 6\n", "")), Catch::Contains("timing.tCCD_L"));
  CHECK_THAT(load_error(replace(small_yaml(), "source:", "sauce:")), Catch::Contains("'sauce'"));
}

TEST_CASE("dram config: negative or malformed timing is an error naming the key") {
  const std::string msg = load_error(replace(small_yaml(), "tRP: 11", "tRP: -3"));
  CHECK_THAT(msg, Catch::Contains("timing.tRP"));
  CHECK_THAT(msg, Catch::Contains(">= 0"));
  CHECK_THAT(load_error(replace(small_yaml(), "tRP: 11", "tRP: 11 furlongs")), Catch::Contains("timing.tRP"));
  CHECK_THAT(load_error(replace(small_yaml(), "tRP: 11", "tRP: 2.5")), Catch::Contains("whole number"));
  CHECK_THAT(load_error(replace(small_yaml(), "tRC: 40", "tRC: 20")), Catch::Contains("timing.tRC"));
}

TEST_CASE("dram config: bad geometry and mapping are errors naming the key") {
  CHECK_THAT(load_error(replace(small_yaml(), "banks_per_group: 4", "banks_per_group: 3")),
             Catch::Contains("organization.banks_per_group"));
  CHECK_THAT(load_error(replace(small_yaml(), "[row, bank_group, bank, column, channel]", "[row, bank_group, column]")),
             Catch::Contains("field 'bank' takes 2 bits"));
  CHECK_THAT(load_error(replace(small_yaml(), "[row, bank_group, bank, column, channel]", "[row, bank, colum]")),
             Catch::Contains("unknown field"));
  CHECK_THAT(load_error(replace(small_yaml(), "[row, bank_group, bank, column, channel]",
                                "[row, column:2, bank_group, bank, column]")),
             Catch::Contains("more than once"));
  // A split field is fine when the pieces add up.
  CHECK(load_error(replace(small_yaml(), "[row, bank_group, bank, column, channel]",
                           "[row, column:2, bank_group, bank, column:2]"))
            .empty());
  CHECK_THAT(load_error(small_yaml() + "size_bytes: 1GiB\n"), Catch::Contains("size_bytes"));
  CHECK_THAT(load_error(small_yaml() + "size_bytes: 1000\n"), Catch::Contains("multiple of 4 KiB"));
  CHECK_THAT(load_error("name: [unclosed\n"), Catch::Contains("YAML syntax error"));
}

TEST_CASE("dram config: refresh enabled needs tREFI and tRFC") {
  const std::string yaml = replace(replace(small_yaml(), "enabled: false", "enabled: true"), "  tRFC: 50\n", "");
  CHECK_THAT(load_error(yaml), Catch::Contains("refresh.tRFC"));
}

TEST_CASE("dram config: preset lookup by name, path and ENERGON_DRAM_PRESETS_DIR") {
  std::string msg;
  try {
    load_dram_config("ddr9-9999");
  } catch (const DramConfigError& e) {
    msg = e.what();
  }
  CHECK_THAT(msg, Catch::Contains("ddr9-9999"));
  CHECK_THAT(msg, Catch::Contains("lpddr4-4266"));  // lists what is available

  const fs::path dir = fs::temp_directory_path() / ("energon_dram_presets_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "mine.yaml") << replace(small_yaml(), "name: test-small", "name: mine");
  ::setenv("ENERGON_DRAM_PRESETS_DIR", dir.c_str(), 1);
  const DramConfig c = load_dram_config("mine");
  ::unsetenv("ENERGON_DRAM_PRESETS_DIR");
  fs::remove_all(dir);
  CHECK(c.name == "mine");
  CHECK(c.origin == (dir / "mine.yaml").string());
}

TEST_CASE("dram config: Dram rejects an invalid config edited in code") {
  DramConfig c = energon::hw::test::small_config();
  c.timing.tRCD = 0;
  std::string msg;
  try {
    Dram dram("dram", c);
  } catch (const DramConfigError& e) {
    msg = e.what();
  }
  CHECK_THAT(msg, Catch::Contains("timing.tRCD"));
}

TEST_CASE("dram config: size_bytes below the capacity limits the address range") {
  const DramConfig c = parse_dram_config(small_yaml() + "size_bytes: 4MiB\n", "inline");
  CHECK(c.size_bytes == (uint64_t(4) << 20));
  CHECK(c.capacity_bytes() == (uint64_t(8) << 20));
  std::string msg;
  try {
    parse_dram_config(small_yaml() + "size_bytes: 3.5KiB\n", "inline");
  } catch (const DramConfigError& e) {
    msg = e.what();
  }
  CHECK_THAT(msg, Catch::StartsWith("inline"));
  CHECK_THAT(msg, Catch::Contains("size_bytes"));
}

TEST_CASE("dram config: controller and command-bus keys of the presets match the reference configs") {
  const DramConfig d = load_dram_config("ddr4-3200");
  CHECK(d.controller.scheduler == "frfcfs");
  CHECK(d.controller.page_policy == DramPagePolicy::open);
  CHECK(d.controller.request_buffer == 8);
  CHECK(d.controller.refresh_postpone == 0);
  CHECK(d.controller.refresh_stagger == DramRefreshStagger::bus);
  CHECK(d.command_bus.activate_cycles == 1);
  CHECK(d.timing.tRPab == d.timing.tRP);
  CHECK(d.timing.tRCD_WR == d.timing.tRCD);
  const DramConfig l = load_dram_config("lpddr4-4266");
  CHECK(l.timing.tDQSCK == 4);
  CHECK(l.timing.tRPab == 45);
  CHECK(l.command_bus.activate_cycles == 4);
  CHECK(l.command_bus.column_cycles == 4);
  CHECK(l.command_bus.precharge_cycles == 2);
  CHECK(l.command_bus.refresh_cycles == 2);
  const DramConfig h = load_dram_config("hbm2");
  CHECK(h.timing.tDQSCK == 1);
  CHECK(h.timing.tRCD_WR == 6);
  CHECK(h.timing.tRTW == 18);
  CHECK(h.command_bus.activate_cycles == 2);
  CHECK(h.command_bus.row_column_split);
  CHECK(h.command_bus.channels_per_bus == 2);
}

TEST_CASE("dram config: controller keys parse and bad values name the key and the line") {
  const std::string ok = small_yaml() +
                         "controller:\n  scheduler: frfcfs_cap\n  starvation_cap: 4\n  page_policy: closed\n"
                         "  request_buffer: 16\n  arbitration_cycles: 0\n"
                         "command_bus:\n  activate_cycles: 2\n  row_column_split: true\n";
  CHECK(load_error(ok).empty());
  const std::string sched = load_error(small_yaml() + "controller:\n  scheduler: lifo\n");
  CHECK_THAT(sched, Catch::Contains("controller.scheduler"));
  CHECK_THAT(sched, Catch::Contains("'lifo'"));
  CHECK_THAT(sched, Catch::Contains("fifo, fifo_strict, frfcfs, frfcfs_cap"));
  CHECK_THAT(sched, Catch::Contains(".yaml:"));  // with the line
  CHECK_THAT(load_error(small_yaml() + "controller:\n  page_policy: adaptive\n"), Catch::Contains("open or closed"));
  CHECK_THAT(load_error(small_yaml() + "controller:\n  request_buffer: 0\n"),
             Catch::Contains("controller.request_buffer"));
  CHECK_THAT(load_error(small_yaml() + "controller:\n  queue: 3\n"), Catch::Contains("controller.queue"));
  CHECK_THAT(load_error(small_yaml() + "command_bus:\n  column_cycles: 9\n"),
             Catch::Contains("command_bus.column_cycles"));
  CHECK_THAT(load_error(small_yaml() + "command_bus:\n  channels_per_bus: 2\n"),
             Catch::Contains("command_bus.channels_per_bus"));
  CHECK_THAT(load_error(replace(small_yaml(), "  tRTP: 5", "  tRTP: 5\n  tRPab: 3")), Catch::Contains("timing.tRPab"));
}

TEST_CASE("dram config: refresh postpone and stagger are checked") {
  const std::string refresh =
      replace(small_yaml(), "refresh:\n  enabled: false", "refresh:\n  enabled: false\n  postpone: 9");
  CHECK_THAT(load_error(refresh), Catch::Contains("refresh.postpone"));
  const std::string stagger =
      replace(small_yaml(), "refresh:\n  enabled: false", "refresh:\n  enabled: false\n  stagger: diagonal");
  CHECK_THAT(load_error(stagger), Catch::Contains("none, bus or all"));
}
