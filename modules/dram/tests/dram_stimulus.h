// Stimulus initiator for the DRAM testbenches: a script runs in an SC_THREAD and drives the
// Dram through its socket; each access reports the TLM status and its latency in DRAM cycles.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "energon/hw/dram.h"

namespace energon::hw::test {

/// The small fixture config (tests/test-small.yaml).
DramConfig small_config();
/// Burst address in the small config: row[22:13] bank_group[12] bank[11:10] column[9:6].
uint64_t small_addr(uint64_t row, uint64_t bank_group, uint64_t bank, uint64_t column);

struct Access {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  int64_t cycles = -1;  ///< annotated delay in DRAM clock cycles
};

class DramStimulus : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DramStimulus> init;
  bool finished = false;

  DramStimulus(sc_core::sc_module_name name, sc_core::sc_time clock, std::function<void(DramStimulus&)> script);

  /// b_transport issued at the current time (no wait); `data` may be null (scratch buffer).
  Access read(uint64_t address, unsigned length, uint8_t* data = nullptr);
  Access write(uint64_t address, unsigned length, const uint8_t* data = nullptr);
  Access transport(tlm::tlm_command cmd, uint64_t address, unsigned length, uint8_t* data,
                   const std::vector<uint8_t>* byte_enables = nullptr, unsigned streaming_width = 0);
  void wait_until_cycle(int64_t cycle);
  int64_t now_cycle() const;

 private:
  void run();
  sc_core::sc_time clock_;
  std::function<void(DramStimulus&)> script_;
  std::vector<uint8_t> scratch_;
};

}  // namespace energon::hw::test
