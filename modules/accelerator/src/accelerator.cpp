#include "energon/hw/accelerator.h"

#include <string>

namespace energon::hw {

ControllerConfig Accelerator::controller_config(const AccelConfig& c) {
  const std::string err = validate(c);
  if (!err.empty()) throw ConfigError("accelerator: " + err);
  ControllerConfig cc;
  cc.clock_period = sc_core::sc_time(c.period_ps(), sc_core::SC_PS);
  cc.reg_access_cycles = c.reg_access_cycles;
  cc.check_cycles = c.check_cycles;
  return cc;
}

Accelerator::Accelerator(const sc_core::sc_module_name& name, const AccelConfig& config)
    : sc_module(name),
      regs("regs"),
      mem("mem"),
      irq("irq"),
      config_(config),
      controller_("controller", controller_config(config)),
      datapath_("datapath", config),
      bus_("bus_interface", config.max_burst_bytes, config.timing, config.max_outstanding),
      job_tap_("job_tap"),
      datapath_port_("datapath_port") {
  regs.bind(controller_.regs);
  controller_.mem.bind(bus_.ctrl);
  datapath_.mem.bind(bus_.dma);
  bus_.mem.bind(mem);
  controller_.irq.bind(irq);
  job_tap_.bind(*this);
  controller_.datapath.bind(job_tap_);
  datapath_port_.bind(datapath_.job);
}

Accelerator::~Accelerator() = default;

void Accelerator::reset() {
  controller_.reset();
  datapath_.reset();
  bus_.reset();
}

void Accelerator::describe(stats::Group& g) const {
  controller_.describe(g.group("controller", "Registers, descriptor ring, performance counters"));
  datapath_.totals().describe(g.group("datapath", "Fetch unit, filter engine, selector, attention engine"));
  stats::Group& b = g.group("bus_interface", "The one memory initiator");
  b.set("requests", bus_.requests(), "", "Requests from the controller and the datapath");
  b.set("transactions", bus_.transactions(), "", "Transactions issued (after the max_burst_bytes split)");
  b.set("largest_transaction", bus_.largest_transaction(), "bytes", "");
}

JobOutcome Accelerator::run_job(const energon_desc_t& desc) {
  JobRecord r;
  r.desc = desc;
  r.start = sc_core::sc_time_stamp();
  r.outcome = datapath_port_->run_job(desc);
  r.end = sc_core::sc_time_stamp();
  r.datapath = datapath_.stats();
  for (auto& observer : observers_) observer(r);
  return r.outcome;
}

}  // namespace energon::hw
