// Testbench memory: a TLM target holding [base, base+size) with a fixed per-transaction latency
// plus a bandwidth term; anything outside answers TLM_ADDRESS_ERROR_RESPONSE.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstring>
#include <functional>
#include <vector>

namespace energon::test {

class TestMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TestMemory> socket;
  uint64_t base, size;
  std::vector<uint8_t> bytes;
  sc_core::sc_time latency;  ///< per transaction
  double bytes_per_ns;       ///< streaming bandwidth
  uint64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0;

  TestMemory(sc_core::sc_module_name n, uint64_t base_, uint64_t size_,
             sc_core::sc_time lat = sc_core::sc_time(40, sc_core::SC_NS), double bw = 16.0)
      : sc_module(n), socket("socket"), base(base_), size(size_), bytes(size_, 0), latency(lat), bytes_per_ns(bw) {
    socket.register_b_transport(this, &TestMemory::b_transport);
    socket.register_transport_dbg(this, &TestMemory::transport_dbg);
  }

  void store(uint64_t addr, const void* src, size_t len) { std::memcpy(&bytes[addr - base], src, len); }
  void load(uint64_t addr, void* dst, size_t len) const { std::memcpy(dst, &bytes[addr - base], len); }

 private:
  bool inside(uint64_t a, uint64_t len) const { return a >= base && len <= size && a - base <= size - len; }
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const uint64_t a = p.get_address(), len = p.get_data_length();
    if (!inside(a, len)) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (p.is_read()) {
      std::memcpy(p.get_data_ptr(), &bytes[a - base], len);
      ++reads;
      bytes_read += len;
    } else if (p.is_write()) {
      std::memcpy(&bytes[a - base], p.get_data_ptr(), len);
      ++writes;
      bytes_written += len;
    }
    delay += latency + sc_core::sc_time(double(len) / bytes_per_ns, sc_core::SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& p) {
    const uint64_t a = p.get_address(), len = p.get_data_length();
    if (!inside(a, len)) return 0;
    if (p.is_read()) std::memcpy(p.get_data_ptr(), &bytes[a - base], len);
    if (p.is_write()) std::memcpy(&bytes[a - base], p.get_data_ptr(), len);
    return unsigned(len);
  }
};

/// Runs `body` in an SC_THREAD (blocking calls into the models need a thread context).
class Stimulus : public sc_core::sc_module {
 public:
  template <typename F>
  Stimulus(sc_core::sc_module_name n, F&& f) : sc_module(n), body_(std::forward<F>(f)) {
    SC_HAS_PROCESS(Stimulus);
    SC_THREAD(run);
  }
  bool finished = false;

 private:
  void run() {
    body_();
    finished = true;
  }
  std::function<void()> body_;
};

}  // namespace energon::test
