#include "energon/platform/host_cpu.h"

#include <algorithm>
#include <cstring>
#include <exception>

namespace energon::platform {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

HostCpu::HostCpu(const sc_core::sc_module_name& name, const HostCpuConfig& config)
    : sc_module(name), bus("bus"), irq("irq"), config_(config) {
  bus.register_invalidate_direct_mem_ptr(this, &HostCpu::invalidate_direct_mem_ptr);
  hal_.ctx = this;
  hal_.read32 = [](void* c, uint64_t a) { return static_cast<HostCpu*>(c)->read32(a); };
  hal_.write32 = [](void* c, uint64_t a, uint32_t v) { static_cast<HostCpu*>(c)->write32(a, v); };
  hal_.wait_for_interrupt = [](void* c, uint32_t timeout_us) {
    return static_cast<HostCpu*>(c)->wait_for_irq(sc_time(double(timeout_us), sc_core::SC_US)) ? 0 : 1;
  };
  hal_.mem_write = [](void* c, uint64_t a, const void* s, size_t n) {
    return static_cast<HostCpu*>(c)->write_mem(a, s, n) ? 0 : -1;
  };
  hal_.mem_read = [](void* c, uint64_t a, void* d, size_t n) {
    return static_cast<HostCpu*>(c)->read_mem(a, d, n) ? 0 : -1;
  };
  hal_.mem_alloc = [](void* c, size_t n, size_t align) { return static_cast<HostCpu*>(c)->alloc(n, align); };
  reset();
  SC_THREAD(thread);
}

void HostCpu::reset() {
  next_free_ = config_.shared_base;
  dmi_valid_ = false;
  dmi_refused_ = false;
  stats_ = {};
}

void HostCpu::thread() {
  try {
    if (program_) program_(*this);
  } catch (const std::exception& e) {
    // Kept, not rethrown: the platform reports it after sc_start returns.
    program_error_ = e.what();
  }
  irq_deadline_.cancel();  // nothing of the host stays pending once its program is done
  sync();
  finished_ = true;
  if (config_.stop_when_done) sc_core::sc_stop();
}

sc_time HostCpu::now() const { return sc_core::sc_time_stamp() + local_; }

void HostCpu::sync() {
  if (local_ != SC_ZERO_TIME) {
    const sc_time t = local_;
    local_ = SC_ZERO_TIME;
    wait(t);
  }
}

void HostCpu::annotate(const sc_time& t) {
  if (config_.timing == HostTiming::accurate) {
    local_ += t;
    sync();
    return;
  }
  local_ += t;
  if (local_ >= config_.quantum) sync();
}

void HostCpu::spend(const sc_time& t) {
  stats_.compute_time += t;
  if (trace_) {
    const sc_time start = now();
    trace_->span(hw::TraceTrack::host, "host work", start, start + t, 0);
  }
  annotate(t);
}

bool HostCpu::transport(tlm::tlm_command cmd, uint64_t addr, void* data, uint32_t length) {
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = config_.timing == HostTiming::lt ? local_ : SC_ZERO_TIME;
  const sc_time before = delay;
  bus->b_transport(trans, delay);
  if (config_.timing == HostTiming::lt) {
    local_ = delay;
    if (local_ >= config_.quantum) sync();
  } else {
    annotate(delay - before);
  }
  if (trans.is_response_error()) {
    ++stats_.bus_errors;
    return false;
  }
  return true;
}

uint32_t HostCpu::read32(uint64_t addr) {
  uint32_t v = 0;
  ++stats_.reg_reads;
  spend_ns(config_.cost.reg_access_ns);
  // An uncached read is a synchronisation point: the value may depend on hardware progress.
  sync();
  if (!transport(tlm::TLM_READ_COMMAND, addr, &v, 4)) return 0xFFFFFFFFu;  // bus error reads all-ones
  if (config_.timing == HostTiming::lt) sync();
  return v;
}

void HostCpu::write32(uint64_t addr, uint32_t value) {
  ++stats_.reg_writes;
  spend_ns(config_.cost.reg_access_ns);
  sync();
  transport(tlm::TLM_WRITE_COMMAND, addr, &value, 4);
  if (config_.timing == HostTiming::lt) sync();
}

// lt: one deadline event serves every wait. A wait the interrupt ends leaves its deadline pending
// instead of cancelling it: SystemC keeps a cancelled timed notification in its event queue until
// its time comes, so a cancelled timeout per interrupt (100 s in the platform's driver calls) grew
// the queue by one entry per job, and every timed wait of the simulation paid for the deeper heap
// (4 % of a real-model run's instructions). A later wait whose deadline is at or after the pending
// one wakes when that fires, finds its own deadline not reached and re-arms; an earlier deadline
// replaces the pending one. Accurate timing keeps a timeout per wait: there the accelerator's
// arbitration among requesters of the same time follows the kernel's order of same-time events,
// which depends on everything in the queue, cancelled entries included, so a leaner queue moves
// at-mode cycles (docs/architecture.md "Simulation speed").
void HostCpu::arm_irq_deadline(const sc_time& deadline) {
  const sc_time now = sc_core::sc_time_stamp();
  if (armed_deadline_ > now && armed_deadline_ <= deadline) return;  // fires first, the wait re-arms
  irq_deadline_.cancel();
  irq_deadline_.notify(deadline - now);
  armed_deadline_ = deadline;
}

bool HostCpu::wait_for_irq(const sc_time& timeout) {
  ++stats_.irq_waits;
  sync();
  const sc_time start = sc_core::sc_time_stamp();
  if (!irq.read()) {
    if (config_.timing == HostTiming::lt) {
      const sc_time deadline = start + timeout;
      do {
        arm_irq_deadline(deadline);
        wait(irq_deadline_ | irq.posedge_event());
      } while (!irq.posedge() && sc_core::sc_time_stamp() < deadline);
    } else {
      wait(timeout, irq.posedge_event());
    }
  }
  stats_.wait_time += sc_core::sc_time_stamp() - start;
  if (trace_ && sc_core::sc_time_stamp() > start)  // on the timeline only: host_busy means host work
    trace_->span(hw::TraceTrack::host, "wait for interrupt", start, sc_core::sc_time_stamp(), 0);
  if (!irq.read()) {
    ++stats_.irq_timeouts;
    return false;
  }
  spend_ns(config_.cost.irq_entry_ns);
  return true;
}

bool HostCpu::dmi_copy(tlm::tlm_command cmd, uint64_t addr, void* data, size_t bytes) {
  if (!dmi_valid_ || addr < dmi_.get_start_address() || addr + bytes - 1 > dmi_.get_end_address()) return false;
  unsigned char* mem = dmi_.get_dmi_ptr() + (addr - dmi_.get_start_address());
  if (cmd == tlm::TLM_WRITE_COMMAND)
    std::memcpy(mem, data, bytes);
  else
    std::memcpy(data, mem, bytes);
  ++stats_.dmi_copies;
  const sc_time latency = cmd == tlm::TLM_WRITE_COMMAND ? dmi_.get_write_latency() : dmi_.get_read_latency();
  spend(latency + sc_time(config_.cost.copy_ns_per_byte * double(bytes), sc_core::SC_NS));
  return true;
}

void HostCpu::request_dmi(uint64_t addr) {
  tlm::tlm_generic_payload req;
  req.set_address(addr);
  req.set_command(tlm::TLM_WRITE_COMMAND);
  tlm::tlm_dmi dmi;
  if (bus->get_direct_mem_ptr(req, dmi) && dmi.is_read_write_allowed()) {
    dmi_ = dmi;
    dmi_valid_ = true;
  } else {
    dmi_refused_ = true;  // asked again only after an invalidation
  }
}

bool HostCpu::copy(tlm::tlm_command cmd, uint64_t addr, unsigned char* data, size_t bytes) {
  if (bytes == 0) return true;
  if (config_.timing == HostTiming::lt && !dmi_valid_ && !dmi_refused_) request_dmi(addr);
  if (dmi_copy(cmd, addr, data, bytes)) return true;
  ++stats_.bus_copies;
  for (size_t off = 0; off < bytes; off += config_.burst_bytes) {
    const uint32_t n = uint32_t(std::min<size_t>(bytes - off, config_.burst_bytes));
    if (!transport(cmd, addr + off, data + off, n)) return false;
  }
  return true;
}

bool HostCpu::write_mem(uint64_t addr, const void* src, size_t bytes) {
  stats_.bytes_to_dram += bytes;
  // A write payload is only read by the target.
  return copy(tlm::TLM_WRITE_COMMAND, addr, static_cast<unsigned char*>(const_cast<void*>(src)), bytes);
}

bool HostCpu::read_mem(uint64_t addr, void* dst, size_t bytes) {
  stats_.bytes_from_dram += bytes;
  return copy(tlm::TLM_READ_COMMAND, addr, static_cast<unsigned char*>(dst), bytes);
}

uint64_t HostCpu::alloc(size_t bytes, size_t align) {
  if (align == 0 || (align & (align - 1)) != 0) return ENERGON_HAL_NO_MEMORY;
  const uint64_t at = (next_free_ + align - 1) & ~uint64_t(align - 1);
  const uint64_t end = config_.shared_base + config_.shared_size;
  if (at < next_free_ || at + bytes > end || at + bytes < at) return ENERGON_HAL_NO_MEMORY;
  next_free_ = at + bytes;
  return at;
}

void HostCpu::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  if (dmi_valid_ && start <= dmi_.get_end_address() && end >= dmi_.get_start_address()) dmi_valid_ = false;
  dmi_refused_ = false;
}

}  // namespace energon::platform
