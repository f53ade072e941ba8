#include "energon/hw/accel_config.h"

#include <cmath>
#include <sstream>

namespace energon::hw {

const char* to_string(TimingMode m) { return m == TimingMode::accurate ? "accurate" : "lt"; }

AccelConfig AccelConfig::edge() { return AccelConfig{}; }

AccelConfig AccelConfig::server() {
  AccelConfig c;
  c.fu_multipliers = 2048;
  c.fu_lanes = 32;
  c.au_qk_multipliers = 256;
  c.au_v_multipliers = 256;
  c.softmax_lanes = 32;
  c.selector_elems_per_cycle = 32;
  c.search_sort_elems_per_cycle = 32;
  c.fifo_depth = 8;
  c.sram_bytes = 1024 * 1024;
  c.sram_bytes_per_cycle = 512;
  c.sram_banks = 16;
  c.au_score_buffer_keys = 65536;
  return c;
}

AccelConfig accel_preset(const std::string& name) {
  if (name == "energon-edge") return AccelConfig::edge();
  if (name == "energon-server") return AccelConfig::server();
  throw ConfigError("unknown accelerator preset '" + name + "' (expected energon-edge or energon-server)");
}

namespace {
// Upper limits of the parameters: far above any real design, low enough that no product of them
// overflows the 64-bit cycle and byte arithmetic of the blocks (docs/architecture.md).
constexpr uint32_t kMaxUnits = 1u << 20;
constexpr uint32_t kMaxLatencyCycles = 1u << 20;
constexpr uint64_t kMaxSramBytes = uint64_t(1) << 30;
constexpr uint32_t kMaxSramBanks = 64;
constexpr uint32_t kMaxQueryTile = 1024;  // SramBankCounter::kMaxBanks
constexpr uint64_t kMaxQuantumCycles = 1000000000;
constexpr uint32_t kMaxOutstanding = 1024;
}  // namespace

std::string validate(const AccelConfig& c) {
  std::ostringstream e;
  if (!(c.clock_mhz >= 1.0 && c.clock_mhz <= 100000.0))
    e << "clock_mhz (" << c.clock_mhz << ") must be in 1..100000 MHz";
  else if (c.fu_multipliers == 0 || c.fu_lanes == 0 || c.fu_multipliers % c.fu_lanes != 0)
    e << "fu_multipliers (" << c.fu_multipliers << ") must be a non-zero multiple of fu_lanes (" << c.fu_lanes << ")";
  else if (c.au_qk_multipliers == 0 || c.au_v_multipliers == 0)
    e << "au_qk_multipliers and au_v_multipliers must be at least 1";
  else if (c.softmax_lanes == 0)
    e << "softmax_lanes must be at least 1";
  else if (c.selector_elems_per_cycle == 0)
    e << "selector_elems_per_cycle must be at least 1";
  else if (c.search_sort_elems_per_cycle == 0 || c.search_sort_elems_per_cycle > kMaxUnits)
    e << "search_sort_elems_per_cycle (" << c.search_sort_elems_per_cycle << ") must be in 1.." << kMaxUnits;
  else if (c.search_latency > kMaxLatencyCycles)
    e << "search_latency (" << c.search_latency << ") must be at most " << kMaxLatencyCycles << " cycles";
  else if (c.fifo_depth == 0)
    e << "fifo_depth must be at least 1";
  else if (c.q_tile_rows == 0)
    e << "q_tile_rows must be at least 1";
  else if (c.sram_bytes_per_cycle == 0)
    e << "sram_bytes_per_cycle must be at least 1";
  else if (c.lt_quantum_cycles == 0)
    e << "lt_quantum_cycles must be at least 1";
  else if (c.au_score_buffer_keys == 0 || c.au_score_buffer_keys > kMaxUnits)
    e << "au_score_buffer_keys (" << c.au_score_buffer_keys << ") must be in 1.." << kMaxUnits;
  else if (c.au_query_tile == 0 || c.au_query_tile > kMaxQueryTile)
    e << "au_query_tile (" << c.au_query_tile << ") must be in 1.." << kMaxQueryTile;
  else if (c.sram_banks == 0 || c.sram_banks > kMaxSramBanks || (c.sram_banks & (c.sram_banks - 1)) != 0 ||
           c.sram_bytes_per_cycle % c.sram_banks != 0)
    e << "sram_banks (" << c.sram_banks << ") must be a power of two up to " << kMaxSramBanks
      << " that divides sram_bytes_per_cycle (" << c.sram_bytes_per_cycle << ")";
  else if (c.fu_multipliers > kMaxUnits || c.au_qk_multipliers > kMaxUnits || c.au_v_multipliers > kMaxUnits ||
           c.softmax_lanes > kMaxUnits || c.selector_elems_per_cycle > kMaxUnits || c.fifo_depth > kMaxUnits ||
           c.q_tile_rows > kMaxUnits || c.sram_bytes_per_cycle > kMaxUnits)
    e << "fu_multipliers, au_*_multipliers, softmax_lanes, selector_elems_per_cycle, fifo_depth, q_tile_rows and "
         "sram_bytes_per_cycle must be at most "
      << kMaxUnits;
  else if (c.fu_latency > kMaxLatencyCycles || c.au_latency > kMaxLatencyCycles ||
           c.softmax_latency > kMaxLatencyCycles || c.selector_latency > kMaxLatencyCycles ||
           c.reg_access_cycles > kMaxLatencyCycles || c.check_cycles > kMaxLatencyCycles)
    e << "latencies (fu_latency, au_latency, softmax_latency, selector_latency, reg_access_cycles, check_cycles) "
         "must be at most "
      << kMaxLatencyCycles << " cycles";
  else if (c.sram_bytes > kMaxSramBytes)
    e << "sram_bytes (" << c.sram_bytes << ") must be at most " << kMaxSramBytes << " (1 GiB)";
  else if (c.lt_quantum_cycles > kMaxQuantumCycles)
    e << "lt_quantum_cycles (" << c.lt_quantum_cycles << ") must be at most " << kMaxQuantumCycles;
  else if (c.max_burst_bytes != 0 && (c.max_burst_bytes < 4 || (c.max_burst_bytes & (c.max_burst_bytes - 1)) != 0))
    e << "max_burst_bytes (" << c.max_burst_bytes << ") must be 0 (no split) or a power of two >= 4";
  else if (c.max_outstanding < 1 || c.max_outstanding > kMaxOutstanding)
    e << "max_outstanding (" << c.max_outstanding << ") must be in 1.." << kMaxOutstanding;
  return e.str();
}

}  // namespace energon::hw
