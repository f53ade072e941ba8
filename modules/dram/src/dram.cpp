#include "energon/hw/dram.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dram_bank_timing.h"
#include "dram_burst_counter.h"
#include "dram_controller.h"
#include "dram_storage.h"

namespace energon::hw {
namespace {

const DramConfig& validated(const DramConfig& c) {
  validate_dram_config(c);
  return c;
}

}  // namespace

Dram::Dram(sc_core::sc_module_name name, const DramConfig& config)
    : sc_module(name),
      tgt("tgt"),
      cfg_(validated(config)),
      map_(cfg_),
      stats_(cfg_.channels, cfg_.tck_ps, cfg_.peak_bandwidth_gbps()),
      storage_(std::make_unique<DramStorage>(cfg_.size_bytes)),
      timing_(std::make_unique<DramBankTiming>(cfg_)),
      controller_(std::make_unique<DramController>(cfg_, stats_)),
      request_peq_(this, &Dram::request_arrived),
      admit_burst_(std::make_unique<DramBurstCounter>(cfg_, map_)) {
  SC_HAS_PROCESS(Dram);
  SC_METHOD(controller_method);
  sensitive << controller_event_;
  dont_initialize();
  SC_METHOD(respond_method);
  sensitive << respond_event_;
  dont_initialize();
  controller_->set_completion_sink(
      [this](const DramController::Completion& c) { burst_done(size_t(c.tag), c.data_end); });
  tgt.register_nb_transport_fw(this, &Dram::nb_transport_fw);
  tgt.register_b_transport(this, &Dram::b_transport);
  tgt.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
  tgt.register_transport_dbg(this, &Dram::transport_dbg);
}

Dram::~Dram() = default;

void Dram::reset_stats() { stats_.clear(); }

void Dram::reset() {
  if (admitting_ || in_flight_.size() != free_slots_.size())
    SC_REPORT_ERROR(name(), "reset() with nb_transport requests in flight");
  timing_->reset();
  controller_->reset();
  stats_.clear();
  epoch_ = sc_core::sc_time_stamp();  // cycle 0 (and the refresh grid) restart now
}

void Dram::clear_memory() { storage_->clear(); }

sc_core::sc_time Dram::clock_period() const { return sc_core::sc_time(cfg_.tck_ps, sc_core::SC_PS); }

sc_core::sc_time Dram::closed_bank_latency(bool write) const {
  const auto& t = cfg_.timing;
  const int64_t rcd = write && t.tRCD_WR ? t.tRCD_WR : t.tRCD;
  const int64_t latency = write ? int64_t(t.tCWL) : int64_t(t.tCL) + t.tDQSCK;
  const int64_t cycles = int64_t(cfg_.command_bus.activate_cycles) - 1 + rcd + latency + cfg_.burst_cycles();
  return sc_core::sc_time(double(cycles) * cfg_.tck_ps, sc_core::SC_PS);
}

int64_t Dram::to_cycle(const sc_core::sc_time& t) const {
  if (resolution_s_ == 0) resolution_s_ = sc_core::sc_get_time_resolution().to_seconds();
  const double ps = double((t - epoch_).value()) * resolution_s_ * 1e12;
  // Half a picosecond of slack: cycle times that are not whole ps (LPDDR4: 468.75) round-trip exactly.
  return int64_t(std::ceil((ps - 0.5) / cfg_.tck_ps));
}

sc_core::sc_time Dram::to_time(int64_t cycle) const {
  return epoch_ + sc_core::sc_time(double(cycle) * cfg_.tck_ps, sc_core::SC_PS);
}

void Dram::copy(tlm::tlm_generic_payload& trans, uint64_t address, unsigned length) {
  uint8_t* mem = storage_->data() + address;
  uint8_t* data = trans.get_data_ptr();
  const uint8_t* be = trans.get_byte_enable_ptr();
  const unsigned be_len = trans.get_byte_enable_length();
  const bool write = trans.is_write();
  if (!be) {
    if (write)
      std::memcpy(mem, data, length);
    else
      std::memcpy(data, mem, length);
    return;
  }
  for (unsigned i = 0; i < length; ++i) {
    if (be[i % be_len] != TLM_BYTE_ENABLED) continue;
    if (write)
      mem[i] = data[i];
    else
      data[i] = mem[i];
  }
}

bool Dram::admissible(tlm::tlm_generic_payload& trans) const {
  const tlm::tlm_command cmd = trans.get_command();
  const uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();
  if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND && cmd != tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  if (length == 0 || address >= cfg_.size_bytes || length > cfg_.size_bytes - address) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_streaming_width() < length) {  // streaming (FIFO-style) bursts make no sense for memory
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_byte_enable_ptr() && trans.get_byte_enable_length() == 0) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  return true;
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (!admissible(trans)) return;
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();

  copy(trans, address, length);
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  DramBankTiming::BurstObserver observer;
  if (trace_)
    observer = [this, write = trans.is_write()](unsigned channel, int64_t start, int64_t end) {
      trace_->channel_span(channel, write ? "write" : "read", to_time(start), to_time(end));
    };
  const int64_t end =
      timing_->access(trans.is_write(), address, length, to_cycle(arrival), stats_, trace_ ? &observer : nullptr);
  delay = std::max(delay, to_time(end) - sc_core::sc_time_stamp());
  trans.set_dmi_allowed(true);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  if (trans.get_address() >= cfg_.size_bytes) {
    dmi.set_start_address(cfg_.size_bytes);
    dmi.set_end_address(~sc_dt::uint64(0));
    dmi.allow_none();
    return false;
  }
  dmi.set_dmi_ptr(storage_->data());
  dmi.set_start_address(0);
  dmi.set_end_address(cfg_.size_bytes - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(closed_bank_latency(false));
  dmi.set_write_latency(closed_bank_latency(true));
  return true;
}

unsigned int Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
  const uint64_t address = trans.get_address();
  const tlm::tlm_command cmd = trans.get_command();
  if (address >= cfg_.size_bytes || (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND)) {
    trans.set_response_status(address >= cfg_.size_bytes ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                         : tlm::TLM_COMMAND_ERROR_RESPONSE);
    return 0;
  }
  const unsigned n = unsigned(std::min<uint64_t>(trans.get_data_length(), cfg_.size_bytes - address));
  uint8_t* mem = storage_->data() + address;
  if (cmd == tlm::TLM_WRITE_COMMAND)
    std::memcpy(mem, trans.get_data_ptr(), n);
  else
    std::memcpy(trans.get_data_ptr(), mem, n);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return n;
}

}  // namespace energon::hw
