// Accelerator parameters (the `accelerator:` section of a hardware preset YAML): the one clock,
// controller latencies, the memory interface's burst size, multiplier counts, selector and
// softmax throughput, buffers, timing fidelity. The only argument of hw::Accelerator.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace energon::hw {

/// A hardware configuration file or value is wrong; the message names the file and key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// lt: annotated delays with a quantum keeper (fast); accurate: wait() per transaction.
enum class TimingMode : uint8_t { lt = 0, accurate = 1 };

const char* to_string(TimingMode m);

struct AccelConfig {
  double clock_mhz = 1000.0;                 ///< accelerator clock: every inner block counts in it
  uint32_t reg_access_cycles = 2;            ///< controller: latency annotated on every register access
  uint32_t check_cycles = 4;                 ///< controller: descriptor field checks, between fetch and dispatch
  uint32_t max_burst_bytes = 4096;           ///< memory interface: largest transaction issued (0: no split)
  uint32_t max_outstanding = 16;             ///< memory interface, accurate mode: transactions in flight (AXI IDs)
  uint32_t fu_multipliers = 512;             ///< low-bit (4b×4b) multipliers of the filter engine
  uint32_t fu_lanes = 8;                     ///< keys the filter engine scores in parallel
  uint32_t fu_latency = 4;                   ///< filter engine pipeline fill, cycles per round
  uint32_t au_qk_multipliers = 64;           ///< INT16 multipliers for Q·K
  uint32_t au_v_multipliers = 64;            ///< INT16×Q0.16 multipliers for P×V
  uint32_t au_latency = 8;                   ///< attention engine pipeline fill, cycles per row
  uint32_t softmax_lanes = 8;                ///< float32 exp units
  uint32_t softmax_latency = 24;             ///< softmax pipeline fill (exp + sum), cycles per row
  uint32_t au_score_buffer_keys = 16384;     ///< AU score buffer: float32 entries shared by the rows in flight
  uint32_t au_query_tile = 8;                ///< AU query tile: rows sharing one K and one V stream (1: per row)
  uint32_t selector_elems_per_cycle = 8;     ///< compares per cycle (threshold and quick-select)
  uint32_t selector_latency = 2;             ///< cycles per selector pass (pivot broadcast)
  uint32_t search_sort_elems_per_cycle = 8;  ///< candidate-search unit: sorter and emit entries per cycle
  uint32_t search_latency = 8;               ///< candidate-search unit: pipeline fill per sort and per row
  uint32_t fifo_depth = 8;                   ///< FU→AU row buffer entries (a query tile: au_query_tile)
  uint32_t q_tile_rows = 16;                 ///< Q rows read / output rows written per transaction
  uint64_t sram_bytes = 256 * 1024;          ///< on-chip K/V buffer (two halves, see docs/fetch.md)
  uint32_t sram_bytes_per_cycle = 128;       ///< on-chip buffer read bandwidth (one K or V row of d = 64)
  uint32_t sram_banks = 8;                   ///< on-chip buffer banks, word-interleaved by address
  TimingMode timing = TimingMode::lt;        ///< timing fidelity
  uint64_t lt_quantum_cycles = 100;          ///< lt mode: quantum of the quantum keeper (docs/datapath.md)

  /// Energon edge preset: FU 512 low-bit multipliers, AU 64 + 64 INT16 multipliers, 1 GHz.
  static AccelConfig edge();
  /// Energon server preset: 4× the edge compute (FU 2048, AU 256 + 256, 4× selector/softmax).
  static AccelConfig server();
  /// Clock period in picoseconds.
  double period_ps() const { return 1.0e6 / clock_mhz; }
  /// Ops per cycle with every multiplier busy, a MAC counted as 2 ops: the FU's low-bit and the
  /// AU's Q·K and ×V multipliers (the peak that a chip's published GOPS usually is).
  uint64_t peak_ops_per_cycle() const { return 2 * (uint64_t(fu_multipliers) + au_qk_multipliers + au_v_multipliers); }
};

/// Empty string when valid, else what is wrong (names the field).
std::string validate(const AccelConfig& c);

/// The named preset ("energon-edge" or "energon-server"); throws ConfigError otherwise.
AccelConfig accel_preset(const std::string& name);

}  // namespace energon::hw
