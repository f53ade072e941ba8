// FR-FCFS (first ready, first come first served): the oldest request to the bank's open row
// first, else the oldest request.
#include "dram_scheduler.h"

namespace energon::hw {
namespace {

class FrFcfsScheduler final : public DramScheduler {
 public:
  size_t pick(const DramQueuedRequest* buffer, size_t n, int64_t open_row) const override {
    if (open_row >= 0)
      for (size_t i = 0; i < n; ++i)
        if (int64_t(buffer[i].row) == open_row) return i;
    return 0;
  }
};

}  // namespace

std::unique_ptr<DramScheduler> make_dram_frfcfs_scheduler() { return std::make_unique<FrFcfsScheduler>(); }

}  // namespace energon::hw
