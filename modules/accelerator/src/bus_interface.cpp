#include "energon/hw/bus_interface.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "energon/hw/log.h"

namespace energon::hw {

BusInterface::BusInterface(const sc_core::sc_module_name& name, uint32_t max_burst_bytes, TimingMode timing,
                           uint32_t max_outstanding)
    : sc_module(name),
      ctrl("ctrl"),
      dma("dma"),
      mem("mem"),
      max_burst_bytes_(max_burst_bytes),
      timing_(timing),
      max_outstanding_(max_outstanding) {
  if (max_outstanding_ == 0) throw ConfigError(std::string(this->name()) + ": max_outstanding (0) must be at least 1");
  for (auto* port : {&ctrl, &dma}) {
    port->register_b_transport(this, &BusInterface::b_transport);
    port->register_transport_dbg(this, &BusInterface::transport_dbg);
  }
  mem.register_nb_transport_bw(this, &BusInterface::nb_transport_bw);
}

void BusInterface::reset() {
  requests_ = transactions_ = largest_ = 0;
  peak_outstanding_ = outstanding_;
}

void BusInterface::forward(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  ++transactions_;
  largest_ = std::max<uint64_t>(largest_, trans.get_data_length());
  const sc_core::sc_time issued = sc_core::sc_time_stamp() + delay;
  mem->b_transport(trans, delay);
  if (log::enabled("bus_interface", log::Level::trace)) {
    char line[160];
    std::snprintf(line, sizeof line, "%s: %s 0x%llx, %u bytes, done at %s: %s", issued.to_string().c_str(),
                  trans.is_write() ? "write" : "read", static_cast<unsigned long long>(trans.get_address()),
                  trans.get_data_length(), (sc_core::sc_time_stamp() + delay).to_string().c_str(),
                  trans.get_response_string().c_str());
    log::emit("bus_interface", log::Level::trace, line);
  }
}

// Both initiators are blocked while their request is served and the controller waits for the
// datapath's job to finish, so requests reach the bus in the order the job issues them:
// descriptor read, the job's tensor traffic, result write-back (docs/integration.md).
void BusInterface::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (timing_ == TimingMode::accurate) {
    nb_request(trans, delay);
    return;
  }
  ++requests_;
  const uint64_t address = trans.get_address();
  const uint32_t length = trans.get_data_length();
  const bool plain =
      !trans.get_byte_enable_ptr() && trans.get_streaming_width() == length && (trans.is_read() || trans.is_write());
  const uint64_t last = address + length - 1;
  if (max_burst_bytes_ == 0 || !plain || length == 0 || last < address ||
      address / max_burst_bytes_ == last / max_burst_bytes_) {
    forward(trans, delay);
    return;
  }
  // The pieces are issued back to back at the request's time (outstanding, like AXI bursts of
  // one request); the request completes when its last piece does.
  unsigned char* data = trans.get_data_ptr();
  sc_core::sc_time done = delay;
  for (uint64_t at = address; at <= last;) {
    const uint64_t boundary = (at / max_burst_bytes_ + 1) * max_burst_bytes_;
    const uint32_t n = uint32_t(std::min<uint64_t>(boundary, last + 1) - at);
    PooledPayload piece(pieces_);
    piece->set_command(trans.get_command());
    piece->set_address(at);
    piece->set_data_ptr(data + (at - address));
    piece->set_data_length(n);
    piece->set_streaming_width(n);
    sc_core::sc_time t = delay;
    forward(*piece, t);
    done = std::max(done, t);
    if (!piece->is_response_ok()) {
      trans.set_response_status(piece->get_response_status());
      delay = done;
      return;
    }
    at += n;
  }
  delay = done;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned BusInterface::transport_dbg(tlm::tlm_generic_payload& trans) { return mem->transport_dbg(trans); }

}  // namespace energon::hw
