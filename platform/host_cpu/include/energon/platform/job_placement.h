// Host-side preparation of one attention job: quantize and pack with the firmware's C
// functions (charging host time), place the buffers in shared DRAM, build the descriptor.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/attention_job.h"
#include "energon/desc_fields.h"
#include "energon/fw/energon_pack.h"
#include "energon/platform/host_cpu.h"

namespace energon::platform {

/// A job whose buffers are in shared DRAM, ready for energon_submit.
struct PlacedJob {
  energon_desc_t desc;
  energon_job_buffers_t buffers;
  energon_job_sizes_t sizes;
  QuantizedLayer quantized;      ///< exactly what the firmware wrote (Q, K, V INT16, scales, prune mask)
  uint64_t importance_addr = 0;  ///< with JobPruning::importance: where the job writes its table
};

/// A job's pruning fields (docs/pruning.md): the prune mask the driver computed, and whether the
/// job writes its importance table.
struct JobPruning {
  const PruneMask* mask = nullptr;  ///< nullptr: flag PRUNE off
  bool importance = false;          ///< flag IMPORTANCE
};

/// Quantizes, packs K into the planes the filter needs, allocates and copies all buffers and
/// builds the descriptor. Throws std::runtime_error when shared memory runs out or a copy fails.
PlacedJob place_job(HostCpu& cpu, const FloatLayer& layer, const FilterConfig& filter, const JobPruning& pruning = {});

/// Reads the job's INT16 output [heads][n_q][d] back from shared DRAM.
std::vector<int16_t> read_output(HostCpu& cpu, const PlacedJob& job);
/// Reads the job's importance table (ENERGON_IMPORTANCE_BYTES) back from shared DRAM.
std::vector<uint8_t> read_importance(HostCpu& cpu, const PlacedJob& job);

}  // namespace energon::platform
