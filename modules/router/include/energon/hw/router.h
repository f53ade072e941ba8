// Address-map interconnect: any number of initiators (host CPU, controller, datapath) reach
// any number of targets (DRAM, accelerator registers) through one decoded address map.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace energon::hw {

/// One decoded window of the global address space: [base, base + size) → target `target`,
/// which sees addresses relative to `base`.
struct AddressRegion {
  uint64_t base = 0;
  uint64_t size = 0;
  unsigned target = 0;  ///< index of the target in initiator_socket's binding order
  std::string name;
  uint64_t last() const { return base + size - 1; }
};

/// TLM-2.0 router. Bind initiators to `target_socket` and targets to `initiator_socket`
/// (the n-th bound target has index n), then map() regions during elaboration.
/// Forwards b_transport, transport_dbg and get_direct_mem_ptr with the region's base
/// subtracted; DMI ranges and invalidations are translated back to global addresses.
/// A transaction that is not entirely inside one region gets TLM_ADDRESS_ERROR_RESPONSE.
///
/// Approximately timed (src/router_nb.cpp): nb_transport_fw/bw are forwarded with the same
/// translation (the target sees the local address from BEGIN_REQ until BEGIN_RESP, the initiator
/// gets its global address back with BEGIN_RESP); the router remembers each transaction's
/// initiator and routes END_REQ and BEGIN_RESP back to it. Per target, at most one BEGIN_REQ is
/// waiting for END_REQ (the base protocol's request exclusion rule); the others wait in the router
/// in arrival order and go to the target when END_REQ (or BEGIN_RESP) releases the request phase.
/// blocking_via_nb(t): b_transport calls to target t are served through that nb path (the
/// calling thread waits for BEGIN_RESP), so blocking initiators contend with nb ones at the
/// target's queues; DMI to that target is refused.
class Router : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> target_socket;
  tlm_utils::multi_passthrough_initiator_socket<Router> initiator_socket;

  explicit Router(const sc_core::sc_module_name& name);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Adds a region. size 0, address overflow or overlap with an existing region is an
  /// SC_REPORT_ERROR naming both regions. Target indices are checked at end of elaboration.
  void map(uint64_t base, uint64_t size, unsigned target, const std::string& name = "");
  const std::vector<AddressRegion>& regions() const { return regions_; }
  /// Region holding [address, address + length), or nullptr.
  const AddressRegion* decode(uint64_t address, uint64_t length = 1) const;
  /// b_transport to `target` goes through nb_transport_fw (call before the simulation starts).
  void blocking_via_nb(unsigned target);
  /// Forgets nothing: the map is static; exists for the uniform reset() of every model.
  void reset() {}
  /// nb_transport: transactions between BEGIN_REQ and their end, and BEGIN_REQs held in the
  /// router because their target's request phase was busy (since construction).
  size_t nb_in_flight() const { return routes_.size(); }
  uint64_t nb_requests_held() const { return held_; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end);
  void end_of_elaboration() override;

  // Approximately-timed path (src/router_nb.cpp).
  static constexpr int kBlockingInitiator = -1;  ///< a b_transport served through nb
  struct Route {
    int initiator = 0;                  ///< target_socket index, or kBlockingInitiator
    unsigned target = 0;                ///< initiator_socket index
    uint64_t address = 0;               ///< the global address, restored with BEGIN_RESP
    sc_core::sc_event* done = nullptr;  ///< kBlockingInitiator: notified at BEGIN_RESP
    bool responded = false;             ///< BEGIN_RESP seen (the address is global again)
  };
  struct Held {
    tlm::tlm_generic_payload* trans = nullptr;
    sc_core::sc_time arrival;  ///< when the initiator's BEGIN_REQ takes effect
  };
  struct TargetPort {
    tlm::tlm_generic_payload* in_request = nullptr;  ///< BEGIN_REQ sent, END_REQ not yet
    std::deque<Held> held;                           ///< BEGIN_REQs waiting, arrival order
    sc_core::sc_time free_at;                        ///< END_REQ's time: no BEGIN_REQ before
  };
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  /// Sends BEGIN_REQ of a routed transaction to its target; handles the target's answer.
  /// `direct`: called from the initiator's BEGIN_REQ (its return value is the initiator's answer).
  tlm::tlm_sync_enum send_request(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, bool direct,
                                  tlm::tlm_phase& phase);
  /// Passes a backward phase (END_REQ, BEGIN_RESP) of `trans` to its initiator; returns the
  /// initiator's answer and ends the route when the transaction is complete.
  tlm::tlm_sync_enum to_initiator(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void end_request_phase(unsigned target, const sc_core::sc_time& delay);
  void dispatch();  ///< SC_METHOD: sends held BEGIN_REQs whose target is free
  void blocking_through_nb(tlm::tlm_generic_payload& trans, const AddressRegion& region, sc_core::sc_time& delay);

  std::vector<AddressRegion> regions_;  // sorted by base
  std::vector<bool> via_nb_;            // per target: b_transport through nb
  std::map<tlm::tlm_generic_payload*, Route> routes_;
  std::vector<TargetPort> ports_;
  sc_core::sc_event dispatch_event_;
  uint64_t held_ = 0;
};

}  // namespace energon::hw
