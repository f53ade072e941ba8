// The router's approximately-timed path: nb_transport forwarding with address translation,
// per-target request arbitration (the base protocol's request exclusion rule) and the
// b_transport → nb_transport adapter (router.h).
#include <algorithm>
#include <string>

#include "energon/hw/router.h"

namespace energon::hw {
namespace {

constexpr const char* kMsgType = "energon/router";

}  // namespace

void Router::blocking_via_nb(unsigned target) {
  if (via_nb_.size() <= target) via_nb_.resize(target + 1, false);
  via_nb_[target] = true;
}

tlm::tlm_sync_enum Router::nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    const uint64_t address = trans.get_address();
    const AddressRegion* r = decode(address, trans.get_data_length());
    if (!r) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return tlm::TLM_COMPLETED;
    }
    routes_[&trans] = Route{id, r->target, address, nullptr, false};
    trans.set_address(address - r->base);
    TargetPort& port = ports_[r->target];
    if (port.in_request || !port.held.empty() || port.free_at > sc_core::sc_time_stamp() + delay) {
      port.held.push_back(Held{&trans, sc_core::sc_time_stamp() + delay});
      ++held_;
      if (!port.in_request) dispatch_event_.notify(sc_core::SC_ZERO_TIME);  // waits only for free_at
      return tlm::TLM_ACCEPTED;
    }
    return send_request(trans, delay, true, phase);
  }
  if (phase == tlm::END_RESP) {
    const auto it = routes_.find(&trans);
    if (it == routes_.end()) {
      SC_REPORT_ERROR(kMsgType,
                      (std::string(name()) + ": END_RESP for a transaction the router does not know").c_str());
      return tlm::TLM_COMPLETED;
    }
    const unsigned target = it->second.target;
    routes_.erase(it);
    return initiator_socket[target]->nb_transport_fw(trans, phase, delay);
  }
  SC_REPORT_ERROR(kMsgType, (std::string(name()) + ": nb_transport_fw with phase " + phase.get_name() +
                             " (the base protocol allows BEGIN_REQ and END_RESP)")
                                .c_str());
  return tlm::TLM_COMPLETED;
}

tlm::tlm_sync_enum Router::send_request(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, bool direct,
                                        tlm::tlm_phase& phase) {
  const unsigned target = routes_.at(&trans).target;
  TargetPort& port = ports_[target];
  port.in_request = &trans;
  phase = tlm::BEGIN_REQ;
  const tlm::tlm_sync_enum s = initiator_socket[target]->nb_transport_fw(trans, phase, delay);
  if (s == tlm::TLM_ACCEPTED) return s;  // END_REQ or BEGIN_RESP comes on the backward path
  end_request_phase(target, delay);      // END_REQ, BEGIN_RESP or completion all end the request phase
  if (s == tlm::TLM_COMPLETED) {
    if (direct) {
      trans.set_address(routes_.at(&trans).address);
      routes_.erase(&trans);
      return s;
    }
    tlm::tlm_phase resp = tlm::BEGIN_RESP;
    to_initiator(trans, resp, delay);
    routes_.erase(&trans);  // the target is done whatever the initiator answers
    return s;
  }
  // TLM_UPDATED: END_REQ, or BEGIN_RESP (which implies END_REQ).
  if (direct) {
    if (phase == tlm::BEGIN_RESP) {
      Route& r = routes_.at(&trans);
      trans.set_address(r.address);
      r.responded = true;  // the initiator answers with END_RESP on the forward path
    }
    return s;
  }
  const tlm::tlm_phase sent = phase;
  const tlm::tlm_sync_enum a = to_initiator(trans, phase, delay);
  if (sent == tlm::BEGIN_RESP && (a == tlm::TLM_COMPLETED || (a == tlm::TLM_UPDATED && phase == tlm::END_RESP))) {
    tlm::tlm_phase end = tlm::END_RESP;
    initiator_socket[target]->nb_transport_fw(trans, end, delay);
  }
  return s;
}

