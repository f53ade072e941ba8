// The scheduler registry: name → factory.
#include "dram_scheduler.h"

#include <stdexcept>

namespace energon::hw {
namespace {

struct SchedulerEntry {
  const char* name;
  std::unique_ptr<DramScheduler> (*make)(const DramControllerParams&);
};

const SchedulerEntry kSchedulers[] = {
    {"fifo", [](const DramControllerParams&) { return make_dram_fifo_scheduler(); }},
    {"fifo_strict", [](const DramControllerParams&) { return make_dram_fifo_strict_scheduler(); }},
    {"frfcfs", [](const DramControllerParams&) { return make_dram_frfcfs_scheduler(); }},
    {"frfcfs_cap", [](const DramControllerParams& p) { return make_dram_frfcfs_cap_scheduler(p.starvation_cap); }},
};

}  // namespace

bool is_dram_scheduler(const std::string& name) {
  for (const auto& s : kSchedulers)
    if (name == s.name) return true;
  return false;
}

std::string dram_scheduler_list() {
  std::string list;
  for (const auto& s : kSchedulers) list += (list.empty() ? "" : ", ") + std::string(s.name);
  return list;
}

std::unique_ptr<DramScheduler> make_dram_scheduler(const DramControllerParams& params) {
  for (const auto& s : kSchedulers)
    if (params.scheduler == s.name) return s.make(params);
  throw DramConfigError("controller.scheduler: unknown scheduler '" + params.scheduler +
                        "' (expected one of: " + dram_scheduler_list() + ")");
}

}  // namespace energon::hw
