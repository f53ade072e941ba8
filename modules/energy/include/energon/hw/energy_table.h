// Energy table: energy per operation, per on-chip buffer byte and per DRAM bit, each value
// with the published source it comes from. Loaded from <data root>/energy/<name>.yaml by the
// config library (energon/config/energy_yaml.h).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace energon::hw {

/// Bad energy table; the message names the file, the key and what was expected.
class EnergyConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One table value and where it comes from.
struct SourcedValue {
  double value = 0;
  std::string source;
};

/// SRAM access energy of an array of `capacity_bytes` (one size class).
struct SramEnergyPoint {
  uint64_t capacity_bytes = 0;
  double read_pj_per_byte = 0;
  double write_pj_per_byte = 0;
  std::string source;
};

/// One row of EnergyTable::entries(): dotted YAML key, value, unit and source.
struct EnergyEntry {
  std::string key;
  double value;
  std::string unit;
  std::string source;
};

/// Validated energy table. Low-bit MAC model (q, k operand widths 1..8):
///   mac_pj(q, k) = mult_8x8_pj · q·k/64 + add_pj_per_bit · (q + k + accumulator_guard_bits)
struct EnergyTable {
  std::string name;
  std::string description;
  std::string origin;  ///< file it was loaded from

  SourcedValue technology_nm;
  SourcedValue mult_8x8_pj;                             ///< 8-bit × 8-bit integer multiply
  SourcedValue add_pj_per_bit;                          ///< integer add, per bit of adder width
  SourcedValue accumulator_guard_bits;                  ///< accumulator bits beyond the product width
  SourcedValue row_statistics_pj;                       ///< per low-bit score: row max, min and sum update
  SourcedValue int16_mac_pj;                            ///< 16×16 multiply + 64-bit accumulate
  SourcedValue softmax_element_pj;                      ///< float32 softmax of one kept key
  SourcedValue selector_element_pj;                     ///< one selector compare (threshold or quick-select)
  SourcedValue search_compare_pj;                       ///< one candidate-search compare (sorter or pick tree)
  std::vector<SramEnergyPoint> sram;                    ///< ascending capacity; log-log interpolated
  std::map<std::string, SourcedValue> dram_pj_per_bit;  ///< by standard: ddr4, lpddr4, hbm2
  SourcedValue static_power_w;                          ///< leakage of the accelerator core

  /// The Energon paper's published implementation, for sanity checks only (not used by
  /// estimate_energy): clock_mhz, core_power_w, throughput_gops, area_mm2.
  std::map<std::string, SourcedValue> reference;

  /// Energy of one low-bit MAC; throws std::invalid_argument unless 1 <= q_bits, k_bits <= 8.
  double low_bit_mac_pj(unsigned q_bits, unsigned k_bits) const;
  /// SRAM energy per byte for an array of `capacity_bytes`: log-log interpolation between the
  /// size classes, clamped to the smallest and largest class.
  double sram_read_pj_per_byte(uint64_t capacity_bytes) const;
  double sram_write_pj_per_byte(uint64_t capacity_bytes) const;
  /// Energy per DRAM bit moved; throws EnergyConfigError naming the known standards.
  double dram_pj_per_bit_of(const std::string& standard) const;
  /// Every value of the table with its key, unit and source (for reports and docs).
  std::vector<EnergyEntry> entries() const;
};

/// Checks a table built or edited in code; throws EnergyConfigError naming the key.
void validate_energy_table(const EnergyTable& table);

/// DRAM standard of a DRAM preset name: "lpddr4-4266" → "lpddr4", "ddr4-3200" → "ddr4", "hbm2" → "hbm2".
std::string dram_standard_of(const std::string& dram_preset_name);

}  // namespace energon::hw
