// Host CPU model: runs a firmware program in an SC_THREAD and gives it the MMIO HAL of
// energon_hal.h over a TLM initiator socket. Host-side work gets simulated time from a cost
// model (HostCpuCost, docs/architecture.md).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <functional>
#include <string>

#include "energon/fw/energon_hal.h"
#include "energon/hw/activity_trace.h"

namespace energon::platform {

/// Simulated cost of host-side work; all in ns. Values model one core of a ~2 GHz in-order
/// application processor (docs/architecture.md, "Host CPU cost model").
struct HostCpuCost {
  double reg_access_ns = 10;        ///< issuing an uncached MMIO access (bus latency comes on top)
  double quantize_ns_per_elem = 1;  ///< max-abs pass + divide, round, saturate, store
  double pack_ns_per_byte = 0.5;    ///< K bit-plane packing, per output byte
  double copy_ns_per_byte = 0.1;    ///< copy into shared DRAM through DMI (~10 GB/s)
  double desc_build_ns = 100;       ///< filling one descriptor
  double irq_entry_ns = 500;        ///< interrupt entry and handler dispatch
  double rank_ns_per_elem = 2;      ///< cascade pruning: ranking by importance, per element per log2(n) level
};

enum class HostTiming : uint8_t {
  lt,       ///< temporal decoupling (quantum keeper) and DMI for shared memory
  accurate  ///< wait() after every transaction, shared memory through b_transport
};

struct HostCpuConfig {
  uint64_t shared_base = 0;  ///< first byte of shared DRAM the allocator hands out
  uint64_t shared_size = 0;  ///< bytes of shared DRAM available to the allocator
  HostTiming timing = HostTiming::lt;
  sc_core::sc_time quantum{1, sc_core::SC_US};  ///< lt: quantum of temporal decoupling
  uint32_t burst_bytes = 64;                    ///< b_transport size of shared-memory copies without DMI
  HostCpuCost cost;
  bool stop_when_done = true;  ///< sc_stop() after the program returns
};

/// Counters of what the host did.
struct HostCpuStats {
  uint64_t reg_reads = 0, reg_writes = 0, bus_errors = 0;
  uint64_t bytes_to_dram = 0, bytes_from_dram = 0, dmi_copies = 0, bus_copies = 0;
  uint64_t irq_waits = 0, irq_timeouts = 0;
  sc_core::sc_time compute_time = sc_core::SC_ZERO_TIME;  ///< time charged by spend()
  sc_core::sc_time wait_time = sc_core::SC_ZERO_TIME;     ///< time asleep waiting for the interrupt
};

class HostCpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<HostCpu> bus;
  sc_core::sc_in<bool> irq;

  /// The firmware program; runs once in the thread, may call anything of this class.
  using Program = std::function<void(HostCpu&)>;

  SC_HAS_PROCESS(HostCpu);
  HostCpu(const sc_core::sc_module_name& name, const HostCpuConfig& config);
  HostCpu(const HostCpu&) = delete;
  HostCpu& operator=(const HostCpu&) = delete;

  /// Sets the program (before sc_start).
  void load_program(Program program) { program_ = std::move(program); }
  /// HAL for the C driver (energon_init); hooks call the methods below.
  const energon_hal_t* hal() const { return &hal_; }

  uint32_t read32(uint64_t addr);
  void write32(uint64_t addr, uint32_t value);
  /// Sleeps until irq is high (returns true) or `timeout` passes (false).
  bool wait_for_irq(const sc_core::sc_time& timeout);
  bool write_mem(uint64_t addr, const void* src, size_t bytes);
  bool read_mem(uint64_t addr, void* dst, size_t bytes);
  /// Bump allocator over the shared DRAM window; ENERGON_HAL_NO_MEMORY when exhausted.
  uint64_t alloc(size_t bytes, size_t align);
  /// Allocation mark, and release of everything allocated after it.
  uint64_t alloc_mark() const { return next_free_; }
  void release_to(uint64_t mark) { next_free_ = mark; }

  /// Charges host computation time (quantum keeper in lt mode, wait() in accurate mode).
  void spend(const sc_core::sc_time& t);
  void spend_ns(double ns) { spend(sc_core::sc_time(ns, sc_core::SC_NS)); }
  /// Current simulated time as the program sees it (including the local time offset).
  sc_core::sc_time now() const;
  /// Synchronises the local time offset with the kernel (before measuring or handing off).
  void sync();

  const HostCpuConfig& config() const { return config_; }
  const HostCpuStats& stats() const { return stats_; }
  bool finished() const { return finished_; }
  /// Message of an exception the program threw ("" when it returned normally).
  const std::string& program_error() const { return program_error_; }
  void reset();
  /// Host work and interrupt waits as spans on the host track (nullptr: off).
  void set_trace(hw::ActivityTrace* trace) { trace_ = trace; }

 private:
  void thread();
  bool transport(tlm::tlm_command cmd, uint64_t addr, void* data, uint32_t length);
  bool dmi_copy(tlm::tlm_command cmd, uint64_t addr, void* data, size_t bytes);
  void request_dmi(uint64_t addr);
  bool copy(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, size_t bytes);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void annotate(const sc_core::sc_time& t);
  /// Makes irq_deadline_ fire at `deadline` or earlier (see wait_for_irq()).
  void arm_irq_deadline(const sc_core::sc_time& deadline);

  HostCpuConfig config_;
  Program program_;
  energon_hal_t hal_{};
  sc_core::sc_time local_ = sc_core::SC_ZERO_TIME;  // lt: time ahead of the kernel
  tlm::tlm_dmi dmi_;
  bool dmi_valid_ = false;
  bool dmi_refused_ = false;
  uint64_t next_free_ = 0;
  HostCpuStats stats_;
  bool finished_ = false;
  sc_core::sc_event irq_deadline_;                           // wait_for_irq()'s timeout
  sc_core::sc_time armed_deadline_ = sc_core::SC_ZERO_TIME;  // when irq_deadline_ fires (if in the future)
  std::string program_error_;
  hw::ActivityTrace* trace_ = nullptr;
};

}  // namespace energon::platform
