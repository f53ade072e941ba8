// FIFO-strict: banks serve their buffers in arrival order and column commands leave the command
// bus in arrival order over all banks; ACT and PRE may still prepare younger requests early.
#include "dram_scheduler.h"

namespace energon::hw {
namespace {

class FifoStrictScheduler final : public DramScheduler {
 public:
  size_t pick(const DramQueuedRequest* /*buffer*/, size_t /*n*/, int64_t /*open_row*/) const override { return 0; }
  bool columns_in_order() const override { return true; }
};

}  // namespace

std::unique_ptr<DramScheduler> make_dram_fifo_strict_scheduler() { return std::make_unique<FifoStrictScheduler>(); }

}  // namespace energon::hw
