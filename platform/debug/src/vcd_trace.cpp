#include "energon/debug/vcd_trace.h"

namespace energon::debug {

VcdTrace::VcdTrace(const sc_core::sc_module_name& name, const std::string& file, const sc_core::sc_signal<bool>& irq)
    : sc_module(name) {
  std::string base = file;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) base.resize(base.size() - 4);
  file_ = sc_core::sc_create_vcd_trace_file(base.c_str());
  if (!file_) throw std::runtime_error("--vcd: cannot create " + base + ".vcd");
  file_->set_time_unit(1, sc_core::SC_PS);
  sc_core::sc_trace(file_, irq, "irq");
  for (int t = 0; t < kTracks; ++t)
    sc_core::sc_trace(file_, busy_[size_t(t)], std::string(to_string(hw::TraceTrack(t))) + "_busy");
  for (int v = 0; v < kValues; ++v) sc_core::sc_trace(file_, values_[size_t(v)], to_string(hw::TraceValue(v)));
  SC_HAS_PROCESS(VcdTrace);
  SC_THREAD(replay);
}

VcdTrace::~VcdTrace() { sc_core::sc_close_vcd_trace_file(file_); }

void VcdTrace::push(const sc_core::sc_time& at, int kind, int64_t value) {
  queue_.push({std::max(at, sc_core::sc_time_stamp()), seq_++, kind, value});
  added_.notify(sc_core::SC_ZERO_TIME);
}

void VcdTrace::span(hw::TraceTrack track, const char*, const sc_core::sc_time& start, const sc_core::sc_time& end,
                    uint64_t) {
  // A span that began in the past was shown as it happened, through state().
  if (end <= start || start < sc_core::sc_time_stamp()) return;
  push(start, int(track), +1);
  push(end, int(track), -1);
}

void VcdTrace::state(hw::TraceTrack track, bool busy, const sc_core::sc_time& at) {
  push(at, int(track), busy ? +1 : -1);
}

void VcdTrace::value(hw::TraceValue what, uint64_t value, const sc_core::sc_time& at) {
  push(at, kTracks + int(what), int64_t(value));
}

void VcdTrace::replay() {
  for (;;) {
    if (queue_.empty()) {
      wait(added_);
      continue;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (queue_.top().at > now) {
      wait(queue_.top().at - now, added_);  // an earlier event may still arrive
      continue;
    }
    while (!queue_.empty() && queue_.top().at <= now) {
      const Event e = queue_.top();
      queue_.pop();
      if (e.kind < kTracks) {
        depth_[size_t(e.kind)] += e.value;
        busy_[size_t(e.kind)].write(depth_[size_t(e.kind)] > 0);
      } else {
        values_[size_t(e.kind - kTracks)].write(uint32_t(e.value));
      }
    }
  }
}

}  // namespace energon::debug
