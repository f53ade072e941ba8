// Activity × energy table → energy per block.
#include <cmath>
#include <stdexcept>

#include "energon/hw/energy.h"

namespace energon::hw {

double EnergyBreakdown::total_pj() const {
  return filter_pj + selector_pj + attention_pj + softmax_pj + sram_pj + dram_pj + static_pj + candidate_search_pj;
}

EnergyBreakdown estimate_energy(const EnergyTable& table, const std::string& dram_standard,
                                const JobActivity& activity) {
  if (!std::isfinite(activity.seconds) || activity.seconds < 0)
    throw std::invalid_argument("JobActivity::seconds must be a finite number >= 0, got " +
                                std::to_string(activity.seconds));
  const double dram_pj_per_bit = table.dram_pj_per_bit_of(dram_standard);
  EnergyBreakdown e;
  for (const RoundActivity& r : activity.rounds)
    e.filter_pj += double(r.macs) * table.low_bit_mac_pj(r.q_bits, r.k_bits) +
                   double(r.selected_elems) * table.row_statistics_pj.value;
  e.selector_pj = double(activity.selector_elems) * table.selector_element_pj.value;
  e.attention_pj = double(activity.int16_macs) * table.int16_mac_pj.value;
  e.candidate_search_pj = double(activity.search_products) * table.int16_mac_pj.value +
                          double(activity.search_compares) * table.search_compare_pj.value;
  e.softmax_pj = double(activity.softmax_elems) * table.softmax_element_pj.value;
  e.sram_pj = double(activity.sram_read_bytes) * table.sram_read_pj_per_byte(activity.sram_array_bytes) +
              double(activity.sram_write_bytes) * table.sram_write_pj_per_byte(activity.sram_array_bytes);
  e.dram_pj = double(activity.dram_read_bytes + activity.dram_write_bytes) * 8.0 * dram_pj_per_bit;
  e.static_pj = table.static_power_w.value * activity.seconds * 1e12;
  return e;
}

}  // namespace energon::hw
