// The Energon virtual platform: host CPU, router, DRAM, controller, datapath and the
// interrupt line, wired per the address map of address_map.h (docs/architecture.md).
#pragma once

#include <systemc>

#include "energon/hw/controller.h"
#include "energon/hw/datapath.h"
#include "energon/hw/dram.h"
#include "energon/hw/router.h"
#include "energon/platform/address_map.h"
#include "energon/platform/host_cpu.h"
#include "energon/platform/job_monitor.h"
#include "energon/platform/platform_config.h"

namespace energon::platform {

/// Timing fidelity of the whole platform: lt = temporal decoupling + DMI (fast),
/// accurate = every transaction synchronised, host copies timed by the DRAM model.
enum class PlatformTiming : uint8_t { lt, accurate };

class Platform : public sc_core::sc_module {
 public:
  Platform(const sc_core::sc_module_name& name, const PlatformConfig& config, PlatformTiming timing);
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  const PlatformConfig& config() const { return config_; }
  PlatformTiming timing() const { return timing_; }
  uint64_t dram_window() const;

  sc_core::sc_signal<bool> irq;
  HostCpu cpu;
  hw::Router router;
  hw::Dram dram;
  hw::Controller controller;
  hw::Datapath datapath;
  JobMonitor monitor;

 private:
  static PlatformConfig with_timing(PlatformConfig c, PlatformTiming t);
  static HostCpuConfig host_config(const PlatformConfig& c, PlatformTiming t);
  static hw::ControllerConfig controller_config(const PlatformConfig& c);

  PlatformConfig config_;
  PlatformTiming timing_;
};

}  // namespace energon::platform
