// The Energon accelerator as one IP block: controller (registers, descriptor ring, interrupt,
// performance counters) and datapath (fetch unit, filter engine, selector, attention engine)
// behind one register target socket, one memory initiator socket and one interrupt output, all
// clocked by AccelConfig::clock_mhz. The integration contract is docs/integration.md.
#pragma once

#include <systemc>
#include <tlm>

#include <functional>
#include <memory>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/bus_interface.h"
#include "energon/hw/controller.h"
#include "energon/hw/datapath.h"
#include "energon/hw/job_if.h"

namespace energon::hw {

/// One job as the accelerator ran it: the descriptor it checked, the outcome, the datapath's
/// figures of that job and its start and end in simulated time.
struct JobRecord {
  energon_desc_t desc{};
  JobOutcome outcome;
  DatapathStats datapath;
  sc_core::sc_time start, end;
};

class Accelerator : public sc_core::sc_module, private accel_job_if {
 public:
  /// Register block of ENERGON_REG_SPACE_BYTES (offsets of energon_regs.h), 32-bit accesses.
  tlm::tlm_target_socket<> regs;
  /// All memory traffic: descriptor reads and result write-backs, tensor reads, output writes.
  /// Addresses are the bus addresses the descriptors and ring registers hold.
  tlm::tlm_initiator_socket<> mem;
  /// Level interrupt, active high while an enabled cause is pending in IRQ_STATUS.
  sc_core::sc_out<bool> irq;

  Accelerator(const sc_core::sc_module_name& name, const AccelConfig& config);
  ~Accelerator() override;
  Accelerator(const Accelerator&) = delete;
  Accelerator& operator=(const Accelerator&) = delete;

  /// Power-on reset: registers, counters and ring to their reset state, on-chip buffers emptied.
  /// A job in flight finishes but its result is dropped.
  void reset();

  const AccelConfig& config() const { return config_; }
  /// Register value as software would read it now, without side effects or time.
  uint32_t peek(uint32_t offset) const { return controller_.peek(offset); }
  /// Figures of the last job the datapath ran.
  const DatapathStats& last_job_stats() const { return datapath_.stats(); }
  /// Called after every job the datapath ran, at the job's end in simulated time.
  void on_job(std::function<void(const JobRecord&)> observer) { observers_.push_back(std::move(observer)); }
  const BusInterface& bus_interface() const { return bus_; }
  /// The accelerator's statistics since reset(), each block's in its own group: controller
  /// (performance counters), datapath (pipeline, fetch, filter engine, selector, attention
  /// engine), bus_interface.
  void describe(stats::Group& g) const;
  /// Spans and values of the controller and every datapath block go to `trace` (nullptr: off).
  void set_trace(ActivityTrace* trace) {
    controller_.set_trace(trace);
    datapath_.set_trace(trace);
  }

 private:
  JobOutcome run_job(const energon_desc_t& desc) override;
  static ControllerConfig controller_config(const AccelConfig& c);

  AccelConfig config_;
  Controller controller_;
  Datapath datapath_;
  BusInterface bus_;
  sc_core::sc_export<accel_job_if> job_tap_;  ///< controller → (this) → datapath
  sc_core::sc_port<accel_job_if> datapath_port_;
  std::vector<std::function<void(const JobRecord&)>> observers_;
};

}  // namespace energon::hw
