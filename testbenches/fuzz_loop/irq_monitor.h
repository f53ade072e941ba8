// Counts rising edges of the platform's interrupt line: a job "raised the interrupt" only if the
// line itself went high, whatever the driver read from IRQ_STATUS.
#pragma once

#include <systemc>

#include <cstdint>

namespace energon::fuzz {

class IrqMonitor : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> irq;
  uint64_t rises = 0;

  SC_HAS_PROCESS(IrqMonitor);
  explicit IrqMonitor(const sc_core::sc_module_name& name) : sc_module(name), irq("irq") {
    SC_METHOD(on_rise);
    sensitive << irq.pos();
    dont_initialize();
  }

 private:
  void on_rise() { ++rises; }
};

}  // namespace energon::fuzz
