// --vcd and --timeline of one energon-vp process (a workload run or --serve): the receivers,
// attached to the platform before sc_start, and the timeline written after it.
#pragma once

#include <memory>
#include <string>

#include "energon/debug/timeline_trace.h"
#include "energon/debug/trace_fanout.h"
#include "energon/debug/vcd_trace.h"
#include "energon/platform/platform.h"

namespace energon::vp {

class RunTracing {
 public:
  /// Creates the VCD (during elaboration) and the timeline when their paths are set.
  RunTracing(platform::Platform& top, const std::string& vcd, const std::string& timeline);
  /// Writes the timeline; "" on success, else what failed (naming --timeline and the file).
  std::string finish(const std::string& metadata_json);

 private:
  debug::TraceFanout fanout_;
  std::unique_ptr<debug::VcdTrace> vcd_;
  std::unique_ptr<debug::TimelineTrace> timeline_;
  std::string timeline_path_;
};

}  // namespace energon::vp
