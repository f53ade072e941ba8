// --vcd FILE: the blocks' activity as sc_trace signals in a VCD (GTKWave opens it): the interrupt
// line, one busy/idle signal per block, the controller's queue head and tail, the FU→AU row-buffer
// fill and the current job index. Spans and values arrive with their local times (which may lie
// ahead of the kernel's under temporal decoupling); a replay thread writes each signal at its time.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "energon/hw/activity_trace.h"

namespace energon::debug {

class VcdTrace : public sc_core::sc_module, public hw::ActivityTrace {
 public:
  /// Creates FILE.vcd's trace file (SystemC appends ".vcd" unless FILE ends in it) and traces
  /// `irq` with the activity signals. Call during elaboration.
  VcdTrace(const sc_core::sc_module_name& name, const std::string& file, const sc_core::sc_signal<bool>& irq);
  ~VcdTrace() override;
  VcdTrace(const VcdTrace&) = delete;
  VcdTrace& operator=(const VcdTrace&) = delete;

  void span(hw::TraceTrack track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
            uint64_t cycles) override;
  void value(hw::TraceValue what, uint64_t value, const sc_core::sc_time& at) override;
  void state(hw::TraceTrack track, bool busy, const sc_core::sc_time& at) override;
  /// dram_busy: any channel's data bus busy.
  void channel_span(unsigned channel, const char* name, const sc_core::sc_time& start,
                    const sc_core::sc_time& end) override {
    span(hw::TraceTrack::dram, name, start, end, (void(channel), 0));
  }

 private:
  struct Event {
    sc_core::sc_time at;
    uint64_t seq;
    int kind;       // 0..tracks-1: busy depth change; tracks..: a value
    int64_t value;  // +1 / -1 for busy, the value otherwise
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void push(const sc_core::sc_time& at, int kind, int64_t value);
  void replay();

  static constexpr int kTracks = int(hw::TraceTrack::count);
  static constexpr int kValues = int(hw::TraceValue::count);
  sc_core::sc_trace_file* file_;
  std::array<sc_core::sc_signal<bool>, kTracks> busy_;
  std::array<sc_core::sc_signal<uint32_t>, kValues> values_;
  std::array<int64_t, kTracks> depth_{};
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
  sc_core::sc_event added_;
  uint64_t seq_ = 0;
};

}  // namespace energon::debug
