#include "energon/hw/payload_pool.h"

namespace energon::hw {

PayloadPool::~PayloadPool() {
  // Payloads still referenced elsewhere at destruction would be a protocol error of their
  // holder; only the free ones are owned here.
  for (tlm::tlm_generic_payload* p : free_) {
    p->set_mm(nullptr);
    delete p;
  }
}

tlm::tlm_generic_payload* PayloadPool::allocate() {
  tlm::tlm_generic_payload* p;
  if (free_.empty()) {
    p = new tlm::tlm_generic_payload(this);
    ++constructed_;
  } else {
    p = free_.back();
    free_.pop_back();
  }
  p->acquire();
  return p;
}

void PayloadPool::free(tlm::tlm_generic_payload* p) {
  // reset() drops auto extensions; the attributes a reused payload might carry over are set
  // back to their construction defaults here, so every allocate() hands out the same state.
  p->reset();
  p->set_address(0);
  p->set_command(tlm::TLM_IGNORE_COMMAND);
  p->set_data_ptr(nullptr);
  p->set_data_length(0);
  p->set_byte_enable_ptr(nullptr);
  p->set_byte_enable_length(0);
  p->set_streaming_width(0);
  p->set_dmi_allowed(false);
  p->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  p->set_gp_option(tlm::TLM_MIN_PAYLOAD);
  free_.push_back(p);
}

}  // namespace energon::hw
