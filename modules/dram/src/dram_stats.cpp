#include "energon/hw/dram_stats.h"

#include <algorithm>

namespace energon::hw {

DramStats::DramStats(unsigned channels, double tck_ps, double peak_bandwidth_gbps)
    : channels_(channels), tck_ps_(tck_ps), peak_gbps_(peak_bandwidth_gbps) {}

DramChannelStats DramStats::total() const {
  DramChannelStats t;
  for (const auto& c : channels_) {
    t.bytes_read += c.bytes_read;
    t.bytes_written += c.bytes_written;
    t.reads += c.reads;
    t.writes += c.writes;
    t.row_hits += c.row_hits;
    t.row_empty += c.row_empty;
    t.row_conflicts += c.row_conflicts;
    t.activates += c.activates;
    t.refreshes += c.refreshes;
    t.busy_cycles += c.busy_cycles;
    t.reordered += c.reordered;
    t.refreshes_postponed += c.refreshes_postponed;
  }
  return t;
}

double DramStats::row_hit_rate() const {
  const auto t = total();
  const uint64_t n = t.row_hits + t.row_misses();
  return n ? double(t.row_hits) / double(n) : 0.0;
}

double DramStats::busy_time_ns() const { return double(total().busy_cycles) * tck_ps_ / 1000.0; }

double DramStats::active_time_ns() const {
  return transactions_ ? double(last_cycle_ - first_cycle_) * tck_ps_ / 1000.0 : 0.0;
}

double DramStats::achieved_bandwidth_gbps() const {
  const double ns = active_time_ns();
  const auto t = total();
  return ns > 0 ? double(t.bytes_read + t.bytes_written) / ns : 0.0;  // bytes/ns == GB/s
}

void DramStats::record_transaction(int64_t arrival_cycle, int64_t end_cycle) {
  if (transactions_ == 0) {
    first_cycle_ = arrival_cycle;
    last_cycle_ = end_cycle;
  } else {
    first_cycle_ = std::min(first_cycle_, arrival_cycle);
    last_cycle_ = std::max(last_cycle_, end_cycle);
  }
  ++transactions_;
}

void DramStats::clear() {
  for (auto& c : channels_) c = DramChannelStats{};
  transactions_ = 0;
  first_cycle_ = last_cycle_ = 0;
}

}  // namespace energon::hw
