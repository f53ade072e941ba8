// YAML parsing of the accelerator parameters (the `accelerator:` section of a hardware preset).
// Part of the config library: an integrator who builds AccelConfig in code can skip it.
#pragma once

#include <string>

#include "energon/hw/accel_config.h"

namespace YAML {
class Node;
}

namespace energon::hw {

/// Parses an `accelerator:` YAML mapping. Keys: preset (energon-edge | energon-server, the
/// starting values), clock_mhz, reg_access_cycles, check_cycles, max_burst_bytes, max_outstanding, fu_multipliers,
/// fu_lanes, fu_latency, au_qk_multipliers, au_v_multipliers, au_latency, softmax_lanes, softmax_latency,
/// au_score_buffer_keys, au_query_tile, selector_elems_per_cycle, selector_latency, search_sort_elems_per_cycle,
/// search_latency, fifo_depth, q_tile_rows, sram_bytes, sram_bytes_per_cycle, sram_banks, timing (lt | accurate),
/// lt_quantum_cycles. Unknown keys, wrong types and invalid values throw ConfigError naming `file` and the key.
AccelConfig parse_accel_config(const YAML::Node& node, const std::string& file);

}  // namespace energon::hw
