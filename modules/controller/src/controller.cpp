#include "energon/hw/controller.h"

#include "energon/hw/energon_desc_codec.h"
#include "energon/hw/log.h"
#include "register_log.h"

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

namespace energon::hw {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "registers are little-endian; the model copies register words as host memory"
#endif

namespace {

constexpr uint32_t kMaxQueueEntries = ENERGON_QUEUE_MAX_ENTRIES;
constexpr const char* kLog = "controller";

std::string at(const sc_time& t) {
  char b[40];
  std::snprintf(b, sizeof b, "%.3f ns: ", t.to_seconds() * 1e9);
  return b;
}

}  // namespace

Controller::Controller(const sc_core::sc_module_name& name, const ControllerConfig& config)
    : sc_module(name), regs("regs"), mem("mem"), irq("irq"), datapath("datapath"), config_(config) {
  if (config_.clock_period == SC_ZERO_TIME)
    SC_REPORT_ERROR("energon/controller",
                    (std::string(this->name()) + ": ControllerConfig.clock_period must be > 0").c_str());
  regs.register_b_transport(this, &Controller::b_transport);
  regs.register_transport_dbg(this, &Controller::transport_dbg);
  bind_registers();
  reset();
  SC_THREAD(queue_thread);
  SC_METHOD(drive_irq);
  sensitive << irq_event_;
}

// ---- register behaviour, bound per register ----

void Controller::bind_registers() {
  regs_.set_writable(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_SOFT_RESET | ENERGON_CTRL_IRQ_EN);
  regs_.bind_write(ENERGON_REG_CTRL, [this](uint32_t v) { write_ctrl(v); });

  regs_.bind_read(ENERGON_REG_STATUS, [this](uint32_t stored) {
    const bool busy = job_in_flight_ || has_work();
    return stored | (busy ? ENERGON_STATUS_BUSY : 0u);
  });

  const uint32_t causes = ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR;
  regs_.set_writable(ENERGON_REG_IRQ_STATUS, causes);
  regs_.bind_write(ENERGON_REG_IRQ_STATUS, [this](uint32_t) { update_irq(); });
  regs_.set_writable(ENERGON_REG_IRQ_MASK, causes);
  regs_.bind_write(ENERGON_REG_IRQ_MASK, [this](uint32_t) { update_irq(); });

  // Reprogramming the ring re-initialises it: empty, head and tail at entry 0.
  for (energon_reg r : {ENERGON_REG_QUEUE_BASE_LO, ENERGON_REG_QUEUE_BASE_HI, ENERGON_REG_QUEUE_SIZE}) {
    regs_.bind_write(r, [this](uint32_t) {
      regs_[ENERGON_REG_QUEUE_HEAD].value = 0;
      regs_[ENERGON_REG_QUEUE_TAIL].value = 0;
      ++ring_epoch_;
    });
  }
  regs_.bind_write(ENERGON_REG_QUEUE_TAIL, [this](uint32_t) { ring_doorbell(); });

  regs_.set_writable(ENERGON_REG_PERF_CTRL, ENERGON_PERF_CLEAR);
  regs_.bind_write(ENERGON_REG_PERF_CTRL, [this](uint32_t v) {
    if (v & ENERGON_PERF_CLEAR) clear_counters();
    regs_[ENERGON_REG_PERF_CTRL].value = 0;  // action bit, reads as 0
  });

  regs_.bind_read(ENERGON_REG_PERF_CYCLES_LO, [this](uint32_t) { return uint32_t(enabled_cycles()); });
  regs_.bind_read(ENERGON_REG_PERF_CYCLES_HI, [this](uint32_t) { return uint32_t(enabled_cycles() >> 32); });
  bind_counter(ENERGON_REG_PERF_BUSY_CTRL_LO, ENERGON_REG_PERF_BUSY_CTRL_HI, kBusyCtrl);
  bind_counter(ENERGON_REG_PERF_BUSY_FETCH_LO, ENERGON_REG_PERF_BUSY_FETCH_HI, kBusyFetch);
  bind_counter(ENERGON_REG_PERF_BUSY_FILTER_LO, ENERGON_REG_PERF_BUSY_FILTER_HI, kBusyFilter);
  bind_counter(ENERGON_REG_PERF_BUSY_SELECT_LO, ENERGON_REG_PERF_BUSY_SELECT_HI, kBusySelect);
  bind_counter(ENERGON_REG_PERF_BUSY_ATTN_LO, ENERGON_REG_PERF_BUSY_ATTN_HI, kBusyAttn);
  const auto bytes = [](Traffic t) { return kBytesFirst + unsigned(t); };
  bind_counter(ENERGON_REG_PERF_RD_DESC_LO, ENERGON_REG_PERF_RD_DESC_HI, bytes(Traffic::desc_rd));
  bind_counter(ENERGON_REG_PERF_RD_Q_LO, ENERGON_REG_PERF_RD_Q_HI, bytes(Traffic::q));
  bind_counter(ENERGON_REG_PERF_RD_K0_LO, ENERGON_REG_PERF_RD_K0_HI, bytes(Traffic::k0));
  bind_counter(ENERGON_REG_PERF_RD_K1_LO, ENERGON_REG_PERF_RD_K1_HI, bytes(Traffic::k1));
  bind_counter(ENERGON_REG_PERF_RD_K2_LO, ENERGON_REG_PERF_RD_K2_HI, bytes(Traffic::k2));
  bind_counter(ENERGON_REG_PERF_RD_K3_LO, ENERGON_REG_PERF_RD_K3_HI, bytes(Traffic::k3));
  bind_counter(ENERGON_REG_PERF_RD_V_LO, ENERGON_REG_PERF_RD_V_HI, bytes(Traffic::v));
  bind_counter(ENERGON_REG_PERF_RD_SCALE_LO, ENERGON_REG_PERF_RD_SCALE_HI, bytes(Traffic::scale));
  bind_counter(ENERGON_REG_PERF_WR_OUT_LO, ENERGON_REG_PERF_WR_OUT_HI, bytes(Traffic::out));
  bind_counter(ENERGON_REG_PERF_WR_DESC_LO, ENERGON_REG_PERF_WR_DESC_HI, bytes(Traffic::desc_wr));
  bind_counter(ENERGON_REG_PERF_KEYS_ALLOWED_LO, ENERGON_REG_PERF_KEYS_ALLOWED_HI, kKeysAllowed);
  bind_counter(ENERGON_REG_PERF_KEPT_R1_LO, ENERGON_REG_PERF_KEPT_R1_HI, kKeptFirst + 0);
  bind_counter(ENERGON_REG_PERF_KEPT_R2_LO, ENERGON_REG_PERF_KEPT_R2_HI, kKeptFirst + 1);
  bind_counter(ENERGON_REG_PERF_KEPT_R3_LO, ENERGON_REG_PERF_KEPT_R3_HI, kKeptFirst + 2);
  bind_counter(ENERGON_REG_PERF_KEPT_R4_LO, ENERGON_REG_PERF_KEPT_R4_HI, kKeptFirst + 3);
  bind_counter(ENERGON_REG_PERF_KEPT_FINAL_LO, ENERGON_REG_PERF_KEPT_FINAL_HI, kKeptFinal);
}

void Controller::bind_counter(energon_reg lo, energon_reg hi, unsigned counter) {
  regs_.bind_read(lo, [this, counter](uint32_t) { return uint32_t(counters_[counter]); });
  regs_.bind_read(hi, [this, counter](uint32_t) { return uint32_t(counters_[counter] >> 32); });
}

void Controller::write_ctrl(uint32_t written) {
  if (written & ENERGON_CTRL_SOFT_RESET) {
    reset_state();  // the rest of the written value applies after the reset
    regs_[ENERGON_REG_CTRL].value = written & (ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
  }
  const bool on = regs_[ENERGON_REG_CTRL].value & ENERGON_CTRL_ENABLE;
  if (on && !enabled_) {
    enabled_since_ = access_time_;
    work_event_.notify(access_time_ - sc_core::sc_time_stamp());
  } else if (!on && enabled_ && access_time_ > enabled_since_) {
    enabled_time_ += access_time_ - enabled_since_;
  }
  enabled_ = on;
  update_irq();
}

void Controller::ring_doorbell() {
  const uint32_t size = regs_[ENERGON_REG_QUEUE_SIZE].value;
  const uint32_t tail = regs_[ENERGON_REG_QUEUE_TAIL].value;
  uint32_t& status = regs_[ENERGON_REG_STATUS].value;
  if (size == 0 || size > kMaxQueueEntries || tail >= size || ring_base() % ENERGON_RING_ALIGN != 0) {
    status = (status & ~ENERGON_STATUS_ERR_MASK) | ENERGON_STATUS_QUEUE_ERR |
             (uint32_t(ENERGON_ERR_QUEUE) << ENERGON_STATUS_ERR_SHIFT);
    if (log::enabled(kLog, log::Level::warning))
      log::emit(kLog, log::Level::warning,
                at(access_time_) + "doorbell refused: " + describe_error(ENERGON_ERR_QUEUE) + "; QUEUE_SIZE " +
                    std::to_string(size) + ", tail " + std::to_string(tail) + ", ring base " +
                    std::to_string(ring_base()));
    raise(ENERGON_IRQ_ERROR);
    return;
  }
  status &= ~ENERGON_STATUS_QUEUE_ERR;
  if (trace_) trace_->value(TraceValue::queue_tail, tail, access_time_);
  work_event_.notify(access_time_ - sc_core::sc_time_stamp());
}

void Controller::clear_counters() {
  counters_.fill(0);
  enabled_time_ = SC_ZERO_TIME;
  enabled_since_ = access_time_;
}

void Controller::reset() {
  access_time_ = sc_core::sc_time_stamp();
  reset_state();
}

void Controller::reset_state() {
  regs_.reset();
  enabled_ = false;
  clear_counters();
  ++reset_epoch_;
  ++ring_epoch_;
  update_irq();
}

void Controller::raise(uint32_t causes) {
  regs_[ENERGON_REG_IRQ_STATUS].value |= causes;
  update_irq();
}

void Controller::update_irq() {
  // The SC_METHOD drives the port: this may run in an initiator's thread or at elaboration.
  if (sc_core::sc_is_running()) irq_event_.notify(SC_ZERO_TIME);
}

void Controller::drive_irq() {
  const bool pending = (regs_[ENERGON_REG_IRQ_STATUS].value & regs_[ENERGON_REG_IRQ_MASK].value) != 0;
  irq.write(pending && (regs_[ENERGON_REG_CTRL].value & ENERGON_CTRL_IRQ_EN));
}

// ---- register socket ----

void Controller::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  access_time_ = sc_core::sc_time_stamp() + delay;
  delay += config_.reg_access_cycles * config_.clock_period;
  const uint32_t length = trans.get_data_length();
  if (trans.get_byte_enable_ptr()) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (length != 4 || trans.get_streaming_width() < length) {  // registers are 32 bit
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (trans.get_address() % 4 != 0) {  // naturally aligned
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  RegisterFile::Register* reg =
      trans.get_address() < ENERGON_REG_SPACE_BYTES ? regs_.find(uint32_t(trans.get_address())) : nullptr;
  if (!reg) {
    if (log::enabled(kLog, log::Level::warning))
      log::emit(kLog, log::Level::warning,
                at(access_time_) + (trans.is_write() ? "write to" : "read of") + " unmapped offset " +
                    std::to_string(trans.get_address()) + ": address error");
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint32_t word = 0;
  const bool logged = log::enabled(kLog, log::Level::debug);
  if (trans.is_read()) {
    word = regs_.read(*reg);
    std::memcpy(trans.get_data_ptr(), &word, 4);
    if (logged)
      log::emit(kLog, log::Level::debug,
                at(access_time_) + "read  " + describe_register(uint32_t(trans.get_address()), word));
  } else if (trans.is_write()) {
    std::memcpy(&word, trans.get_data_ptr(), 4);
    if (logged)
      log::emit(kLog, log::Level::debug,
                at(access_time_) + "write " + describe_register(uint32_t(trans.get_address()), word));
    regs_.write(*reg, word);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Controller::transport_dbg(tlm::tlm_generic_payload& trans) {
  // Debug reads see the registers without side effects; debug writes are not supported.
  const uint64_t address = trans.get_address();
  const uint32_t length = trans.get_data_length();
  if (!trans.is_read() || address % 4 != 0 || length % 4 != 0 || address + length > ENERGON_REG_SPACE_BYTES ||
      address + length < address) {
    trans.set_response_status(trans.is_read() ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_COMMAND_ERROR_RESPONSE);
    return 0;
  }
  for (uint32_t i = 0; i < length; i += 4)
    if (!regs_.find(uint32_t(address) + i)) {  // an unmapped offset has no value to show
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return 0;
    }
  for (uint32_t i = 0; i < length; i += 4) {
    const uint32_t word = peek(uint32_t(address) + i);
    std::memcpy(trans.get_data_ptr() + i, &word, 4);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return length;
}

uint32_t Controller::peek(uint32_t offset) const {
  const RegisterFile::Register* reg = regs_.find(offset);
  if (!reg) return 0;
  access_time_ = sc_core::sc_time_stamp();
  return regs_.read(*reg);
}

void Controller::describe(stats::Group& g) const {
  g.set("jobs_done", uint64_t(regs_[ENERGON_REG_JOBS_DONE].value), "", "Descriptors completed since reset (JOBS_DONE)");
  g.set("enabled_cycles", enabled_cycles(), "cycles", "Cycles with CTRL.ENABLE set (PERF_CYCLES)");
  g.set("busy_cycles", counters_[kBusyCtrl], "cycles",
        "Descriptor fetch to write-back, summed over jobs (PERF_BUSY_CTRL)");
  g.set("descriptor_bytes_read", counters_[kBytesFirst + unsigned(Traffic::desc_rd)], "bytes", "PERF_RD_DESC");
  g.set("result_bytes_written", counters_[kBytesFirst + unsigned(Traffic::desc_wr)], "bytes", "PERF_WR_DESC");
  g.set("keys_allowed", counters_[kKeysAllowed], "keys", "Keys allowed by the masks (PERF_KEYS_ALLOWED)");
  for (unsigned r = 0; r < 4; ++r)
    g.set("kept_round" + std::to_string(r + 1), counters_[kKeptFirst + r], "keys",
          "PERF_KEPT_R" + std::to_string(r + 1));
  g.set("kept_final", counters_[kKeptFinal], "keys", "Keys the attention engine used (PERF_KEPT_FINAL)");
}

// ---- state helpers ----

bool Controller::has_work() const {
  const uint32_t size = regs_[ENERGON_REG_QUEUE_SIZE].value;
  const uint32_t tail = regs_[ENERGON_REG_QUEUE_TAIL].value;
  return enabled_ && !(regs_[ENERGON_REG_STATUS].value & ENERGON_STATUS_QUEUE_ERR) && size != 0 &&
         size <= kMaxQueueEntries && tail < size && regs_[ENERGON_REG_QUEUE_HEAD].value != tail;
}

uint64_t Controller::cycles(const sc_time& t) const { return t.value() / config_.clock_period.value(); }

uint64_t Controller::enabled_cycles() const {
  sc_time t = enabled_time_;
  if (enabled_ && access_time_ > enabled_since_) t += access_time_ - enabled_since_;
  return cycles(t);
}

uint64_t Controller::ring_base() const {
  return (uint64_t(regs_[ENERGON_REG_QUEUE_BASE_HI].value) << 32) | regs_[ENERGON_REG_QUEUE_BASE_LO].value;
}

// ---- job sequencing ----

void Controller::queue_thread() {
  for (;;) {
    while (!has_work()) wait(work_event_);
    process_entry();
  }
}

bool Controller::mem_access(tlm::tlm_command cmd, uint64_t address, void* data, uint32_t length, sc_time& delay) {
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(address);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  mem->b_transport(trans, delay);
  return trans.is_response_ok();
}

void Controller::process_entry() {
  const uint64_t epoch = reset_epoch_;
  const uint64_t ring = ring_epoch_;
  const uint32_t index = regs_[ENERGON_REG_QUEUE_HEAD].value;
  const uint32_t size = regs_[ENERGON_REG_QUEUE_SIZE].value;
  const uint64_t address = ring_base() + uint64_t(index) * ENERGON_DESC_BYTES;
  const sc_time start = sc_core::sc_time_stamp();
  job_in_flight_ = true;
  if (trace_) {
    trace_->value(TraceValue::job_index, index, start);
    trace_->state(TraceTrack::controller, true, start);
  }

  energon_desc_t desc{};
  uint8_t bytes[ENERGON_DESC_BYTES] = {};
  sc_time delay = SC_ZERO_TIME;
  const bool fetched = mem_access(tlm::TLM_READ_COMMAND, address, bytes, ENERGON_DESC_BYTES, delay);
  energon_desc_decode(bytes, &desc);
  if (log::enabled(kLog, log::Level::debug))
    log::emit(kLog, log::Level::debug,
              at(start) + "descriptor " + std::to_string(index) +
                  (fetched ? ": " + describe_descriptor(desc) : ": fetch failed"));
  wait(delay);
  uint8_t error = ENERGON_ERR_ADDRESS;  // a descriptor the bus refused
  JobOutcome outcome;
  bool written_back = false;
  if (fetched) {
    wait(config_.check_cycles * config_.clock_period);
    error = check_descriptor(desc, ring_base(), uint64_t(size) * ENERGON_DESC_BYTES);
    if (error == ENERGON_ERR_NONE) {
      outcome = datapath->run_job(desc);
      error = outcome.error;
    }
    if (reset_epoch_ == epoch) {
      desc.result_status = ENERGON_RESULT_DONE | (uint32_t(error) << ENERGON_RESULT_ERR_SHIFT);
      desc.reserved1 = 0;
      desc.result_cycles = cycles(sc_core::sc_time_stamp() - start);
      desc.result_allowed = outcome.allowed;
      for (unsigned r = 0; r < 4; ++r) desc.result_kept[r] = outcome.kept[r];
      desc.result_final = outcome.final_kept;
      delay = SC_ZERO_TIME;
      uint8_t result[ENERGON_RESULT_BYTES];
      energon_result_encode(&desc, result);
      written_back =
          mem_access(tlm::TLM_WRITE_COMMAND, address + ENERGON_RESULT_OFFSET, result, ENERGON_RESULT_BYTES, delay);
      wait(delay);
      if (!written_back && error == ENERGON_ERR_NONE) error = ENERGON_ERR_ADDRESS;
    }
  }
  job_in_flight_ = false;
  if (reset_epoch_ != epoch) return;  // reset while the job ran: its result is dropped

  const uint64_t busy = cycles(sc_core::sc_time_stamp() - start);
  counters_[kBusyCtrl] += busy;
  if (trace_) {
    trace_->state(TraceTrack::controller, false, sc_core::sc_time_stamp());
    trace_->span(TraceTrack::controller, error == ENERGON_ERR_NONE ? "job" : "job (error)", start,
                 sc_core::sc_time_stamp(), busy);
  }
  counters_[kBusyFetch] += outcome.busy_fetch;
  counters_[kBusyFilter] += outcome.busy_filter;
  counters_[kBusySelect] += outcome.busy_select;
  counters_[kBusyAttn] += outcome.busy_attn;
  for (unsigned t = 0; t < unsigned(Traffic::count); ++t) counters_[kBytesFirst + t] += outcome.bytes[t];
  if (fetched) counters_[kBytesFirst + unsigned(Traffic::desc_rd)] += ENERGON_DESC_BYTES;
  if (written_back) counters_[kBytesFirst + unsigned(Traffic::desc_wr)] += ENERGON_RESULT_BYTES;
  counters_[kKeysAllowed] += outcome.allowed;
  for (unsigned r = 0; r < 4; ++r) counters_[kKeptFirst + r] += outcome.kept[r];
  counters_[kKeptFinal] += outcome.final_kept;

  ++regs_[ENERGON_REG_JOBS_DONE].value;
  if (ring_epoch_ == ring) regs_[ENERGON_REG_QUEUE_HEAD].value = (index + 1) % size;
  if (trace_) trace_->value(TraceValue::queue_head, regs_[ENERGON_REG_QUEUE_HEAD].value, sc_core::sc_time_stamp());
  if (error != ENERGON_ERR_NONE && log::enabled(kLog, log::Level::warning))
    log::emit(kLog, log::Level::warning,
              at(sc_core::sc_time_stamp()) + "job " + std::to_string(index) + " failed: ERR_" + describe_error(error));
  else if (error == ENERGON_ERR_NONE && log::enabled(kLog, log::Level::info))
    log::emit(kLog, log::Level::info,
              at(sc_core::sc_time_stamp()) + "job " + std::to_string(index) + " done in " +
                  std::to_string(desc.result_cycles) + " cycles (result block), kept " +
                  std::to_string(outcome.final_kept) + " of " + std::to_string(outcome.allowed) + " keys");
  if (error != ENERGON_ERR_NONE) {
    uint32_t& status = regs_[ENERGON_REG_STATUS].value;
    status = (status & ~ENERGON_STATUS_ERR_MASK) | (uint32_t(error) << ENERGON_STATUS_ERR_SHIFT);
    regs_[ENERGON_REG_ERR_DESC].value = index;
    raise(ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
  } else {
    raise(ENERGON_IRQ_DONE);
  }
}

}  // namespace energon::hw
