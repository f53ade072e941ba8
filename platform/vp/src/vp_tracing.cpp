#include "vp_tracing.h"

#include <fstream>

namespace energon::vp {

RunTracing::RunTracing(platform::Platform& top, const std::string& vcd, const std::string& timeline)
    : timeline_path_(timeline) {
  if (!vcd.empty()) {
    sc_core::sc_report_handler::set_actions("tracing timescale unit set", sc_core::SC_DO_NOTHING);
    vcd_ = std::make_unique<debug::VcdTrace>("vcd", vcd, top.irq);
    fanout_.add(vcd_.get());
  }
  if (!timeline.empty()) {
    timeline_ = std::make_unique<debug::TimelineTrace>();
    fanout_.add(timeline_.get());
  }
  if (!fanout_.empty()) top.set_trace(&fanout_);
}

std::string RunTracing::finish(const std::string& metadata_json) {
  if (!timeline_) return "";
  std::ofstream out(timeline_path_);
  timeline_->write(out, metadata_json);
  return out ? "" : "--timeline: cannot write " + timeline_path_;
}

}  // namespace energon::vp
