// Closed page: every column command carries auto-precharge (RDA/WRA), so the next access to the
// bank finds it precharged and pays tRCD but never tRP of a row conflict.
#include "dram_page_policy.h"

namespace energon::hw {
namespace {

class ClosedPage final : public DramRowPolicy {
 public:
  bool auto_precharge(const std::vector<DramQueuedRequest>& /*waiting*/, uint32_t /*row*/) const override {
    return true;
  }
};

}  // namespace

std::unique_ptr<DramRowPolicy> make_dram_closed_page() { return std::make_unique<ClosedPage>(); }

}  // namespace energon::hw
