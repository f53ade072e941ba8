// Energon controller: memory-mapped registers, the descriptor ring in DRAM, job sequencing,
// the interrupt line and the performance counters. Register layout: energon_regs.h.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <array>
#include <cstdint>

#include "energon/hw/activity_trace.h"
#include "energon/hw/descriptor_check.h"
#include "energon/hw/job_if.h"
#include "energon/hw/register_file.h"
#include "energon/stats/stats.h"

namespace energon::hw {

struct ControllerConfig {
  sc_core::sc_time clock_period{1, sc_core::SC_NS};  ///< accelerator clock
  uint32_t reg_access_cycles = 2;                    ///< latency annotated on every register access
  uint32_t check_cycles = 4;                         ///< descriptor field checks, between fetch and dispatch
};

/// Sockets: `regs` (target, register space of ENERGON_REG_SPACE_BYTES), `mem` (initiator,
/// descriptor fetch and result write-back), `irq` (level, high while an enabled cause is
/// pending), `datapath` (the attention datapath that runs checked jobs).
class Controller : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Controller> regs;
  tlm_utils::simple_initiator_socket<Controller> mem;
  sc_core::sc_out<bool> irq;
  sc_core::sc_port<accel_job_if> datapath;

  SC_HAS_PROCESS(Controller);
  explicit Controller(const sc_core::sc_module_name& name, const ControllerConfig& config = {});
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  /// Power-on reset: registers to their table reset values, counters cleared, ring emptied.
  /// A job already inside the datapath finishes but its result is dropped.
  void reset();
  /// Register value as software would read it now, without side effects or time.
  uint32_t peek(uint32_t offset) const;
  const ControllerConfig& config() const { return config_; }
  /// Registers the performance counters (as PERF_* would read now) and the job count in `g`.
  void describe(stats::Group& g) const;
  void set_trace(ActivityTrace* trace) { trace_ = trace; }

 private:
  enum Counter : unsigned {
    kBusyCtrl,
    kBusyFetch,
    kBusyFilter,
    kBusySelect,
    kBusyAttn,
    kBytesFirst,  // one per Traffic class
    kKeysAllowed = kBytesFirst + unsigned(Traffic::count),
    kKeptFirst,  // rounds 1..4
    kKeptFinal = kKeptFirst + 4,
    kCounterCount
  };

  void bind_registers();
  void bind_counter(energon_reg lo, energon_reg hi, unsigned counter);
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);

  void reset_state();  // registers, counters, ring; as of access_time_
  void write_ctrl(uint32_t written);
  void ring_doorbell();
  void clear_counters();
  void raise(uint32_t causes);
  void update_irq();
  void drive_irq();
  void queue_thread();
  void process_entry();
  bool mem_access(tlm::tlm_command cmd, uint64_t address, void* data, uint32_t length, sc_core::sc_time& delay);

  bool has_work() const;
  uint64_t enabled_cycles() const;
  uint64_t cycles(const sc_core::sc_time& t) const;
  uint64_t ring_base() const;

  ControllerConfig config_;
  RegisterFile regs_;
  std::array<uint64_t, kCounterCount> counters_{};
  mutable sc_core::sc_time access_time_;  // local time of the register access being served
  sc_core::sc_time enabled_time_;         // accumulated time with CTRL.ENABLE set, since the last clear
  sc_core::sc_time enabled_since_;
  sc_core::sc_event work_event_, irq_event_;
  bool enabled_ = false;
  bool job_in_flight_ = false;
  uint64_t reset_epoch_ = 0;  // bumped by reset: a job in flight across it is dropped
  uint64_t ring_epoch_ = 0;   // bumped by ring reprogramming: the job's head advance is dropped
  ActivityTrace* trace_ = nullptr;
};

}  // namespace energon::hw
