// DRAM model: a TLM-2.0 target holding the memory (docs/dram.md). b_transport (loosely timed)
// annotates the latency of an analytic bank/row model and never waits; nb_transport_fw
// (approximately timed, the four-phase base protocol) feeds a memory controller model with
// request queues and a scheduler; DMI and debug transport reach the same store without timing.
#pragma once

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "energon/hw/activity_trace.h"
#include "energon/hw/dram_address_map.h"
#include "energon/hw/dram_config.h"
#include "energon/hw/dram_stats.h"

namespace energon::hw {

class DramBankTiming;
class DramBurstCounter;
class DramController;
class DramStorage;

class Dram : public sc_core::sc_module {
 public:
  /// Local addresses 0..config().size_bytes-1 (the router subtracts the base).
  tlm_utils::simple_target_socket<Dram> tgt;

  /// Validates `config` (throws DramConfigError) and reserves, but does not commit, the memory.
  Dram(sc_core::sc_module_name name, const DramConfig& config);
  ~Dram() override;
  Dram(const Dram&) = delete;
  Dram& operator=(const Dram&) = delete;

  const DramConfig& config() const { return cfg_; }
  const DramAddressMap& address_map() const { return map_; }
  const DramStats& stats() const { return stats_; }
  void reset_stats();
  /// Every transaction as a span on the dram track (nullptr: off).
  void set_trace(ActivityTrace* trace) { trace_ = trace; }
  /// Closes all rows and forgets timing history, clears statistics; memory contents are kept. The
  /// DRAM's cycle 0 (and its refresh grid) becomes the present time. Not with nb_transport
  /// requests in flight (an error).
  void reset();
  /// Zeroes the whole memory (DMI pointers stay valid).
  void clear_memory();

  /// Clock period as sc_time (rounded to the time resolution).
  sc_core::sc_time clock_period() const;
  /// Latency of one burst to a precharged bank: the DMI latency estimate.
  sc_core::sc_time closed_bank_latency(bool write) const;

  /// nb_transport: requests accepted (END_REQ sent) and responses begun, since construction.
  uint64_t at_requests_accepted() const { return at_accepted_; }
  uint64_t at_responses() const { return at_responses_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  /// Checks command, range, streaming width and byte enables; sets the error status and returns
  /// false if the payload cannot be served.
  bool admissible(tlm::tlm_generic_payload& trans) const;

  // Approximately-timed path (src/dram_at.cpp, docs/dram.md "nb_transport").
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void request_arrived(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase);
  void admit_bursts();
  bool enter_bursts(int64_t cycle);
  void controller_method();
  void respond_method();
  void burst_done(size_t slot, int64_t data_end);
  void send_response(size_t slot);
  void finish_response();
  void wake_controller();
  struct InFlight {
    tlm::tlm_generic_payload* trans = nullptr;
    int64_t arrival = 0;
    uint64_t bursts_left = 0;
    int64_t end = 0;
  };

  int64_t to_cycle(const sc_core::sc_time& t) const;
  sc_core::sc_time to_time(int64_t cycle) const;
  void copy(tlm::tlm_generic_payload& trans, uint64_t address, unsigned length);

  const DramConfig cfg_;
  DramAddressMap map_;
  DramStats stats_;
  std::unique_ptr<DramStorage> storage_;
  std::unique_ptr<DramBankTiming> timing_;
  ActivityTrace* trace_ = nullptr;

  std::unique_ptr<DramController> controller_;
  tlm_utils::peq_with_cb_and_phase<Dram> request_peq_;
  std::vector<InFlight> in_flight_;  ///< slot per accepted transaction (burst tags point here)
  std::vector<size_t> free_slots_;
  tlm::tlm_generic_payload* admitting_ = nullptr;  ///< in the request phase, bursts still to enter
  size_t admitting_slot_ = 0;
  uint64_t admitting_left_ = 0;                        ///< its bursts not yet entered
  std::unique_ptr<DramBurstCounter> admit_burst_;      ///< at its next burst
  std::deque<size_t> responses_;                       ///< slots done, BEGIN_RESP not yet sent (in order of completion)
  std::vector<std::pair<int64_t, size_t>> completed_;  ///< (end cycle, slot): min-heap of data ends to come
  static constexpr size_t kNone = ~size_t(0);
  size_t responding_ = kNone;  ///< slot whose BEGIN_RESP was sent, END_RESP awaited
  sc_core::sc_event controller_event_;
  sc_core::sc_event respond_event_;
  uint64_t at_accepted_ = 0;
  uint64_t at_responses_ = 0;
  sc_core::sc_time epoch_ = sc_core::SC_ZERO_TIME;  ///< time of cycle 0 (the last reset)
  mutable double resolution_s_ = 0;                 ///< the time resolution in seconds (read once)
};

}  // namespace energon::hw
