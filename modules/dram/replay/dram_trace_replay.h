// Trace replay through the controller core (SystemC-free): requests of a DRAMSys-style .stl trace
// ("<time ps>: read|write 0x<address>") handed to the controller by one player per command bus,
// in trace order, at most one request (or handoff_bytes) per cycle, while the bank's request buffer has room and fewer
// than `max_outstanding` are in flight (the reference setup, docs/dram.md "Fidelity").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "energon/hw/dram_config.h"

namespace energon::hw {

struct DramTraceRequest {
  int64_t time_ps = 0;
  uint64_t address = 0;
  bool write = false;
};

/// Reads a .stl trace; `max_requests` > 0 keeps only the first ones. Throws std::runtime_error.
std::vector<DramTraceRequest> read_dram_trace(const std::string& path, size_t max_requests = 0);

/// What the reference measures (reference/dram/README.md "Metrics").
struct DramReplayResult {
  size_t requests = 0;
  size_t lines = 0;    ///< 64 B lines: requests with the same time stamp and line address
  double span_ns = 0;  ///< first request to last response
  double bandwidth_gbps = 0;
  double read_latency_mean_ns = 0;  ///< per read line: last response − trace time
  double read_latency_p95_ns = 0;   ///< linear interpolation between order statistics
  double row_hit_rate = 0;          ///< row hits / bursts
  uint64_t activates = 0;
  uint64_t refreshes = 0;
  uint64_t reordered = 0;
};

struct DramReplayOptions {
  size_t max_outstanding = 128;  ///< per player (DRAMSys MaxActiveTransactions)
  /// Bytes a player hands over per cycle: consecutive requests with one time stamp inside one
  /// aligned block of this size go in the same cycle (the reference's request size; 0: one request).
  uint64_t handoff_bytes = 0;
};

DramReplayResult replay_dram_trace(const DramConfig& config, const std::vector<DramTraceRequest>& trace,
                                   const DramReplayOptions& options = {});

}  // namespace energon::hw
