#include "energon/hw/router.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace energon::hw {
namespace {

constexpr const char* kMsgType = "energon/router";

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string describe(const AddressRegion& r) {
  return "'" + (r.name.empty() ? std::string("target ") + std::to_string(r.target) : r.name) + "' [" + hex(r.base) +
         ", " + hex(r.last()) + "]";
}

}  // namespace

SC_HAS_PROCESS(Router);

Router::Router(const sc_core::sc_module_name& name)
    : sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket") {
  target_socket.register_b_transport(this, &Router::b_transport);
  target_socket.register_transport_dbg(this, &Router::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
  target_socket.register_nb_transport_fw(this, &Router::nb_transport_fw);
  initiator_socket.register_nb_transport_bw(this, &Router::nb_transport_bw);
  SC_METHOD(dispatch);
  sensitive << dispatch_event_;
  dont_initialize();
}

void Router::map(uint64_t base, uint64_t size, unsigned target, const std::string& name) {
  AddressRegion region{base, size, target, name};
  if (size == 0) {
    SC_REPORT_ERROR(
        kMsgType,
        (std::string(this->name()) + ": region " + describe({base, 1, target, name}) + " has size 0").c_str());
    return;
  }
  if (base > std::numeric_limits<uint64_t>::max() - (size - 1)) {
    SC_REPORT_ERROR(kMsgType, (std::string(this->name()) + ": region '" + name + "' at " + hex(base) + " with size " +
                               hex(size) + " runs past the end of the 64-bit address space")
                                  .c_str());
    return;
  }
  for (const AddressRegion& other : regions_) {
    if (region.base <= other.last() && other.base <= region.last()) {
      SC_REPORT_ERROR(
          kMsgType,
          (std::string(this->name()) + ": region " + describe(region) + " overlaps region " + describe(other)).c_str());
      return;
    }
  }
  const auto pos = std::lower_bound(regions_.begin(), regions_.end(), base,
                                    [](const AddressRegion& r, uint64_t b) { return r.base < b; });
  regions_.insert(pos, region);
}

void Router::end_of_elaboration() {
  const unsigned targets = static_cast<unsigned>(initiator_socket.size());
  ports_.resize(targets);
  if (via_nb_.size() > targets)
    SC_REPORT_ERROR(kMsgType, (std::string(name()) + ": blocking_via_nb(" + std::to_string(via_nb_.size() - 1) +
                               ") but only " + std::to_string(targets) + " target(s) are bound to initiator_socket")
                                  .c_str());
  via_nb_.resize(targets, false);
  for (const AddressRegion& r : regions_) {
    if (r.target >= targets)
      SC_REPORT_ERROR(kMsgType, (std::string(name()) + ": region " + describe(r) + " maps to target index " +
                                 std::to_string(r.target) + " but only " + std::to_string(targets) +
                                 " target(s) are bound to initiator_socket")
                                    .c_str());
  }
}

const AddressRegion* Router::decode(uint64_t address, uint64_t length) const {
  // Last region whose base is <= address.
  auto it = std::upper_bound(regions_.begin(), regions_.end(), address,
                             [](uint64_t a, const AddressRegion& r) { return a < r.base; });
  if (it == regions_.begin()) return nullptr;
  const AddressRegion& r = *--it;
  if (address > r.last()) return nullptr;
  const uint64_t room = r.last() - address;  // bytes after `address` inside the region
  if (length == 0 || length - 1 > room) return nullptr;
  return &r;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t address = trans.get_address();
  const AddressRegion* r = decode(address, trans.get_data_length());
  if (!r) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (r->target < via_nb_.size() && via_nb_[r->target]) {
    blocking_through_nb(trans, *r, delay);
    return;
  }
  trans.set_address(address - r->base);
  initiator_socket[r->target]->b_transport(trans, delay);
  trans.set_address(address);
}

unsigned Router::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const uint64_t address = trans.get_address();
  const AddressRegion* r = decode(address, trans.get_data_length());
  if (!r) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  trans.set_address(address - r->base);
  const unsigned n = initiator_socket[r->target]->transport_dbg(trans);
  trans.set_address(address);
  return n;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const uint64_t address = trans.get_address();
  const AddressRegion* r = decode(address);
  if (!r) {
    // Tell the initiator the whole hole between neighbouring regions has no DMI.
    uint64_t lo = 0, hi = std::numeric_limits<uint64_t>::max();
    for (const AddressRegion& other : regions_) {
      if (other.last() < address) lo = std::max(lo, other.last() + 1);
      if (other.base > address) hi = std::min(hi, other.base - 1);
    }
    dmi.set_start_address(lo);
    dmi.set_end_address(hi);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  if (r->target < via_nb_.size() && via_nb_[r->target]) {  // every access of this target goes through the nb path
    dmi.set_start_address(r->base);
    dmi.set_end_address(r->last());
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  trans.set_address(address - r->base);
  const bool granted = initiator_socket[r->target]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(address);
  uint64_t start = dmi.get_start_address();
  uint64_t end = dmi.get_end_address();
  if (start > r->size - 1 || end < start) {  // nonsense from the target: no DMI here
    dmi.set_start_address(address);
    dmi.set_end_address(address);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  end = std::min<uint64_t>(end, r->size - 1);  // the target may be larger than its window
  dmi.set_start_address(r->base + start);
  dmi.set_end_address(r->base + end);
  return granted;
}

void Router::invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const AddressRegion& r : regions_) {
    if (r.target != static_cast<unsigned>(target) || start > r.size - 1 || end < start) continue;
    const uint64_t gstart = r.base + start;
    const uint64_t gend = r.base + std::min<uint64_t>(end, r.size - 1);
    for (unsigned i = 0; i < target_socket.size(); ++i) target_socket[i]->invalidate_direct_mem_ptr(gstart, gend);
  }
}

}  // namespace energon::hw
