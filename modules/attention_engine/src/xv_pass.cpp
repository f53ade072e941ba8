// The attention engine's ×V pass of a finished row or tile (docs/attention-engine.md "Cycle
// model", "Approximately timed"): fed when the softmax is done, the ×V unit free and the V rows
// in. In loosely-timed mode the V stream's completion time comes back with its delay and the pass
// is timed at once. In accurate mode the V stream is posted (FetchCompletion): the engine goes on
// with the next row's Q·K and times this pass once the V rows are in, as the hardware's ×V unit
// would start on them while its Q·K unit works ahead.
#include <stdexcept>

#include "energon/hw/attention_engine.h"

namespace energon::hw {

AttentionEngine::XvPass& AttentionEngine::begin_xv(AttendJob* const* rows, size_t n, const sc_core::sc_time& ready) {
  if (xv_count_ >= 2) throw std::logic_error("AttentionEngine: a ×V pass started with two pending");
  XvPass& pass = xv_[(xv_head_ + xv_count_) % 2];
  pass.rows.assign(rows, rows + n);  // keeps its capacity: no allocation per row
  pass.started = rows[0]->started;
  pass.ready = ready;
  pass.slot = open_slot_;
  pass.v.pending = 0;
  pass.v.done = sc_core::SC_ZERO_TIME;
  return pass;
}

FetchCompletion* AttentionEngine::v_completion(XvPass& pass) {
  return config_.timing == TimingMode::accurate ? &pass.v : nullptr;
}

void AttentionEngine::end_xv(XvPass& pass) {
  if (pass.v.pending == 0) {
    run_xv(pass, pass.v_ready);
    return;
  }
  ++xv_count_;
  slots_[pass.slot].release = sc_core::sc_max_time();  // held until the pass is timed
}

void AttentionEngine::complete_oldest(sc_core::sc_time& delay) {
  XvPass& pass = xv_[xv_head_];
  const sc_core::sc_time local = BlockClock::local(delay);
  const sc_core::sc_time v_in = pass.v.wait();  // this thread waits only if they are not in yet
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  delay = local > now ? local - now : sc_core::SC_ZERO_TIME;
  xv_head_ = (xv_head_ + 1) % 2;
  --xv_count_;
  run_xv(pass, std::max(pass.v_ready, v_in));
}

bool AttentionEngine::complete(sc_core::sc_time& delay) {
  if (xv_count_ == 0) return false;
  while (xv_count_ > 0) complete_oldest(delay);
  return true;
}

void AttentionEngine::run_xv(XvPass& pass, const sc_core::sc_time& v_in) {
  const sc_core::sc_time fed = std::max(pass.xv_start, v_in);
  stats_.v_wait_cycles += clock_.to_cycles(fed - pass.xv_start);
  pass.rows.front()->memory_cycles += clock_.to_cycles(fed - pass.xv_start);
  xv_free_ = fed + clock_.cycles(pass.cycles);
  stats_.xv_busy_cycles += pass.cycles;
  if (trace_ && pass.cycles > 0) trace_->span(TraceTrack::attention_engine, "softmax, xV", fed, xv_free_, pass.cycles);
  const sc_core::sc_time done = xv_free_ + clock_.cycles(config_.au_latency);
  leave(pass.slot, pass.started, done);
  for (AttendJob* r : pass.rows) r->done = done;
  pass.rows.front()->compute_cycles += clock_.to_cycles(done - pass.ready);
}

}  // namespace energon::hw
