// Timing helpers shared by the datapath blocks: cycles → time on the accelerator clock, and the
// per-mode rule for consuming an annotated delay (accurate mode waits at once, lt keeps it).
#pragma once

#include <cmath>

#include <systemc>

#include <cstdint>

#include "energon/hw/accel_config.h"

namespace energon::hw {

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

class BlockClock {
 public:
  explicit BlockClock(const AccelConfig& c) : period_(c.period_ps(), sc_core::SC_PS), mode_(c.timing) {}
  sc_core::sc_time cycles(uint64_t n) const { return period_ * double(n); }
  uint64_t to_cycles(const sc_core::sc_time& t) const { return uint64_t(std::llround(t / period_)); }
  const sc_core::sc_time& period() const { return period_; }
  /// Adds `n` busy cycles to the annotated delay; in accurate mode waits them out now.
  void spend(uint64_t n, sc_core::sc_time& delay) const {
    delay += cycles(n);
    if (mode_ == TimingMode::accurate) {
      sc_core::wait(delay);
      delay = sc_core::SC_ZERO_TIME;
    }
  }
  /// Local time of the calling thread: now plus its annotated offset.
  static sc_core::sc_time local(const sc_core::sc_time& delay) { return sc_core::sc_time_stamp() + delay; }

 private:
  sc_core::sc_time period_;
  TimingMode mode_;
};

}  // namespace energon::hw
