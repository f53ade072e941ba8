// What the blocks did, as time spans and values, for waveforms and timelines (docs/debugging.md).
// A block holds an ActivityTrace* that is null unless tracing is on: one branch when it is off.
// Times may lie ahead of sc_time_stamp() under temporal decoupling; receivers order them.
#pragma once

#include <systemc>

#include <cstdint>

namespace energon::hw {

/// One track (timeline row, VCD busy signal) per block.
enum class TraceTrack : uint8_t { controller, fetch, filter_engine, selector, attention_engine, dram, host, count };
const char* to_string(TraceTrack t);

/// Values that change over a run (VCD integer signals, timeline counters).
enum class TraceValue : uint8_t { queue_head, queue_tail, job_index, row_buffer_fill, count };
const char* to_string(TraceValue v);

class ActivityTrace {
 public:
  virtual ~ActivityTrace() = default;
  /// The block was busy with `name` over [start, end); `cycles` is what it added to its busy
  /// counter (PERF_BUSY_*) for it, 0 for spans that are not counted (DRAM bursts, host waits).
  virtual void span(TraceTrack track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
                    uint64_t cycles) = 0;
  /// `what` became `value` at `at`.
  virtual void value(TraceValue what, uint64_t value, const sc_core::sc_time& at) = 0;
  /// The block became busy (or idle) at `at`, for spans only known when they end (a job, a wait):
  /// waveforms follow these as they happen; the span() reported at the end is for timelines.
  virtual void state(TraceTrack track, bool busy, const sc_core::sc_time& at) { (void)track, (void)busy, (void)at; }
  /// DRAM channel `channel`'s data bus carried a burst over [start, end) (track dram, one lane
  /// per channel).
  virtual void channel_span(unsigned channel, const char* name, const sc_core::sc_time& start,
                            const sc_core::sc_time& end) {
    (void)channel, (void)name, (void)start, (void)end;
  }
};

}  // namespace energon::hw

namespace energon::hw {

/// Records a busy span of `length` starting at the caller's local time (sc_time_stamp() + delay).
inline void trace_busy(ActivityTrace* trace, TraceTrack track, const char* name, const sc_core::sc_time& delay,
                       const sc_core::sc_time& length, uint64_t cycles) {
  if (!trace) return;
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  trace->span(track, name, start, start + length, cycles);
}

}  // namespace energon::hw
