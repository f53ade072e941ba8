// Reference DRAM timing for the testbenches: the per-burst model as it was before the fast path
// (modules/dram/src/dram_bank_timing.cpp), kept unchanged but for its name. Every burst decodes its
// address and walks the bank/rank/group state; DramBankTiming must give the same cycles, statistics
// and bursts for every access (dram_fast_path_test.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "energon/hw/dram_address_map.h"
#include "energon/hw/dram_config.h"
#include "energon/hw/dram_stats.h"

namespace energon::hw::test {

class DramReferenceTiming {
 public:
  explicit DramReferenceTiming(const DramConfig& config);

  /// Schedules every burst of [address, address+length) arriving at cycle `arrival`;
  /// returns the cycle after the last data beat. Updates `stats`.
  /// Per burst: channel, first and last data cycle (for traces; called only when set).
  using BurstObserver = std::function<void(unsigned channel, int64_t data_start, int64_t data_end)>;
  int64_t access(bool write, uint64_t address, uint64_t length, int64_t arrival, DramStats& stats,
                 const BurstObserver* observer = nullptr);

  /// All banks precharged, all timing history forgotten, refresh grid restarted at 0.
  void reset();

 private:
  static constexpr int64_t kNever = -(int64_t(1) << 40);

  struct Bank {
    int64_t open_row = -1;
    int64_t next_act = 0;  ///< earliest ACT (tRC, tRP after PRE, refresh end)
    int64_t next_pre = 0;  ///< earliest PRE (tRAS, tRTP, tWR)
    int64_t next_col = 0;  ///< earliest RD (tRCD)
    int64_t next_wr = 0;   ///< earliest WR (tRCD_WR)
  };
  struct Rank {
    std::vector<Bank> banks;
    std::array<int64_t, 4> last_four_acts{};  ///< ring for tFAW; slot `act_slot` holds the oldest
    unsigned act_slot = 0;
    int64_t last_act = kNever;
    std::vector<int64_t> last_act_in_group;
    int64_t last_col = kNever;
    std::vector<int64_t> last_col_in_group;
    int64_t last_write_end = kNever;
    std::vector<int64_t> last_write_end_in_group;
    int64_t next_refresh = 0;
  };
  struct Channel {
    std::vector<Rank> ranks;
    int64_t bus_free = 0;  ///< first cycle the data bus is free
    int last_rank = -1;
    bool last_was_write = false;
    int64_t last_col = kNever;  ///< in-order issue: no column command before the previous one
  };

  int64_t burst(Channel& ch, const DramCoord& at, bool write, int64_t arrival, DramChannelStats& st);
  void refresh_until(Rank& rank, int64_t now, DramChannelStats& st);
  void refresh(Rank& rank, int64_t due);

  const DramConfig& cfg_;
  DramAddressMap map_;
  std::vector<Channel> channels_;
};

}  // namespace energon::hw::test
