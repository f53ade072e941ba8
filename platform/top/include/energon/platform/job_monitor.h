// Transparent tap on the controller → datapath job port: forwards every job unchanged and
// logs its outcome with the datapath's per-job figures, so the report can sum pipeline
// statistics over many layers. Adds no simulated time.
#pragma once

#include <systemc>

#include <functional>
#include <vector>

#include "energon/hw/datapath.h"
#include "energon/hw/job_if.h"

namespace energon::platform {

struct JobRecord {
  energon_desc_t desc;
  hw::JobOutcome outcome;
  hw::DatapathStats datapath;  ///< the datapath's figures right after this job
  sc_core::sc_time start, end;
};

class JobMonitor : public sc_core::sc_module, public hw::accel_job_if {
 public:
  sc_core::sc_export<hw::accel_job_if> in;  ///< bind the controller's datapath port here
  sc_core::sc_port<hw::accel_job_if> out;   ///< bind to the datapath's job export

  JobMonitor(const sc_core::sc_module_name& name, const hw::Datapath& datapath);
  hw::JobOutcome run_job(const energon_desc_t& desc) override;
  const std::vector<JobRecord>& records() const { return records_; }
  void reset() { records_.clear(); }

 private:
  const hw::Datapath& datapath_;
  std::vector<JobRecord> records_;
};

}  // namespace energon::platform
