// The controller hands a checked descriptor to the attention datapath through this
// interface and gets the job's outcome back. Blocking: run_job() returns when the
// datapath has written the output (or failed), having consumed the job's simulated time.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// DRAM traffic classes, one performance counter each.
enum class Traffic : uint8_t { desc_rd, q, k0, k1, k2, k3, v, scale, out, desc_wr, count };

struct JobOutcome {
  uint8_t error = ENERGON_ERR_NONE;  ///< enum energon_error
  uint64_t cycles = 0;               ///< accelerator cycles from start to last write
  uint64_t busy_fetch = 0, busy_filter = 0, busy_select = 0, busy_attn = 0;  ///< cycles
  std::array<uint64_t, size_t(Traffic::count)> bytes{};                      ///< per class
  uint64_t allowed = 0;                                                      ///< keys allowed by the masks
  std::array<uint64_t, 4> kept{};  ///< keys kept after each mpmrf round (topk: [0])
  uint64_t final_kept = 0;         ///< keys used by the attention engine
};

class accel_job_if : public virtual sc_core::sc_interface {
 public:
  /// Runs the job the descriptor describes; `desc` has passed the controller's field checks.
  virtual JobOutcome run_job(const energon_desc_t& desc) = 0;
};

}  // namespace energon::hw
