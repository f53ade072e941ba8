#include "energon/platform/job_monitor.h"

namespace energon::platform {

JobMonitor::JobMonitor(const sc_core::sc_module_name& name, const hw::Datapath& datapath)
    : sc_module(name), in("in"), out("out"), datapath_(datapath) {
  in.bind(*this);
}

hw::JobOutcome JobMonitor::run_job(const energon_desc_t& desc) {
  JobRecord r;
  r.desc = desc;
  r.start = sc_core::sc_time_stamp();
  r.outcome = out->run_job(desc);
  r.end = sc_core::sc_time_stamp();
  r.datapath = datapath_.stats();
  records_.push_back(r);
  return r.outcome;
}

}  // namespace energon::platform
