// Open page: a row stays open after its column command until a request to another row (or a
// refresh) closes it; the next access to it is a row hit.
#include "dram_page_policy.h"

namespace energon::hw {
namespace {

class OpenPage final : public DramRowPolicy {
 public:
  bool auto_precharge(const std::vector<DramQueuedRequest>& /*waiting*/, uint32_t /*row*/) const override {
    return false;
  }
};

}  // namespace

std::unique_ptr<DramRowPolicy> make_dram_open_page() { return std::make_unique<OpenPage>(); }

std::unique_ptr<DramRowPolicy> make_dram_page_policy(DramPagePolicy policy) {
  return policy == DramPagePolicy::open ? make_dram_open_page() : make_dram_closed_page();
}

}  // namespace energon::hw
