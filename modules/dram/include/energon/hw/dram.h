// DRAM model: a loosely-timed TLM-2.0 target holding the memory, with an analytic
// bank/row timing model (docs/dram.md). b_transport annotates the access latency and
// never waits; DMI and debug transport reach the same backing store without timing.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>

#include "energon/hw/activity_trace.h"
#include "energon/hw/dram_address_map.h"
#include "energon/hw/dram_config.h"
#include "energon/hw/dram_stats.h"

namespace energon::hw {

class DramBankTiming;
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
  /// DRAM's cycle 0 (and its refresh grid) becomes the present time.
  void reset();
  /// Zeroes the whole memory (DMI pointers stay valid).
  void clear_memory();

  /// Clock period as sc_time (rounded to the time resolution).
  sc_core::sc_time clock_period() const;
  /// Latency of one burst to a precharged bank: the DMI latency estimate.
  sc_core::sc_time closed_bank_latency(bool write) const;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);

  int64_t to_cycle(const sc_core::sc_time& t) const;
  sc_core::sc_time to_time(int64_t cycle) const;
  void copy(tlm::tlm_generic_payload& trans, uint64_t address, unsigned length);

  const DramConfig cfg_;
  DramAddressMap map_;
  DramStats stats_;
  std::unique_ptr<DramStorage> storage_;
  std::unique_ptr<DramBankTiming> timing_;
  ActivityTrace* trace_ = nullptr;
  sc_core::sc_time epoch_ = sc_core::SC_ZERO_TIME;  ///< time of cycle 0 (the last reset)
};

}  // namespace energon::hw
