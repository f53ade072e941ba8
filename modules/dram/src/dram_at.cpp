// Dram's approximately-timed path: the TLM-2.0 base protocol (four phases) in front of the
// memory controller core (docs/dram.md "nb_transport"). BEGIN_REQ enters the payload's bursts
// into the bank request buffers; END_REQ once all are in (later when a buffer is full: that is
// the back-pressure); BEGIN_RESP at the cycle after the last data beat; END_RESP from the
// initiator frees the response channel for the next response.
#include <algorithm>
#include <functional>

#include "dram_burst_counter.h"
#include "dram_controller.h"
#include "energon/hw/dram.h"

namespace energon::hw {

tlm::tlm_sync_enum Dram::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                         sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    if (!admissible(trans) || trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
      if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) trans.set_response_status(tlm::TLM_OK_RESPONSE);
      phase = tlm::END_RESP;  // errors and IGNORE complete at once, costing nothing
      return tlm::TLM_COMPLETED;
    }
    if (trans.has_mm()) trans.acquire();
    request_peq_.notify(trans, phase, delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::END_RESP) {
    if (responding_ == kNone || in_flight_[responding_].trans != &trans)
      SC_REPORT_ERROR(name(), "END_RESP for a transaction without an outstanding BEGIN_RESP");
    else
      finish_response();
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR(name(), "nb_transport_fw: phase not allowed from the initiator (base protocol)");
  return tlm::TLM_COMPLETED;
}

// At the request's arrival time (the PEQ applied the initiator's delay).
void Dram::request_arrived(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& /*phase*/) {
  if (admitting_) {
    SC_REPORT_ERROR(name(), "BEGIN_REQ before END_REQ of the previous request (base protocol exclusion rule)");
    return;
  }
  const uint64_t bb = cfg_.burst_bytes();
  const uint64_t address = trans.get_address();
  const uint64_t length = trans.get_data_length();
  const uint64_t first = address - address % bb;
  const uint64_t bursts = (address + length - first + bb - 1) / bb;
  // Data moves when the request is accepted: memory contents follow request order, the
  // controller only decides the timing.
  copy(trans, address, unsigned(length));
  // Bytes are counted per burst; take off the parts of the first and last bursts outside the payload.
  DramChannelStats& st = stats_.channel(map_.decode(address).channel);
  (trans.is_write() ? st.bytes_written : st.bytes_read) -= bursts * bb - length;

  size_t slot = 0;
  if (free_slots_.empty()) {
    slot = in_flight_.size();
    in_flight_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  in_flight_[slot] = InFlight{&trans, to_cycle(sc_core::sc_time_stamp()), bursts, 0};
  admitting_ = &trans;
  admitting_slot_ = slot;
  admitting_left_ = bursts;
  admit_burst_->load(first / bb);
  admit_bursts();
}

// Enters as many bursts of the request in its request phase as the bank buffers take, arriving
// at `cycle`; true when the last one is in.
bool Dram::enter_bursts(int64_t cycle) {
  const bool write = admitting_->is_write();
  while (admitting_left_ > 0 && controller_->try_enqueue(admitting_slot_, write, admit_burst_->at(), cycle)) {
    admit_burst_->step();
    --admitting_left_;
  }
  return admitting_left_ == 0;
}

// Enters the bursts of the request in its request phase that fit now; sends END_REQ when the last
// one is in.
void Dram::admit_bursts() {
  const int64_t cycle = to_cycle(sc_core::sc_time_stamp());
  controller_->run_all(cycle);  // the commands of every bus at cycles < `cycle`
  if (enter_bursts(cycle)) {
    tlm::tlm_generic_payload& trans = *admitting_;
    admitting_ = nullptr;
    ++at_accepted_;
    tlm::tlm_phase phase = tlm::END_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tgt->nb_transport_bw(trans, phase, delay);  // the base protocol allows only TLM_ACCEPTED here
  }
  wake_controller();
}

// Commands issue at cycles < the present one (run() semantics); wake one cycle after the next
// command can issue. Idle buses are not woken for refresh: run() catches up through the refresh
// grid when the next request arrives, so an idle DRAM leaves the event queue empty.
void Dram::wake_controller() {
  const int64_t next = controller_->next_command();
  if (next == DramController::kIdle) return;
  controller_event_.notify(std::max(sc_core::SC_ZERO_TIME, to_time(next + 1) - sc_core::sc_time_stamp()));
}

void Dram::controller_method() {
  if (admitting_) {
    admit_bursts();  // runs the buses, enters the bursts that now fit, wakes
    return;
  }
  controller_->run_all(to_cycle(sc_core::sc_time_stamp()));
  wake_controller();
}

void Dram::burst_done(size_t slot, int64_t data_end) {
  InFlight& f = in_flight_[slot];
  f.end = std::max(f.end, data_end);
  if (--f.bursts_left > 0) return;
  completed_.emplace_back(f.end, slot);
  std::push_heap(completed_.begin(), completed_.end(), std::greater<>());
  respond_event_.notify(std::max(sc_core::SC_ZERO_TIME, to_time(completed_.front().first) - sc_core::sc_time_stamp()));
}

// Moves transactions whose data is complete to the response queue and begins the oldest
// response when the response channel is free.
void Dram::respond_method() {
  const int64_t cycle = to_cycle(sc_core::sc_time_stamp());
  while (!completed_.empty() && completed_.front().first <= cycle) {
    std::pop_heap(completed_.begin(), completed_.end(), std::greater<>());
    responses_.push_back(completed_.back().second);
    completed_.pop_back();
  }
  if (responding_ == kNone && !responses_.empty()) {
    const size_t slot = responses_.front();
    responses_.pop_front();
    send_response(slot);
  }
  if (!completed_.empty())
    respond_event_.notify(
        std::max(sc_core::SC_ZERO_TIME, to_time(completed_.front().first) - sc_core::sc_time_stamp()));
}

void Dram::send_response(size_t slot) {
  InFlight& f = in_flight_[slot];
  tlm::tlm_generic_payload& trans = *f.trans;
  responding_ = slot;
  stats_.record_transaction(f.arrival, f.end);
  trans.set_dmi_allowed(true);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  ++at_responses_;
  const tlm::tlm_sync_enum r = tgt->nb_transport_bw(trans, phase, delay);
  if (r == tlm::TLM_COMPLETED || (r == tlm::TLM_UPDATED && phase == tlm::END_RESP)) finish_response();
}

void Dram::finish_response() {
  InFlight& f = in_flight_[responding_];
  if (f.trans->has_mm()) f.trans->release();
  f.trans = nullptr;
  free_slots_.push_back(responding_);
  responding_ = kNone;
  if (!responses_.empty()) respond_event_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace energon::hw
