// Hands every span and value to several receivers (e.g. the VCD and the timeline at once).
#pragma once

#include <vector>

#include "energon/hw/activity_trace.h"

namespace energon::debug {

class TraceFanout : public hw::ActivityTrace {
 public:
  void add(hw::ActivityTrace* sink) { sinks_.push_back(sink); }
  bool empty() const { return sinks_.empty(); }
  void span(hw::TraceTrack track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
            uint64_t cycles) override {
    for (auto* s : sinks_) s->span(track, name, start, end, cycles);
  }
  void value(hw::TraceValue what, uint64_t value, const sc_core::sc_time& at) override {
    for (auto* s : sinks_) s->value(what, value, at);
  }
  void state(hw::TraceTrack track, bool busy, const sc_core::sc_time& at) override {
    for (auto* s : sinks_) s->state(track, busy, at);
  }
  void channel_span(unsigned channel, const char* name, const sc_core::sc_time& start,
                    const sc_core::sc_time& end) override {
    for (auto* s : sinks_) s->channel_span(channel, name, start, end);
  }

 private:
  std::vector<hw::ActivityTrace*> sinks_;
};

}  // namespace energon::debug
