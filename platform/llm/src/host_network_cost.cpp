#include "energon/platform/llm/host_network_cost.h"

#include <algorithm>

namespace energon::platform::llm {

double host_work_ns(const llama::HostWork& work, const HostNetworkCost& cost) {
  const double compute = double(work.macs) * cost.mac_ns + double(work.elementwise) * cost.elementwise_ns +
                         double(work.transcendental) * cost.transcendental_ns;
  return std::max(compute, double(work.bytes) * cost.byte_ns);
}

bool offloaded(llama::HostOp op) { return op == llama::HostOp::attention || op == llama::HostOp::kv_gather; }

double offloaded_network_ns(const llama::HostWorkLedger& ledger, const HostNetworkCost& cost) {
  double ns = 0;
  for (size_t i = 0; i < llama::kHostOpCount; ++i) {
    const auto op = static_cast<llama::HostOp>(i);
    if (!offloaded(op)) ns += host_work_ns(ledger.op(op), cost);
  }
  return ns;
}

}  // namespace energon::platform::llm
