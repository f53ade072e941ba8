// Trace parser: every command, expressions and symbols, descriptor field stores, and
// errors that name the file, the line and what was expected.
#include <catch2/catch.hpp>

#include <cstddef>
#include <sstream>

#include "energon/hw/energon_regs.h"
#include "energon/trace/trace.h"

using namespace energon::trace;

namespace {

const Symbols kSymbols = platform_symbols(0x4000'0000, 0x8000'0000);

std::vector<Command> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_trace(in, "t.trace", ENERGON_SOURCE_DIR "/testbenches/trace/traces", kSymbols);
}

}  // namespace

TEST_CASE("trace parser reads every command with symbols and expressions") {
  const auto cmds = parse(
      "# comment line\n"
      "\n"
      "write32 CTRL CTRL_ENABLE|CTRL_IRQ_EN   # trailing comment\n"
      "read32 STATUS 0xff00 0x100\n"
      "poll32 JOBS_DONE 0xffffffff 2 5000\n"
      "wait_irq 1000\n"
      "check_irq 1\n"
      "wait 10\n"
      "fill MEM+0x40 128 0xAB\n"
      "load MEM reset_values.trace\n"
      "compare MEM+0x100 reset_values.trace\n");
  REQUIRE(cmds.size() == 9);
  CHECK(cmds[0].op == Op::write32);
  CHECK(cmds[0].addr == 0x4000'0000u + ENERGON_REG_CTRL);
  CHECK(cmds[0].value == (ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN));
  CHECK(cmds[0].where == "t.trace:3");
  CHECK(cmds[0].text == "write32 CTRL CTRL_ENABLE|CTRL_IRQ_EN");
  CHECK(cmds[1].mask == 0xff00);
  CHECK(cmds[1].expected == 0x100);
  CHECK(cmds[2].time_ns == 5000);
  CHECK(cmds[3].op == Op::wait_irq);
  CHECK(cmds[4].value == 1);
  CHECK(cmds[5].time_ns == 10);
  CHECK(cmds[6].addr == 0x8000'0040u);
  CHECK(cmds[6].length == 128);
  CHECK(cmds[6].value == 0xAB);
  CHECK(cmds[7].path.find("reset_values.trace") != std::string::npos);
  CHECK(cmds[8].addr == 0x8000'0100u);
}

TEST_CASE("trace parser encodes descriptor fields at their offsets") {
  const auto cmds = parse(
      "desc MEM+0x1000 magic=DESC_MAGIC d=64 plane_bits[2]=12 k_plane_addr[1]=MEM+0x40 "
      "round[1].alpha_q8=-128 round[1].k_bits=4 topk.k=7\n");
  REQUIRE(cmds.size() == 1);
  const auto& f = cmds[0].fields;
  REQUIRE(f.size() == 7);
  CHECK(f[0].offset == offsetof(energon_desc_t, magic));
  CHECK(f[0].value == ENERGON_DESC_MAGIC);
  CHECK(f[1].offset == offsetof(energon_desc_t, d));
  CHECK(f[1].bytes == 2);
  CHECK(f[2].offset == offsetof(energon_desc_t, plane_bits) + 2);
  CHECK(f[2].bytes == 1);
  CHECK(f[3].offset == offsetof(energon_desc_t, k_plane_addr) + 8);
  CHECK(f[3].value == 0x8000'0040u);
  CHECK(f[4].offset == offsetof(energon_desc_t, round) + 16 + offsetof(energon_select_t, alpha_q8));
  CHECK(uint32_t(f[4].value) == uint32_t(-128));
  CHECK(f[5].offset == offsetof(energon_desc_t, round) + 16 + offsetof(energon_select_t, k_bits));
  CHECK(f[6].offset == offsetof(energon_desc_t, topk) + offsetof(energon_select_t, k));
}

TEST_CASE("trace parser errors name the file, the line and what was expected") {
  CHECK_THROWS_WITH(parse("\nwirte32 CTRL 1\n"), Catch::StartsWith("t.trace:2: unknown command 'wirte32'"));
  CHECK_THROWS_WITH(parse("write32 CTRL\n"), Catch::Contains("takes 2 argument(s): write32 <addr> <value>"));
  CHECK_THROWS_WITH(parse("read32 CTRLX 1 1\n"), Catch::Contains("unknown name 'CTRLX'"));
  CHECK_THROWS_WITH(parse("read32 CTRL 0x1 0x3\n"), Catch::Contains("bits outside the mask"));
  CHECK_THROWS_WITH(parse("write32 CTRL 0x1ffffffff\n"), Catch::Contains("does not fit in 32 bits"));
  CHECK_THROWS_WITH(parse("write32 CTRL 12z\n"), Catch::Contains("'12z' is not a number"));
  CHECK_THROWS_WITH(parse("load MEM no_such.bin\n"), Catch::Contains("data file 'no_such.bin' not found"));
  CHECK_THROWS_WITH(parse("desc MEM magic\n"), Catch::Contains("expected <field>=<value>"));
  CHECK_THROWS_WITH(parse("desc MEM speed=3\n"), Catch::Contains("unknown descriptor field 'speed'"));
  CHECK_THROWS_WITH(parse("desc MEM plane_bits=3\n"), Catch::Contains("is an array"));
  CHECK_THROWS_WITH(parse("desc MEM plane_bits[4]=3\n"), Catch::Contains("index 4 out of range"));
  CHECK_THROWS_WITH(parse("desc MEM round[0]=3\n"), Catch::Contains("is a selection rule"));
  CHECK_THROWS_WITH(parse("desc MEM d=70000\n"), Catch::Contains("does not fit in 2 byte(s)"));
  CHECK_THROWS_WITH(parse("check_irq 2\n"), Catch::Contains("0 or 1"));
  // Indices and lengths are range-checked before they narrow or allocate.
  CHECK_THROWS_WITH(parse("desc MEM plane_bits[4294967296]=4\n"), Catch::Contains("malformed index"));
  CHECK_THROWS_WITH(parse("desc MEM plane_bits[-1]=4\n"), Catch::Contains("malformed index"));
  CHECK_THROWS_WITH(parse("fill MEM 0x100000000 0\n"), Catch::Contains("above the 1073741824-byte limit"));
  CHECK_THROWS_WITH(parse("fill 0xFFFFFFFFFFFFF000 0x2000 0\n"),
                    Catch::Contains("passes the end of the address space"));
  CHECK_THROWS_WITH(parse_trace("/nonexistent/x.trace", kSymbols), Catch::Contains("no such trace file"));
}
