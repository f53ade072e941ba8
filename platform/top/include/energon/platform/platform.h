// The Energon virtual platform: host CPU, router, DRAM and the accelerator IP with its interrupt
// line, wired per the address map of address_map.h (docs/architecture.md). The accelerator is
// used exactly as an integrator uses it (docs/integration.md): its three ports and its config.
#pragma once

#include <systemc>

#include <vector>

#include "energon/hw/accelerator.h"
#include "energon/hw/dram.h"
#include "energon/hw/router.h"
#include "energon/platform/address_map.h"
#include "energon/platform/host_cpu.h"
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
  /// Bytes of shared DRAM the host program may allocate on a platform of this configuration.
  static uint64_t shared_dram_size(const PlatformConfig& c);
  /// Every job the accelerator ran, in order (its on_job records).
  const std::vector<hw::JobRecord>& jobs() const { return jobs_; }
  /// The accelerator's, the DRAM's and the host CPU's activity go to `trace` (nullptr: off).
  void set_trace(hw::ActivityTrace* trace) {
    accelerator.set_trace(trace);
    dram.set_trace(trace);
    cpu.set_trace(trace);
  }

  sc_core::sc_signal<bool> irq;
  HostCpu cpu;
  hw::Router router;
  hw::Dram dram;
  hw::Accelerator accelerator;

 private:
  static PlatformConfig with_timing(PlatformConfig c, PlatformTiming t);
  static HostCpuConfig host_config(const PlatformConfig& c, PlatformTiming t);

  PlatformConfig config_;
  PlatformTiming timing_;
  std::vector<hw::JobRecord> jobs_;
};

}  // namespace energon::platform
