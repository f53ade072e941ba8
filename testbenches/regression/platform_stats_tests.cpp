// The statistics tree and its two writers.
#include <catch2/catch.hpp>

#include <limits>
#include <sstream>

#include "energon/stats/stats_json.h"

using energon::stats::Group;

TEST_CASE("platform: stats tree writes the same figures to JSON and to the table") {
  Group root("report", "A report");
  root.set("verdict", std::string("PASS"), "", "Bit-exact");
  Group& lat = root.group("latency", "Latency");
  lat.set("cycles", uint64_t(12345), "cycles", "Accelerator cycles");
  lat.set("us", 12.5, "us", "");
  root.group("latency").set("cycles", uint64_t(777), "cycles", "Replaced");  // same group, same stat
  root.group("dram").group("model").set("row_hit_rate", 0.75, "", "");
  root.group("dram").set("nan", std::numeric_limits<double>::quiet_NaN(), "", "");

  REQUIRE(root.groups().size() == 2);
  REQUIRE(root.find("latency.cycles") != nullptr);
  REQUIRE(std::get<uint64_t>(root.find("latency.cycles")->value) == 777);
  REQUIRE(root.find("dram.model.row_hit_rate") != nullptr);
  REQUIRE(root.find("dram.missing") == nullptr);
  REQUIRE(root.find_group("dram.model") != nullptr);
  REQUIRE(energon::stats::as_double(root.find("latency.us")->value) == 12.5);

  const nlohmann::json j = energon::stats::to_json(root);
  REQUIRE(j["verdict"]["value"] == "PASS");
  REQUIRE(j["latency"]["cycles"]["value"] == 777);
  REQUIRE(j["latency"]["cycles"]["unit"] == "cycles");
  REQUIRE(j["latency"]["cycles"]["description"] == "Replaced");
  REQUIRE(j["latency"]["description"] == "Latency");
  REQUIRE(j["dram"]["model"]["row_hit_rate"]["value"] == 0.75);
  REQUIRE(j["dram"]["nan"]["value"].is_null());  // JSON has no NaN

  std::ostringstream table;
  energon::stats::write_table(table, root);
  const std::string t = table.str();
  REQUIRE(t.find("A report") == 0);
  REQUIRE(t.find("latency — Latency") != std::string::npos);
  REQUIRE(t.find("777 cycles") != std::string::npos);
  REQUIRE(t.find("PASS  — Bit-exact") != std::string::npos);
  REQUIRE(t.find("    row_hit_rate") != std::string::npos);  // nested groups indent
}
