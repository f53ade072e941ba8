// Address-map interconnect: any number of initiators (host CPU, controller, datapath) reach
// any number of targets (DRAM, accelerator registers) through one decoded address map.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
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
  /// Forgets nothing: the map is static; exists for the uniform reset() of every model.
  void reset() {}

 private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end);
  void end_of_elaboration() override;

  std::vector<AddressRegion> regions_;  // sorted by base
};

}  // namespace energon::hw
