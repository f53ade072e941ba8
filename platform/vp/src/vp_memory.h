// The host memory a run of energon-vp needs, estimated before it starts, against --max-memory.
#pragma once

#include <cstdint>
#include <string>

#include "energon/attention_job.h"

namespace energon::vp {

/// What a run holds at its peak, by quantity (docs/workloads.md "Input limits and bad input").
struct MemoryEstimate {
  uint64_t float_tensors = 0;  ///< float32 Q, K, V of the layers in flight
  uint64_t dram_copies = 0;    ///< their INT16 copies, K planes and outputs in the DRAM model
  uint64_t golden_check = 0;   ///< float64 reference, golden output, quantized copies (with --check)
  uint64_t fixed = 0;          ///< program, SystemC kernel, model state
  uint64_t total() const { return float_tensors + dram_copies + golden_check + fixed; }
  /// "Q/K/V float32 tensors 1.2 GiB + ..." for the refusal message.
  std::string breakdown() const;
};

MemoryEstimate estimate_run_memory(const AttentionShape& s, uint32_t layers_in_flight, bool check);

/// Bytes of shared DRAM the host program allocates for `layers` jobs of this shape in flight
/// (Q, all K planes, V, scale table, output, each aligned) plus the descriptor ring.
uint64_t shared_dram_bytes(const AttentionShape& s, uint32_t layers_in_flight);

/// The default --max-memory: the machine's physical memory, or the cgroup's limit when lower,
/// less 1/8 for the rest of the system.
uint64_t default_max_memory();

/// Parses "8GiB", "512MiB", "64KiB", "1000000" (bytes); false when it is not such a size.
bool parse_memory_size(const std::string& text, uint64_t& bytes);

/// "1.50 GiB"
std::string format_bytes(uint64_t bytes);

}  // namespace energon::vp
