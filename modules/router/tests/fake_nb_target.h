// A small approximately-timed memory for tests of nb_transport initiators and interconnects:
// END_REQ `accept` after a request arrives (one request phase at a time, as the base protocol
// requires), BEGIN_RESP `latency` after END_REQ; counts the requests in the request phase and in
// flight, and flags a BEGIN_REQ that arrives while another one still waits for END_REQ.
#pragma once

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace energon::test {

class FakeNbTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FakeNbTarget> socket;
  sc_core::sc_time accept, latency;
  struct Arrival {
    uint64_t address = 0;  ///< as the target sees it (local)
    sc_core::sc_time time;
  };
  std::vector<Arrival> arrivals;  ///< BEGIN_REQs in the order they took effect
  unsigned in_flight = 0, max_in_flight = 0;
  bool exclusion_violated = false;  ///< a BEGIN_REQ while another waited for END_REQ
  unsigned without_mm = 0;          ///< BEGIN_REQs on a payload without a memory manager
  std::vector<uint8_t> memory;

  FakeNbTarget(const sc_core::sc_module_name& n, size_t bytes, sc_core::sc_time accept_time,
               sc_core::sc_time response_time)
      : sc_module(n),
        socket("socket"),
        accept(accept_time),
        latency(response_time),
        memory(bytes, 0),
        peq_(this, &FakeNbTarget::on_phase) {
    socket.register_nb_transport_fw(this, &FakeNbTarget::nb_transport_fw);
  }

 private:
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_core::sc_time& delay) {
    if (phase == tlm::BEGIN_REQ) {
      if (in_request_) exclusion_violated = true;
      in_request_ = true;
      max_in_flight = std::max(max_in_flight, ++in_flight);
      arrivals.push_back({t.get_address(), sc_core::sc_time_stamp() + delay});
      if (t.has_mm())
        t.acquire();
      else
        ++without_mm;
      tlm::tlm_phase end = tlm::END_REQ;
      peq_.notify(t, end, delay + accept);
      return tlm::TLM_ACCEPTED;
    }
    if (phase == tlm::END_RESP) {
      if (t.has_mm()) t.release();
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_COMPLETED;
  }

  void on_phase(tlm::tlm_generic_payload& t, const tlm::tlm_phase& phase) {
    sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
    if (phase == tlm::END_REQ) {
      in_request_ = false;
      const uint64_t a = t.get_address();
      if (a + t.get_data_length() > memory.size()) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      } else {
        if (t.is_write()) std::memcpy(memory.data() + a, t.get_data_ptr(), t.get_data_length());
        if (t.is_read()) std::memcpy(t.get_data_ptr(), memory.data() + a, t.get_data_length());
        t.set_response_status(tlm::TLM_OK_RESPONSE);
      }
      tlm::tlm_phase p = tlm::END_REQ;
      socket->nb_transport_bw(t, p, zero);
      tlm::tlm_phase resp = tlm::BEGIN_RESP;
      peq_.notify(t, resp, latency);
      return;
    }
    if (phase == tlm::BEGIN_RESP) {
      --in_flight;
      tlm::tlm_phase p = tlm::BEGIN_RESP;
      const tlm::tlm_sync_enum s = socket->nb_transport_bw(t, p, zero);
      if (s == tlm::TLM_COMPLETED || (s == tlm::TLM_UPDATED && p == tlm::END_RESP)) {
        if (t.has_mm()) t.release();
      }
    }
  }

  bool in_request_ = false;
  tlm_utils::peq_with_cb_and_phase<FakeNbTarget> peq_;
};

}  // namespace energon::test
