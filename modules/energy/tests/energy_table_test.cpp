// Energy table loader: the default table, sources on every value, and errors naming the key.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "energon/hw/energy_table.h"
#include "test_table.h"
#include "energon/config/energy_yaml.h"

using namespace energon::hw;

namespace {

// A complete, valid table with round numbers; tests edit one line of it.
std::string minimal_table() { return test::kTestTable; }

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& yaml) {
  try {
    parse_energy_table(yaml, "bad.yaml");
  } catch (const EnergyConfigError& e) {
    return e.what();
  }
  FAIL("no EnergyConfigError for:\n" << yaml);
  return {};
}

}  // namespace

TEST_CASE("energy default table loads and every value has a source", "[energy]") {
  const EnergyTable t = load_energy_table();
  CHECK(t.name == "energon-45nm");
  CHECK(t.technology_nm.value == 45);
  const auto entries = t.entries();
  CHECK(entries.size() >= 20);
  for (const auto& e : entries) {
    INFO(e.key);
    CHECK(e.source.size() > 10);
    CHECK(e.value >= 0);
  }
  for (const char* standard : {"ddr4", "lpddr4", "hbm2"}) CHECK(t.dram_pj_per_bit.count(standard) == 1);
  CHECK(t.reference.at("throughput_gops").value == 1153);
  CHECK(t.reference.at("core_power_w").value == Approx(0.32));
  CHECK(t.sram.size() == 3);
}

TEST_CASE("energy table by name, by path and through ENERGON_ENERGY_TABLES_DIR", "[energy]") {
  const EnergyTable by_name = load_energy_table("energon-45nm");
  const EnergyTable by_path = load_energy_table(energy_tables_dir() + "/energon-45nm.yaml");
  CHECK(by_name.int16_mac_pj.value == by_path.int16_mac_pj.value);
  CHECK(by_path.origin.find("energon-45nm.yaml") != std::string::npos);

  try {
    load_energy_table("no-such-node");
    FAIL("expected an error");
  } catch (const EnergyConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("no-such-node") && Catch::Contains("energon-45nm"));
  }

  const auto dir = std::filesystem::temp_directory_path() / ("energon-energy-tables-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "test-table.yaml") << minimal_table();
  ::setenv("ENERGON_ENERGY_TABLES_DIR", dir.c_str(), 1);
  const EnergyTable t = load_energy_table("test-table");
  ::unsetenv("ENERGON_ENERGY_TABLES_DIR");
  std::filesystem::remove_all(dir);
  CHECK(t.name == "test-table");
  CHECK(t.int16_mac_pj.value == 2.0);
}

TEST_CASE("energy table errors name the file and the key", "[energy]") {
  CHECK_NOTHROW(parse_energy_table(minimal_table(), "ok.yaml"));

  SECTION("unknown key") {
    const std::string msg = error_of(replace(minimal_table(), "int16_mac_pj:", "int16_macc_pj:"));
    CHECK_THAT(msg, Catch::Contains("bad.yaml") && Catch::Contains("int16_macc_pj") && Catch::Contains("unknown key"));
  }
  SECTION("unknown key inside a value") {
    const std::string msg =
        error_of(replace(minimal_table(), "{value: 2, source: \"test\"}", "{value: 2, sorce: \"test\"}"));
    CHECK_THAT(msg, Catch::Contains("dram_pj_per_bit.hbm2.sorce"));
  }
  SECTION("missing source") {
    const std::string msg = error_of(replace(minimal_table(), "{value: 2, source: \"test\"}", "{value: 2}"));
    CHECK_THAT(msg, Catch::Contains("dram_pj_per_bit.hbm2.source") && Catch::Contains("missing"));
  }
  SECTION("missing source of an SRAM size class") {
    const std::string msg =
        error_of(replace(minimal_table(), "write_pj_per_byte: 2.0, source: \"test\"", "write_pj_per_byte: 2.0"));
    CHECK_THAT(msg, Catch::Contains("sram[0].source"));
  }
  SECTION("negative energy") {
    const std::string msg = error_of(replace(minimal_table(), "{value: 2.0, source", "{value: -2.0, source"));
    CHECK_THAT(msg, Catch::Contains("int16_mac_pj.value") && Catch::Contains(">= 0"));
  }
  SECTION("bare number instead of {value, source}") {
    const std::string msg =
        error_of(replace(minimal_table(), "{value: 10, source: \"test\"}\nselector", "10\nselector"));
    CHECK_THAT(msg, Catch::Contains("softmax_element_pj") && Catch::Contains("source"));
  }
  SECTION("not a number") {
    const std::string msg = error_of(replace(minimal_table(), "{value: 0.25,", "{value: fast,"));
    CHECK_THAT(msg, Catch::Contains("selector_element_pj.value") && Catch::Contains("'fast'"));
  }
  SECTION("missing required entry") {
    const std::string msg = error_of(replace(minimal_table(), "static_power_w: {value: 0.5, source: \"test\"}\n", ""));
    CHECK_THAT(msg, Catch::Contains("static_power_w") && Catch::Contains("missing"));
  }
  SECTION("SRAM classes out of order") {
    const std::string msg = error_of(replace(minimal_table(), "dram_pj_per_bit:",
                                             "  - {capacity_bytes: 512, read_pj_per_byte: 1.0, "
                                             "write_pj_per_byte: 1.0, source: \"t\"}\ndram_pj_per_bit:"));
    CHECK_THAT(msg, Catch::Contains("sram[1].capacity_bytes") && Catch::Contains("ascending"));
  }
  SECTION("YAML syntax error") {
    CHECK_THAT(error_of("name: [unclosed"), Catch::Contains("bad.yaml") && Catch::Contains("syntax"));
  }
}

TEST_CASE("energy low-bit MAC model and SRAM interpolation", "[energy]") {
  const EnergyTable t = parse_energy_table(minimal_table(), "t.yaml");
  // 0.64 * 4*2/64 + 0.01 * (4 + 2 + 8)
  CHECK(t.low_bit_mac_pj(4, 2) == Approx(0.08 + 0.14));
  CHECK(t.low_bit_mac_pj(8, 8) == Approx(0.64 + 0.24));
  CHECK(t.low_bit_mac_pj(1, 1) < t.low_bit_mac_pj(4, 2));
  CHECK_THROWS_AS(t.low_bit_mac_pj(0, 2), std::invalid_argument);
  CHECK_THROWS_AS(t.low_bit_mac_pj(4, 9), std::invalid_argument);

  const EnergyTable d = load_energy_table();
  CHECK(d.sram_read_pj_per_byte(8192) == Approx(1.25));
  CHECK(d.sram_read_pj_per_byte(1024) == Approx(1.25));                    // clamped below the smallest class
  CHECK(d.sram_read_pj_per_byte(16384) == Approx(1.25 * std::sqrt(2.0)));  // halfway in log-log
  CHECK(d.sram_write_pj_per_byte(uint64_t(1) << 30) == Approx(12.5));      // clamped above the largest
  const double half_buffer = d.sram_read_pj_per_byte(128 * 1024);
  CHECK(half_buffer > 2.5);
  CHECK(half_buffer < 12.5);

  CHECK(dram_standard_of("lpddr4-4266") == "lpddr4");
  CHECK(dram_standard_of("ddr4-3200") == "ddr4");
  CHECK(dram_standard_of("hbm2") == "hbm2");
  CHECK_THROWS_WITH(d.dram_pj_per_bit_of("gddr6"), Catch::Contains("gddr6") && Catch::Contains("hbm2"));
}
