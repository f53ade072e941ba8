// Stand-in datapath for traces that test the controller alone: completes every job it is
// given after a fixed latency, touching no memory and reporting no traffic. Traces that need
// attention results run with the real datapath (energon-trace --datapath real).
#pragma once

#include <systemc>

#include "energon/hw/job_if.h"

namespace energon::trace {

class StubDatapath : public sc_core::sc_module, public hw::accel_job_if {
 public:
  StubDatapath(const sc_core::sc_module_name& name, sc_core::sc_time latency) : sc_module(name), latency_(latency) {}
  StubDatapath(const StubDatapath&) = delete;
  StubDatapath& operator=(const StubDatapath&) = delete;

  hw::JobOutcome run_job(const energon_desc_t&) override {
    wait(latency_);
    ++jobs;
    return {};
  }
  void reset() { jobs = 0; }

  unsigned jobs = 0;

 private:
  sc_core::sc_time latency_;
};

}  // namespace energon::trace
