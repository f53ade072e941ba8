// The accelerator's bus interface: merges the controller's descriptor traffic and the datapath's
// tensor traffic onto the accelerator's one memory initiator, and splits every request into
// transactions of at most max_burst_bytes that do not cross a max_burst_bytes boundary.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>

#include "energon/hw/payload_pool.h"

namespace energon::hw {

class BusInterface : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<BusInterface> ctrl;    ///< from the controller (descriptors, results)
  tlm_utils::simple_target_socket<BusInterface> dma;     ///< from the datapath (Q, K planes, V, scales, output)
  tlm_utils::simple_initiator_socket<BusInterface> mem;  ///< to the system interconnect

  /// `max_burst_bytes`: 0 forwards every request whole, else a power of two.
  BusInterface(const sc_core::sc_module_name& name, uint32_t max_burst_bytes);
  BusInterface(const BusInterface&) = delete;
  BusInterface& operator=(const BusInterface&) = delete;

  uint64_t requests() const { return requests_; }          ///< requests from both ports
  uint64_t transactions() const { return transactions_; }  ///< transactions issued on `mem`
  uint64_t largest_transaction() const { return largest_; }
  void reset();

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void forward(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  uint32_t max_burst_bytes_;
  PayloadPool pieces_;  ///< payloads of the split pieces
  uint64_t requests_ = 0, transactions_ = 0, largest_ = 0;
};

}  // namespace energon::hw
