// The bus interface in accurate mode: every piece of a request is an nb_transport_fw transaction
// (TLM-2.0 base protocol) on a payload of the pool; up to max_outstanding pieces are in flight
// over all callers, the next BEGIN_REQ goes out only after END_REQ of the previous one, and each
// caller's thread waits until its own pieces have all had their BEGIN_RESP.
#include <algorithm>
#include <cstdio>

#include "energon/hw/bus_interface.h"
#include "energon/hw/log.h"

namespace energon::hw {

void BusInterface::nb_request(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  ++requests_;
  if (delay > sc_core::SC_ZERO_TIME) {  // the request starts at its annotated time
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  const uint64_t address = trans.get_address();
  const uint32_t length = trans.get_data_length();
  const bool plain =
      !trans.get_byte_enable_ptr() && trans.get_streaming_width() == length && (trans.is_read() || trans.is_write());
  const uint64_t last = address + length - 1;
  if (!plain || length == 0 || last < address) {  // not split: the interconnect answers it as it is
    forward(trans, delay);
    return;
  }
  Request req;
  unsigned char* data = trans.get_data_ptr();
  for (uint64_t at = address; at <= last && req.status == tlm::TLM_OK_RESPONSE;) {
    const uint64_t end = max_burst_bytes_ == 0 ? last + 1 : (at / max_burst_bytes_ + 1) * max_burst_bytes_;
    const uint32_t n = uint32_t(std::min<uint64_t>(end, last + 1) - at);
    issue_piece(req, trans.get_command(), at, data + (at - address), n);
    if (last - at < n) break;  // the last piece (also when it ends at 2^64)
    at += n;
  }
  while (req.remaining > 0) sc_core::wait(req.done);
  req.done.cancel();
  trans.set_response_status(req.status);
}

void BusInterface::issue_piece(Request& req, tlm::tlm_command cmd, uint64_t address, unsigned char* data,
                               uint32_t length) {
  // The request phase is free (END_REQ of the previous piece) and a slot is free.
  for (;;) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (in_request_ || outstanding_ >= max_outstanding_)
      sc_core::wait(progress_);
    else if (free_at_ > now)
      sc_core::wait(free_at_ - now);
    else
      break;
  }
  tlm::tlm_generic_payload* p = pieces_.allocate();  // our reference, released at completion
  p->set_command(cmd);
  p->set_address(address);
  p->set_data_ptr(data);
  p->set_data_length(length);
  p->set_streaming_width(length);
  owner_[p] = &req;
  ++req.remaining;
  ++outstanding_;
  peak_outstanding_ = std::max(peak_outstanding_, outstanding_);
  ++transactions_;
  largest_ = std::max<uint64_t>(largest_, length);
  if (log::enabled("bus_interface", log::Level::trace)) {
    char line[160];
    std::snprintf(line, sizeof line, "%s: BEGIN_REQ %s 0x%llx, %u bytes, %u outstanding",
                  sc_core::sc_time_stamp().to_string().c_str(), cmd == tlm::TLM_WRITE_COMMAND ? "write" : "read",
                  static_cast<unsigned long long>(address), length, outstanding_);
    log::emit("bus_interface", log::Level::trace, line);
  }
  in_request_ = p;
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum s = mem->nb_transport_fw(*p, phase, d);
  if (s == tlm::TLM_ACCEPTED) return;  // END_REQ and BEGIN_RESP on the backward path
  end_request(d);
  if (s == tlm::TLM_UPDATED && phase == tlm::END_REQ) return;
  if (s == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {  // the response right away: end it
    tlm::tlm_phase end = tlm::END_RESP;
    sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
    mem->nb_transport_fw(*p, end, zero);
  }
  complete(*p, d);  // TLM_COMPLETED, or the response ended above
}

tlm::tlm_sync_enum BusInterface::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  if (phase == tlm::END_REQ) {
    if (in_request_ == &trans) end_request(delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::BEGIN_RESP) {
    if (in_request_ == &trans) end_request(delay);  // BEGIN_RESP implies END_REQ
    complete(trans, delay);
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR("energon/bus_interface", (std::string(name()) + ": nb_transport_bw with phase " + phase.get_name() +
                                            " (the base protocol allows END_REQ and BEGIN_RESP)")
                                               .c_str());
  return tlm::TLM_COMPLETED;
}

void BusInterface::end_request(const sc_core::sc_time& delay) {
  in_request_ = nullptr;
  free_at_ = sc_core::sc_time_stamp() + delay;
  progress_.notify(delay);
}

void BusInterface::complete(tlm::tlm_generic_payload& piece, const sc_core::sc_time& delay) {
  const auto it = owner_.find(&piece);
  if (it == owner_.end()) {
    SC_REPORT_ERROR("energon/bus_interface", (std::string(name()) + ": a response to no request of ours").c_str());
    return;
  }
  Request& req = *it->second;
  owner_.erase(it);
  if (req.status == tlm::TLM_OK_RESPONSE && !piece.is_response_ok())  // the first error; ignored = an error
    req.status = piece.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE ? tlm::TLM_GENERIC_ERROR_RESPONSE
                                                                             : piece.get_response_status();
  if (log::enabled("bus_interface", log::Level::trace)) {
    char line[160];
    std::snprintf(line, sizeof line, "%s: BEGIN_RESP 0x%llx: %s",
                  (sc_core::sc_time_stamp() + delay).to_string().c_str(),
                  static_cast<unsigned long long>(piece.get_address()), piece.get_response_string().c_str());
    log::emit("bus_interface", log::Level::trace, line);
  }
  --outstanding_;
  if (--req.remaining == 0) req.done.notify(delay);
  progress_.notify(delay);
  piece.release();
}

}  // namespace energon::hw
