#include "energon/platform/platform.h"

#include <algorithm>

namespace energon::platform {

PlatformConfig Platform::with_timing(PlatformConfig c, PlatformTiming t) {
  c.accel.timing = t == PlatformTiming::lt ? hw::TimingMode::lt : hw::TimingMode::accurate;
  return c;
}

static uint64_t window_of(const PlatformConfig& c) { return std::min<uint64_t>(c.dram.size_bytes, kDramWindowMax); }

uint64_t Platform::shared_dram_size(const PlatformConfig& c) { return window_of(c) - kSharedBase; }

HostCpuConfig Platform::host_config(const PlatformConfig& c, PlatformTiming t) {
  HostCpuConfig h;
  h.shared_base = kSharedBase;
  h.shared_size = shared_dram_size(c);
  h.timing = t == PlatformTiming::lt ? HostTiming::lt : HostTiming::accurate;
  h.cost = c.host_cost;
  return h;
}

Platform::Platform(const sc_core::sc_module_name& name, const PlatformConfig& config, PlatformTiming timing)
    : sc_module(name),
      irq("irq"),
      cpu("cpu", host_config(config, timing)),
      router("router"),
      dram("dram", config.dram),
      accelerator("accelerator", with_timing(config, timing).accel),
      config_(with_timing(config, timing)),
      timing_(timing) {
  // Initiators: host CPU, accelerator (descriptors and tensors through its one socket).
  cpu.bus.bind(router.target_socket);
  accelerator.mem.bind(router.target_socket);
  // Targets in index order: 0 DRAM, 1 accelerator registers.
  router.initiator_socket.bind(dram.tgt);
  router.initiator_socket.bind(accelerator.regs);
  router.map(kDramBase, window_of(config_), 0, "dram");
  router.map(kAccelRegBase, ENERGON_REG_SPACE_BYTES, 1, "energon_regs");
  // Accurate: the host's copies reach the DRAM through its nb_transport controller, where they
  // contend with the accelerator's requests (docs/architecture.md "Timing modes").
  if (timing == PlatformTiming::accurate) router.blocking_via_nb(0);
  accelerator.irq.bind(irq);
  cpu.irq.bind(irq);
  accelerator.on_job([this](const hw::JobRecord& r) { jobs_.push_back(r); });
}

uint64_t Platform::dram_window() const { return window_of(config_); }

}  // namespace energon::platform
