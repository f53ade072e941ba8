// Ideal memory target for testbenches: a byte array behind a simple_target_socket with a
// fixed latency per transaction. Stands in for the DRAM model where DRAM timing is not the
// subject of the test.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace energon::trace {

class FlatMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FlatMemory> socket;

  /// `size` bytes, zero-filled; every transaction takes `latency`, DMI granted when `dmi`.
  FlatMemory(const sc_core::sc_module_name& name, uint64_t size,
             sc_core::sc_time latency = sc_core::sc_time(10, sc_core::SC_NS), bool dmi = true)
      : sc_module(name), socket("socket"), mem_(size, 0), latency_(latency), dmi_(dmi) {
    socket.register_b_transport(this, &FlatMemory::b_transport);
    socket.register_transport_dbg(this, &FlatMemory::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &FlatMemory::get_direct_mem_ptr);
  }
  FlatMemory(const FlatMemory&) = delete;
  FlatMemory& operator=(const FlatMemory&) = delete;

  uint64_t size() const { return mem_.size(); }
  uint8_t* data() { return mem_.data(); }
  /// Copies bytes in; throws std::out_of_range naming the address when they do not fit.
  void write(uint64_t address, const void* src, uint64_t n) {
    check(address, n);
    std::memcpy(mem_.data() + address, src, n);
  }
  void read(uint64_t address, void* dst, uint64_t n) const {
    check(address, n);
    std::memcpy(dst, mem_.data() + address, n);
  }
  /// Tells every initiator to drop its DMI pointers (as a remap would).
  void invalidate_dmi() { socket->invalidate_direct_mem_ptr(0, mem_.size() - 1); }
  void reset() { std::fill(mem_.begin(), mem_.end(), 0); }

  uint64_t transactions = 0;  ///< b_transport calls
  uint64_t last_address = 0;  ///< address of the last b_transport, as this target saw it
  uint64_t bytes_read = 0, bytes_written = 0;

 private:
  void check(uint64_t address, uint64_t n) const {
    if (address > mem_.size() || n > mem_.size() - address)
      throw std::out_of_range(std::string(name()) + ": access of " + std::to_string(n) + " bytes at 0x" +
                              to_hex(address) + " outside " + std::to_string(mem_.size()) + " bytes");
  }
  static std::string to_hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
    return buf;
  }
  bool in_range(const tlm::tlm_generic_payload& t) const {
    return t.get_address() <= mem_.size() && t.get_data_length() <= mem_.size() - t.get_address();
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    ++transactions;
    last_address = t.get_address();
    if (!in_range(t)) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (t.get_byte_enable_ptr()) {
      t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return;
    }
    if (t.get_streaming_width() < t.get_data_length()) {
      t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    uint8_t* p = mem_.data() + t.get_address();
    if (t.is_read()) {
      std::memcpy(t.get_data_ptr(), p, t.get_data_length());
      bytes_read += t.get_data_length();
    } else if (t.is_write()) {
      std::memcpy(p, t.get_data_ptr(), t.get_data_length());
      bytes_written += t.get_data_length();
    }
    delay += latency_;
    t.set_dmi_allowed(dmi_);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& t) {
    if (t.get_address() >= mem_.size()) return 0;
    const uint64_t n = std::min<uint64_t>(t.get_data_length(), mem_.size() - t.get_address());
    uint8_t* p = mem_.data() + t.get_address();
    if (t.is_read())
      std::memcpy(t.get_data_ptr(), p, n);
    else if (t.is_write())
      std::memcpy(p, t.get_data_ptr(), n);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return static_cast<unsigned>(n);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_start_address(0);
    dmi.set_end_address(mem_.size() - 1);
    if (!dmi_) {
      dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
      return false;
    }
    dmi.set_dmi_ptr(mem_.data());
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    dmi.set_read_latency(latency_);
    dmi.set_write_latency(latency_);
    return true;
  }

  std::vector<uint8_t> mem_;
  sc_core::sc_time latency_;
  bool dmi_;
};

}  // namespace energon::trace
