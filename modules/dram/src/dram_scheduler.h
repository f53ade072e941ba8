// Request scheduling policy of the memory controller: which request of a bank's buffer the bank
// serves next, and whether column commands must leave the controller in arrival order. One
// implementation per file (dram_scheduler_*.cpp), picked by name from the preset
// (controller.scheduler); docs/dram.md "Schedulers".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "energon/hw/dram_config.h"

namespace energon::hw {

/// A request waiting in a bank's buffer (one burst).
struct DramQueuedRequest {
  uint64_t tag = 0;     ///< the caller's handle, returned with the completion
  uint64_t age = 0;     ///< arrival order on the command bus (smaller = older)
  int64_t visible = 0;  ///< cycle from which the scheduler may serve it
  uint32_t row = 0;
  uint32_t overtaken = 0;  ///< younger requests of the same bank served before it
  bool write = false;
};

class DramScheduler {
 public:
  virtual ~DramScheduler() = default;
  /// Index among the first `n` requests of a bank's buffer (oldest first, n > 0: those the
  /// scheduler may see) of the one the bank serves next; `open_row` is −1 when precharged.
  virtual size_t pick(const DramQueuedRequest* buffer, size_t n, int64_t open_row) const = 0;
  /// Column commands in arrival order over the whole command bus (FIFO-strict).
  virtual bool columns_in_order() const { return false; }
};

std::unique_ptr<DramScheduler> make_dram_fifo_scheduler();
std::unique_ptr<DramScheduler> make_dram_fifo_strict_scheduler();
std::unique_ptr<DramScheduler> make_dram_frfcfs_scheduler();
std::unique_ptr<DramScheduler> make_dram_frfcfs_cap_scheduler(uint32_t starvation_cap);

/// The scheduler named by `params.scheduler` (validated: see is_dram_scheduler()).
std::unique_ptr<DramScheduler> make_dram_scheduler(const DramControllerParams& params);

}  // namespace energon::hw
