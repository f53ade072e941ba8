// FIFO: each bank serves its buffer in arrival order; banks are independent, so a column command
// of one bank may overtake an older request of another bank that still waits for its ACT.
#include "dram_scheduler.h"

namespace energon::hw {
namespace {

class FifoScheduler final : public DramScheduler {
 public:
  size_t pick(const DramQueuedRequest* /*buffer*/, size_t /*n*/, int64_t /*open_row*/) const override { return 0; }
};

}  // namespace

std::unique_ptr<DramScheduler> make_dram_fifo_scheduler() { return std::make_unique<FifoScheduler>(); }

}  // namespace energon::hw