tlm::tlm_sync_enum Router::to_initiator(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                        sc_core::sc_time& delay) {
  const auto it = routes_.find(&trans);
  if (it == routes_.end()) {
    SC_REPORT_ERROR(
        kMsgType,
        (std::string(name()) + ": " + phase.get_name() + " for a transaction the router does not know").c_str());
    return tlm::TLM_COMPLETED;
  }
  Route& r = it->second;
  const tlm::tlm_phase sent = phase;
  if (sent == tlm::BEGIN_RESP) {
    trans.set_address(r.address);
    r.responded = true;
  }
  if (r.initiator == kBlockingInitiator) {
    if (sent != tlm::BEGIN_RESP) return tlm::TLM_ACCEPTED;
    r.done->notify(delay);
    routes_.erase(it);
    return tlm::TLM_COMPLETED;
  }
  const int initiator = r.initiator;
  const tlm::tlm_sync_enum a = target_socket[initiator]->nb_transport_bw(trans, phase, delay);
  if (sent == tlm::BEGIN_RESP && (a == tlm::TLM_COMPLETED || (a == tlm::TLM_UPDATED && phase == tlm::END_RESP)))
    routes_.erase(&trans);
  return a;
}

tlm::tlm_sync_enum Router::nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  if (phase != tlm::END_REQ && phase != tlm::BEGIN_RESP) {
    SC_REPORT_ERROR(kMsgType, (std::string(name()) + ": nb_transport_bw with phase " + phase.get_name() +
                               " (the base protocol allows END_REQ and BEGIN_RESP)")
                                  .c_str());
    return tlm::TLM_COMPLETED;
  }
  TargetPort& port = ports_[unsigned(id)];
  if (port.in_request == &trans) end_request_phase(unsigned(id), delay);
  return to_initiator(trans, phase, delay);
}

void Router::end_request_phase(unsigned target, const sc_core::sc_time& delay) {
  TargetPort& port = ports_[target];
  port.in_request = nullptr;
  port.free_at = sc_core::sc_time_stamp() + delay;
  if (!port.held.empty()) dispatch_event_.notify(delay);
}

void Router::dispatch() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  sc_core::sc_time next = sc_core::SC_ZERO_TIME;
  bool again = false;
  for (unsigned t = 0; t < ports_.size(); ++t) {
    TargetPort& port = ports_[t];
    while (!port.in_request && !port.held.empty()) {
      const Held h = port.held.front();
      const sc_core::sc_time ready = std::max(h.arrival, port.free_at);
      if (ready > now) {
        if (!again || ready - now < next) next = ready - now;
        again = true;
        break;
      }
      port.held.pop_front();
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      send_request(*h.trans, d, false, phase);
    }
  }
  if (again) dispatch_event_.notify(next);
}

void Router::blocking_through_nb(tlm::tlm_generic_payload& trans, const AddressRegion& region,
                                 sc_core::sc_time& delay) {
  sc_core::sc_event done;
  const uint64_t address = trans.get_address();
  routes_[&trans] = Route{kBlockingInitiator, region.target, address, &done, false};
  trans.set_address(address - region.base);
  sc_core::sc_time d = delay;
  delay = sc_core::SC_ZERO_TIME;  // the time passes in this thread
  TargetPort& port = ports_[region.target];
  if (port.in_request || !port.held.empty() || port.free_at > sc_core::sc_time_stamp() + d) {
    port.held.push_back(Held{&trans, sc_core::sc_time_stamp() + d});
    ++held_;
    if (!port.in_request) dispatch_event_.notify(sc_core::SC_ZERO_TIME);
    sc_core::wait(done);
    return;
  }
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  const tlm::tlm_sync_enum s = send_request(trans, d, true, phase);
  if (s == tlm::TLM_COMPLETED) {
    if (d > sc_core::SC_ZERO_TIME) sc_core::wait(d);
    return;
  }
  if (s == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
    if (d > sc_core::SC_ZERO_TIME) sc_core::wait(d);
    routes_.erase(&trans);
    tlm::tlm_phase end = tlm::END_RESP;
    sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
    initiator_socket[region.target]->nb_transport_fw(trans, end, zero);
    return;
  }
  sc_core::wait(done);  // to_initiator ends the route at BEGIN_RESP and restores the address
}

}  // namespace energon::hw
