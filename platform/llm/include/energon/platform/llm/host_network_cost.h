// Simulated time of the network's host-side work: turns a forward step's HostWorkLedger into
// nanoseconds with per-operation costs of the host core (docs/real-model.md, "Host cost model
// of the offloaded network").
#pragma once

#include "energon/llama/host_work.h"

namespace energon::platform::llm {

/// Cost of host-side network work, in ns. Defaults: one ~2 GHz in-order application core with
/// 4-wide float SIMD (0.5 ns per cycle) and ~10 GB/s streaming bandwidth from its cache
/// hierarchy, the same core as HostCpuCost.
struct HostNetworkCost {
  double mac_ns = 0.125;            ///< float multiply-accumulate: 4 lanes per cycle
  double elementwise_ns = 0.125;    ///< other float add/mul/div/compare: 4 lanes per cycle
  double transcendental_ns = 10.0;  ///< scalar libm expf/sinf/cosf/powf/sqrtf: ~20 cycles
  double byte_ns = 0.1;             ///< weights, activations and caches streamed: ~10 GB/s
};

/// Time of one operation's work: the slower of compute and memory streaming (a hardware
/// prefetcher overlaps the two in these streaming loops).
double host_work_ns(const llama::HostWork& work, const HostNetworkCost& cost);

/// Time of a ledger's host-side work when attention is offloaded: every operation except
/// HostOp::attention (the accelerator runs it) and HostOp::kv_gather (the float gather of the
/// job's tensors, replaced by the offload's own quantize/pack/copy, which HostCpuCost charges).
double offloaded_network_ns(const llama::HostWorkLedger& ledger, const HostNetworkCost& cost);

/// True for the operations offloaded_network_ns leaves out.
bool offloaded(llama::HostOp op);

}  // namespace energon::platform::llm
