// Page policy of the memory controller: whether a column command closes its row (auto-precharge,
// RDA/WRA) or leaves it open for later hits. One implementation per file (dram_page_*.cpp),
// chosen by controller.page_policy; docs/dram.md "Page policies".
#pragma once

#include <memory>
#include <vector>

#include "dram_scheduler.h"
#include "energon/hw/dram_config.h"

namespace energon::hw {

class DramRowPolicy {
 public:
  virtual ~DramRowPolicy() = default;
  /// After a column command to `row`, with `waiting` the requests still in the bank's buffer:
  /// true to precharge the bank as soon as its timing allows (auto-precharge).
  virtual bool auto_precharge(const std::vector<DramQueuedRequest>& waiting, uint32_t row) const = 0;
};

std::unique_ptr<DramRowPolicy> make_dram_open_page();
std::unique_ptr<DramRowPolicy> make_dram_closed_page();
std::unique_ptr<DramRowPolicy> make_dram_page_policy(DramPagePolicy policy);

}  // namespace energon::hw
