// FR-FCFS with a starvation cap: row hits go first, but once the oldest request of a bank has
// been overtaken `cap` times the bank serves it next (closing the row if it must).
#include "dram_scheduler.h"

namespace energon::hw {
namespace {

class FrFcfsCapScheduler final : public DramScheduler {
 public:
  explicit FrFcfsCapScheduler(uint32_t cap) : cap_(cap) {}
  size_t pick(const DramQueuedRequest* buffer, size_t n, int64_t open_row) const override {
    if (buffer[0].overtaken >= cap_ || open_row < 0) return 0;
    for (size_t i = 0; i < n; ++i)
      if (int64_t(buffer[i].row) == open_row) return i;
    return 0;
  }

 private:
  uint32_t cap_;
};

}  // namespace

std::unique_ptr<DramScheduler> make_dram_frfcfs_cap_scheduler(uint32_t starvation_cap) {
  return std::make_unique<FrFcfsCapScheduler>(starvation_cap);
}

}  // namespace energon::hw
