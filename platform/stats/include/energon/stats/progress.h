// The progress line of long commands on stderr: steps done of all, simulated time, wall time and
// an estimate of the time left. On a terminal one line is redrawn in place; otherwise a plain line
// is printed at most every `period` of wall time and at the end. Never on stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace energon::stats {

class Progress {
 public:
  /// `enabled` false (--quiet) prints nothing.
  Progress(std::string what, uint64_t total, bool enabled, std::chrono::seconds period = std::chrono::seconds(10));
  /// `done` of the total finished at `simulated_s` seconds of simulated time (< 0: not a simulation).
  void update(uint64_t done, double simulated_s);
  /// The final line (and the newline after a terminal's redrawn line).
  void finish();

 private:
  void print(bool final_line);

  std::string what_;
  uint64_t total_, done_ = 0;
  double simulated_s_ = -1;
  bool enabled_, tty_, finished_ = false;
  std::chrono::seconds period_;
  std::chrono::steady_clock::time_point start_, last_print_;
};

}  // namespace energon::stats
