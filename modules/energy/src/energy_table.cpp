// EnergyTable: look-ups and validation (the YAML loader is in the config library).
#include "energon/hw/energy_table.h"

#include <cmath>
#include <stdexcept>

namespace energon::hw {
namespace {

double log_interpolate(const std::vector<SramEnergyPoint>& points, uint64_t capacity, double SramEnergyPoint::*field) {
  if (capacity <= points.front().capacity_bytes) return points.front().*field;
  if (capacity >= points.back().capacity_bytes) return points.back().*field;
  size_t i = 1;
  while (points[i].capacity_bytes < capacity) ++i;
  const auto& a = points[i - 1];
  const auto& b = points[i];
  const double ya = a.*field, yb = b.*field;
  if (ya <= 0 || yb <= 0)
    return ya + (yb - ya) * (double(capacity - a.capacity_bytes) / double(b.capacity_bytes - a.capacity_bytes));
  // SRAM access energy grows as a power of capacity (wire length): straight line in log-log.
  const double x = std::log(double(capacity) / double(a.capacity_bytes)) /
                   std::log(double(b.capacity_bytes) / double(a.capacity_bytes));
  return ya * std::pow(yb / ya, x);
}

}  // namespace

double EnergyTable::low_bit_mac_pj(unsigned q_bits, unsigned k_bits) const {
  if (q_bits < 1 || q_bits > 8 || k_bits < 1 || k_bits > 8)
    throw std::invalid_argument("low-bit MAC operand widths must be 1..8, got q_bits " + std::to_string(q_bits) +
                                ", k_bits " + std::to_string(k_bits));
  return mult_8x8_pj.value * double(q_bits * k_bits) / 64.0 +
         add_pj_per_bit.value * (double(q_bits + k_bits) + accumulator_guard_bits.value);
}

double EnergyTable::sram_read_pj_per_byte(uint64_t capacity_bytes) const {
  return log_interpolate(sram, capacity_bytes, &SramEnergyPoint::read_pj_per_byte);
}

double EnergyTable::sram_write_pj_per_byte(uint64_t capacity_bytes) const {
  return log_interpolate(sram, capacity_bytes, &SramEnergyPoint::write_pj_per_byte);
}

double EnergyTable::dram_pj_per_bit_of(const std::string& standard) const {
  const auto it = dram_pj_per_bit.find(standard);
  if (it != dram_pj_per_bit.end()) return it->second.value;
  std::string list;
  for (const auto& [k, v] : dram_pj_per_bit) list += (list.empty() ? "" : ", ") + k;
  throw EnergyConfigError((origin.empty() ? "energy table '" + name + "'" : origin) + ": key 'dram_pj_per_bit." +
                          standard + "': unknown DRAM standard (table has: " + list + ")");
}

std::vector<EnergyEntry> EnergyTable::entries() const {
  std::vector<EnergyEntry> e;
  auto add = [&](const std::string& key, const SourcedValue& v, const std::string& unit) {
    e.push_back({key, v.value, unit, v.source});
  };
  add("technology_nm", technology_nm, "nm");
  add("low_bit_mac.mult_8x8_pj", mult_8x8_pj, "pJ");
  add("low_bit_mac.add_pj_per_bit", add_pj_per_bit, "pJ/bit");
  add("low_bit_mac.accumulator_guard_bits", accumulator_guard_bits, "bits");
  add("row_statistics_pj", row_statistics_pj, "pJ/score");
  add("int16_mac_pj", int16_mac_pj, "pJ/MAC");
  add("softmax_element_pj", softmax_element_pj, "pJ/element");
  add("selector_element_pj", selector_element_pj, "pJ/compare");
  add("search_compare_pj", search_compare_pj, "pJ/compare");
  for (size_t i = 0; i < sram.size(); ++i) {
    const std::string k = "sram[" + std::to_string(i) + "]";
    e.push_back({k + ".capacity_bytes", double(sram[i].capacity_bytes), "B", sram[i].source});
    e.push_back({k + ".read_pj_per_byte", sram[i].read_pj_per_byte, "pJ/B", sram[i].source});
    e.push_back({k + ".write_pj_per_byte", sram[i].write_pj_per_byte, "pJ/B", sram[i].source});
  }
  for (const auto& [k, v] : dram_pj_per_bit) add("dram_pj_per_bit." + k, v, "pJ/bit");
  add("static_power_w", static_power_w, "W");
  for (const auto& [k, v] : reference) add("reference." + k, v, "");
  return e;
}

void validate_energy_table(const EnergyTable& t) {
  const std::string where = t.origin.empty() ? "energy table '" + t.name + "'" : t.origin;
  auto fail = [&](const std::string& key, const std::string& what) {
    throw EnergyConfigError(where + ": key '" + key + "': " + what);
  };
  if (t.name.empty()) fail("name", "must not be empty");
  for (const auto& e : t.entries()) {
    if (!std::isfinite(e.value) || e.value < 0) fail(e.key, "must be a finite number >= 0");
    if (e.source.empty()) fail(e.key + ".source", "missing (every value must say where it comes from)");
  }
  if (t.sram.empty()) fail("sram", "must list at least one size class");
  for (size_t i = 1; i < t.sram.size(); ++i)
    if (t.sram[i].capacity_bytes <= t.sram[i - 1].capacity_bytes)
      fail("sram[" + std::to_string(i) + "].capacity_bytes", "size classes must be in ascending capacity");
  if (t.dram_pj_per_bit.empty()) fail("dram_pj_per_bit", "must list at least one DRAM standard");
  if (t.accumulator_guard_bits.value > 32) fail("low_bit_mac.accumulator_guard_bits", "must be <= 32");
}

std::string dram_standard_of(const std::string& dram_preset_name) {
  return dram_preset_name.substr(0, dram_preset_name.find('-'));
}

}  // namespace energon::hw
