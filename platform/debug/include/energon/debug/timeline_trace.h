// --timeline FILE: the blocks' activity in Chrome/Perfetto trace-event JSON, one track per block
// (controller jobs, fetch DRAM accesses, filter engine rounds, selector passes, attention engine
// phases, DRAM transactions, host work and interrupt waits) with the busy cycles as arguments.
// Aggregation: a span that starts no later than the end of the previous span of the same track
// and name extends it (cycles and span count add up), so back-to-back rows become row batches
// and streams of DRAM bursts one span; past kMaxEvents stored spans every further span joins
// the last one of its track. Values (queue head/tail, job index, row-buffer fill) are counters.
#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "energon/hw/activity_trace.h"

namespace energon::debug {

class TimelineTrace : public hw::ActivityTrace {
 public:
  static constexpr size_t kMaxEvents = 400000;  ///< ~50 MB of JSON

  struct Span {
    const char* name;
    sc_core::sc_time start, end;
    uint64_t cycles = 0, count = 1;
  };

  void span(hw::TraceTrack track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
            uint64_t cycles) override;
  void value(hw::TraceValue what, uint64_t value, const sc_core::sc_time& at) override;
  void channel_span(unsigned channel, const char* name, const sc_core::sc_time& start,
                    const sc_core::sc_time& end) override;

  /// The trace-event JSON; `metadata` (a JSON object's text) goes into "otherData".
  void write(std::ostream& os, const std::string& metadata = "{}") const;
  const std::vector<Span>& spans(hw::TraceTrack t) const { return spans_[size_t(t)]; }
  /// Sum of the `cycles` of a track's spans (= its PERF_BUSY_* counter).
  uint64_t busy_cycles(hw::TraceTrack t) const;
  bool coarsened() const { return coarsened_; }

 private:
  struct Sample {
    sc_core::sc_time at;
    uint64_t value;
  };
  void add(std::vector<Span>& v, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
           uint64_t cycles);
  std::array<std::vector<Span>, size_t(hw::TraceTrack::count)> spans_;
  std::vector<std::vector<Span>> channels_;  ///< DRAM data-bus bursts per channel
  std::array<std::vector<Sample>, size_t(hw::TraceValue::count)> values_;
  size_t stored_ = 0;
  bool coarsened_ = false;
};

}  // namespace energon::debug
