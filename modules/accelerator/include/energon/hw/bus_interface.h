// The accelerator's bus interface: merges the controller's descriptor traffic and the datapath's
// tensor traffic onto the accelerator's one memory initiator, and splits every request into
// transactions of at most max_burst_bytes that do not cross a max_burst_bytes boundary.
// lt: each piece is a b_transport, the delays annotated. accurate (src/bus_interface_nb.cpp): each
// piece is an nb_transport_fw transaction (base protocol, payloads from the PayloadPool), up to
// max_outstanding pieces in flight over all callers; the calling thread waits on an event until
// its pieces have completed, so several engine threads keep their streams outstanding at once.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <map>

#include "energon/hw/accel_config.h"
#include "energon/hw/payload_pool.h"

namespace energon::hw {

class BusInterface : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<BusInterface> ctrl;    ///< from the controller (descriptors, results)
  tlm_utils::simple_target_socket<BusInterface> dma;     ///< from the datapath (Q, K planes, V, scales, output)
  tlm_utils::simple_initiator_socket<BusInterface> mem;  ///< to the system interconnect

  /// `max_burst_bytes`: 0 forwards every request whole, else a power of two. `max_outstanding`
  /// (accurate mode): transactions in flight on `mem` at most, ≥ 1.
  BusInterface(const sc_core::sc_module_name& name, uint32_t max_burst_bytes, TimingMode timing = TimingMode::lt,
               uint32_t max_outstanding = 16);
  BusInterface(const BusInterface&) = delete;
  BusInterface& operator=(const BusInterface&) = delete;

  uint64_t requests() const { return requests_; }          ///< requests from both ports
  uint64_t transactions() const { return transactions_; }  ///< transactions issued on `mem`
  uint64_t largest_transaction() const { return largest_; }
  /// Accurate mode: most transactions in flight at once, and those in flight now.
  uint32_t peak_outstanding() const { return peak_outstanding_; }
  uint32_t outstanding() const { return outstanding_; }
  void reset();

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void forward(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  // Accurate mode (src/bus_interface_nb.cpp).
  struct Request {  ///< one caller's request: its pieces in flight
    unsigned remaining = 0;
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
    sc_core::sc_event done;
  };
  void nb_request(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void issue_piece(Request& req, tlm::tlm_command cmd, uint64_t address, unsigned char* data, uint32_t length);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void end_request(const sc_core::sc_time& delay);
  void complete(tlm::tlm_generic_payload& piece, const sc_core::sc_time& delay);

  uint32_t max_burst_bytes_;
  TimingMode timing_;
  uint32_t max_outstanding_;
  PayloadPool pieces_;  ///< payloads of the split pieces
  uint64_t requests_ = 0, transactions_ = 0, largest_ = 0;
  std::map<tlm::tlm_generic_payload*, Request*> owner_;  ///< pieces in flight → their request
  tlm::tlm_generic_payload* in_request_ = nullptr;       ///< BEGIN_REQ sent, END_REQ not yet
  sc_core::sc_time free_at_;                             ///< END_REQ's time: no BEGIN_REQ before
  sc_core::sc_event progress_;                           ///< END_REQ or a completion
  uint32_t outstanding_ = 0, peak_outstanding_ = 0;
};

}  // namespace energon::hw
