// DRAM statistics: per-channel counters and the totals derived from them.
#pragma once

#include <cstdint>
#include <vector>

namespace energon::hw {

/// Counters of one channel. Reads/writes count bursts; bytes count payload bytes.
struct DramChannelStats {
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t reads = 0;          ///< read bursts
  uint64_t writes = 0;         ///< write bursts
  uint64_t row_hits = 0;       ///< bursts to the open row
  uint64_t row_empty = 0;      ///< bursts to a precharged bank (ACT only)
  uint64_t row_conflicts = 0;  ///< bursts to a bank with another row open (PRE + ACT)
  uint64_t activates = 0;
  uint64_t refreshes = 0;            ///< all-bank refreshes, counted up to the last access
  uint64_t busy_cycles = 0;          ///< cycles the data bus carried data
  uint64_t reordered = 0;            ///< controller: bursts served before an older request of their bank
  uint64_t refreshes_postponed = 0;  ///< controller: refreshes postponed while requests were pending

  uint64_t row_misses() const { return row_empty + row_conflicts; }
};

/// Statistics of a Dram since construction or the last reset_stats().
class DramStats {
 public:
  DramStats() = default;
  DramStats(unsigned channels, double tck_ps, double peak_bandwidth_gbps);

  const std::vector<DramChannelStats>& channels() const { return channels_; }
  DramChannelStats& channel(unsigned c) { return channels_.at(c); }
  const DramChannelStats& channel(unsigned c) const { return channels_.at(c); }

  /// Sum over channels.
  DramChannelStats total() const;
  uint64_t bytes_read() const { return total().bytes_read; }
  uint64_t bytes_written() const { return total().bytes_written; }
  uint64_t reads() const { return total().reads; }
  uint64_t writes() const { return total().writes; }
  uint64_t row_hits() const { return total().row_hits; }
  uint64_t row_misses() const { return total().row_misses(); }
  uint64_t row_empty() const { return total().row_empty; }
  uint64_t row_conflicts() const { return total().row_conflicts; }
  uint64_t refreshes() const { return total().refreshes; }
  uint64_t activates() const { return total().activates; }
  uint64_t transactions() const { return transactions_; }
  /// row_hits / (row_hits + row_misses); 0 without accesses.
  double row_hit_rate() const;

  /// Data-bus busy time summed over channels, in ns.
  double busy_time_ns() const;
  /// From the first request's arrival to the last data beat, in ns.
  double active_time_ns() const;
  /// (bytes read + written) / active time, in GB/s.
  double achieved_bandwidth_gbps() const;
  double peak_bandwidth_gbps() const { return peak_gbps_; }

  /// Called by the model for every timed transaction.
  void record_transaction(int64_t arrival_cycle, int64_t end_cycle);
  void clear();

 private:
  std::vector<DramChannelStats> channels_;
  double tck_ps_ = 0;
  double peak_gbps_ = 0;
  uint64_t transactions_ = 0;
  int64_t first_cycle_ = 0;
  int64_t last_cycle_ = 0;
};

}  // namespace energon::hw
