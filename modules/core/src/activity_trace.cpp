#include "energon/hw/activity_trace.h"

namespace energon::hw {

const char* to_string(TraceTrack t) {
  static const char* const names[] = {"controller",       "fetch", "filter_engine", "selector",
                                      "attention_engine", "dram",  "host"};
  return t < TraceTrack::count ? names[size_t(t)] : "?";
}

const char* to_string(TraceValue v) {
  static const char* const names[] = {"queue_head", "queue_tail", "job_index", "row_buffer_fill"};
  return v < TraceValue::count ? names[size_t(v)] : "?";
}

}  // namespace energon::hw
