// Analytic DRAM timing: per-bank/rank/channel state in clock cycles, no events.
// Every burst is scheduled in arrival order (FCFS, open page) the moment its transaction arrives.
// tCL here is the read latency RL + tDQSCK; multi-cycle commands take effect on their last cycle.
// The schedule is the per-burst model of docs/dram.md; how it is computed fast ("Fast path") and
// why that is exact is explained there and next to the code.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "dram_burst_counter.h"
#include "energon/hw/dram_address_map.h"
#include "energon/hw/dram_config.h"
#include "energon/hw/dram_stats.h"

namespace energon::hw {

class DramBankTiming {
 public:
  explicit DramBankTiming(const DramConfig& config);

  /// Schedules every burst of [address, address+length) arriving at cycle `arrival`;
  /// returns the cycle after the last data beat. Updates `stats`.
  /// Per burst: channel, first and last data cycle (for traces; called only when set).
  using BurstObserver = std::function<void(unsigned channel, int64_t data_start, int64_t data_end)>;
  int64_t access(bool write, uint64_t address, uint64_t length, int64_t arrival, DramStats& stats,
                 const BurstObserver* observer = nullptr);

  /// All banks precharged, all timing history forgotten, refresh grid restarted at 0.
  void reset();

  /// Bursts scheduled by whole steady-state rounds rather than one by one (for the tests).
  uint64_t bursts_in_closed_form() const { return closed_form_bursts_; }

 private:
  static constexpr int64_t kNever = -(int64_t(1) << 40);
  /// Longest interleave round the steady-state shortcut records (HBM2: 16 channels × 4 groups).
  static constexpr unsigned kMaxRound = 64;

  struct Bank {
    int64_t open_row = -1;
    int64_t next_act = 0;  ///< earliest ACT (tRC, tRP after PRE, refresh end)
    int64_t next_pre = 0;  ///< earliest PRE (tRAS, tRTP, tWR)
    int64_t next_col = 0;  ///< earliest RD (tRCD)
    int64_t next_wr = 0;   ///< earliest WR (tRCD_WR)
  };
  struct BankGroup {
    int64_t last_act = kNever;
    int64_t last_col = kNever;
    int64_t last_write_end = kNever;
  };
  struct Rank {
    std::array<int64_t, 4> last_four_acts{};  ///< ring for tFAW; slot `act_slot` holds the oldest
    unsigned act_slot = 0;
    int64_t last_act = kNever;
    int64_t last_col = kNever;
    int64_t last_write_end = kNever;
    int64_t next_refresh = 0;
  };
  struct Channel {
    int64_t bus_free = 0;  ///< first cycle the data bus is free
    int last_rank = -1;    ///< rank_index of the last burst (−1: none yet)
    bool last_was_write = false;
    int64_t last_col = kNever;  ///< in-order issue: no column command before the previous one
  };
  /// The timing parameters as 64-bit cycles (the arithmetic of the per-burst model). schedule()
  /// works on a local copy: the compiler then knows the counter updates do not change it.
  struct Params {
    int64_t tRCD, tRP, tCL, tCWL, tRAS, tRC, tCCD_S, tCCD_L, tRRD_S, tRRD_L, tFAW, tWR, tWTR_S, tWTR_L, tRTP, tRTRS;
    int64_t tRCD_WR, tRPab;
    int64_t act_tail, pre_tail, col_tail;  ///< cycles of a multi-cycle ACT, PRE, RD/WR after its first
    int64_t burst;                         ///< data cycles of one burst
    uint64_t burst_bytes;                  ///< bytes of one burst
    bool refresh;                          ///< refresh enabled
  };
  /// The round being recorded and the one before, for the steady-state shortcut. Kept from one
  /// transaction to the next while they continue one burst sequence.
  struct RoundLog {
    std::array<DramBurstPosition, kMaxRound> at{};
    std::array<std::array<int64_t, kMaxRound>, 2> col{};  ///< column command per burst, two rounds
    unsigned current = 0;     ///< col[current] is being filled, col[current ^ 1] holds the round before
    unsigned filled = 0;      ///< bursts of the current round so far
    unsigned complete = 0;    ///< whole rounds recorded back to back in this row
    bool recording = false;   ///< a round start has been seen: `filled` counts from it
    bool clean = true;        ///< every column command so far in the round was set by earlier bursts
    bool last_clean = false;  ///< `clean` of the last whole round
    bool write = false;       ///< direction, arrival and next burst index of the last transaction
    int64_t arrival = 0;
    uint64_t next_burst = ~uint64_t(0);
  };

  template <bool kWrite, bool kObserved>
  int64_t schedule(uint64_t bursts, int64_t arrival, DramChannelStats* stats, const BurstObserver* observer,
                   uint32_t& last_channel);
  template <bool kWrite>
  int64_t issue(const Params& t, const DramBurstPosition& at, int64_t arrival, DramChannelStats& st, int64_t& floor);
  template <bool kWrite>
  void commit(const Params& t, const DramBurstPosition& at, int64_t col, DramChannelStats& st, uint64_t bursts);
  void activate(const DramBurstPosition& at, int64_t arrival, DramChannelStats& st);
  template <bool kWrite>
  uint64_t try_steady_rounds(uint64_t bursts_left, int64_t& end, DramChannelStats* stats, uint32_t& last_channel);
  template <bool kWrite>
  uint64_t skip_steady_rounds(uint64_t bursts_left, int64_t& end, DramChannelStats* stats);
  void refresh_until(uint32_t rank_index, int64_t now, DramChannelStats& st);
  void refresh(uint32_t rank_index, int64_t due);

  const DramConfig& cfg_;
  Params t_;
  DramBurstCounter counter_;
  std::vector<Channel> channels_;
  std::vector<Rank> ranks_;        ///< channel-major
  std::vector<BankGroup> groups_;  ///< rank-major
  std::vector<Bank> banks_;        ///< bank-group-major
  RoundLog log_;
  bool steady_rounds_;  ///< the mapping has interleave rounds short enough to record
  uint64_t closed_form_bursts_ = 0;
};

}  // namespace energon::hw
