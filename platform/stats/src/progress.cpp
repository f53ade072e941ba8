#include "energon/stats/progress.h"

#include <unistd.h>

#include <cstdio>

namespace energon::stats {

Progress::Progress(std::string what, uint64_t total, bool enabled, std::chrono::seconds period)
    : what_(std::move(what)),
      total_(total),
      enabled_(enabled && total > 0),
      tty_(::isatty(STDERR_FILENO) == 1),
      period_(period),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::update(uint64_t done, double simulated_s) {
  done_ = done;
  simulated_s_ = simulated_s;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (tty_ || now - last_print_ >= period_) print(false);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  print(true);
}

void Progress::print(bool final_line) {
  last_print_ = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(last_print_ - start_).count();
  char left[32] = "";
  if (!final_line && done_ > 0 && done_ < total_)
    std::snprintf(left, sizeof left, ", ~%.0f s left", wall / double(done_) * double(total_ - done_));
  char simulated[48] = "";
  if (simulated_s_ >= 0) std::snprintf(simulated, sizeof simulated, ", simulated %.3f ms", simulated_s_ * 1e3);
  char line[256];
  std::snprintf(line, sizeof line, "%s: %llu/%llu done%s, wall %.1f s%s", what_.c_str(),
                static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_), simulated, wall, left);
  if (tty_)
    std::fprintf(stderr, "\r%-100s%s", line, final_line ? "\n" : "");
  else
    std::fprintf(stderr, "%s\n", line);
  std::fflush(stderr);
}

}  // namespace energon::stats
