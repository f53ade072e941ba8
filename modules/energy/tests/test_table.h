// A complete, valid energy table with round numbers, shared by the energy tests.
#pragma once

namespace energon::hw::test {

inline constexpr const char* kTestTable = R"(name: test-table
technology_nm: {value: 45, source: "test"}
low_bit_mac:
  mult_8x8_pj: {value: 0.64, source: "test"}
  add_pj_per_bit: {value: 0.01, source: "test"}
  accumulator_guard_bits: {value: 8, source: "test"}
row_statistics_pj: {value: 0.5, source: "test"}
int16_mac_pj: {value: 2.0, source: "test"}
softmax_element_pj: {value: 10, source: "test"}
selector_element_pj: {value: 0.25, source: "test"}
search_compare_pj: {value: 0.5, source: "test"}
sram:
  - {capacity_bytes: 1024, read_pj_per_byte: 1.0, write_pj_per_byte: 2.0, source: "test"}
dram_pj_per_bit:
  ddr4: {value: 10, source: "test"}
  hbm2: {value: 2, source: "test"}
static_power_w: {value: 0.5, source: "test"}
)";

}  // namespace energon::hw::test
