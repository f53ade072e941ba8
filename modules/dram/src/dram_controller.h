// Memory controller core (SystemC-free): bank-wise request buffers, a scheduler and a page policy
// behind small interfaces, and command-by-command issue on each command bus in time, under every
// bank, bank-group, rank and channel constraint and all-bank refresh (docs/dram.md "Controller").
// Requests are single bursts with an arrival cycle; completions report the cycle after the last
// data beat. Used by Dram::nb_transport_fw and by the trace replayer.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "dram_burst_counter.h"
#include "dram_page_policy.h"
#include "dram_scheduler.h"
#include "energon/hw/dram_address_map.h"
#include "energon/hw/dram_config.h"
#include "energon/hw/dram_stats.h"

namespace energon::hw {

class DramController {
 public:
  static constexpr int64_t kIdle = INT64_MAX;

  struct Completion {
    uint64_t tag;
    int64_t data_end;  ///< cycle after the last data beat
    bool write;
  };
  using CompletionSink = std::function<void(const Completion&)>;

  /// `stats` must outlive the controller (its channels are counted there).
  DramController(const DramConfig& config, DramStats& stats);
  ~DramController();
  DramController(const DramController&) = delete;
  DramController& operator=(const DramController&) = delete;

  /// Command buses: channels / command_bus.channels_per_bus; a request goes to bus_of(address).
  unsigned buses() const { return unsigned(buses_.size()); }
  unsigned bus_of(uint64_t address) const;
  /// Room in the request buffer of the burst's bank.
  bool can_accept(uint64_t address) const { return can_accept(position_of(address)); }
  bool can_accept(const DramBurstPosition& burst) const;
  /// Enters the burst at `address` into its bank's buffer (can_accept() must hold); `arrival` is
  /// clamped to now(bus). It is visible to the scheduler controller.arbitration_cycles later.
  void enqueue(uint64_t tag, bool write, uint64_t address, int64_t arrival) {
    enqueue(tag, write, position_of(address), arrival);
  }
  /// The same for a burst already decoded (a DramBurstCounter stepping through a transaction).
  void enqueue(uint64_t tag, bool write, const DramBurstPosition& burst, int64_t arrival);
  /// enqueue() when the bank's buffer has room (true), else nothing (false).
  bool try_enqueue(uint64_t tag, bool write, const DramBurstPosition& burst, int64_t arrival);
  /// The flat indices of the burst at `address` (as DramBurstCounter gives them).
  DramBurstPosition position_of(uint64_t address) const;
  /// Issues every command of bus `bus` at cycles < `until`; then now(bus) == max(now, until).
  void run(unsigned bus, int64_t until);
  /// run() on every bus.
  void run_all(int64_t until);
  int64_t now(unsigned bus) const;
  /// Earliest cycle >= now(bus) at which the bus may issue a command or a refresh falls due;
  /// kIdle without requests and refresh.
  int64_t next_event(unsigned bus) const;
  /// Requests in the buffers of bus `bus`.
  size_t pending(unsigned bus) const;
  /// The earliest next_event() of the buses with requests (kIdle without): idle buses are left
  /// to catch up on refresh when their next request arrives.
  int64_t next_command() const;
  void set_completion_sink(CompletionSink sink) { sink_ = std::move(sink); }
  /// All banks precharged, buffers emptied, history forgotten, refresh grid restarted at 0.
  void reset();

 private:
  struct Bus;
  int64_t step(Bus& bus);
  void run(Bus& bus, int64_t until);
  void enqueue(Bus& bus, size_t bank_index, uint64_t tag, bool write, uint32_t row, int64_t arrival);
  /// The bus of `burst` and the index of its bank there.
  std::pair<Bus*, size_t> bank_of(const DramBurstPosition& burst) const;

  const DramConfig& cfg_;
  DramStats& stats_;
  DramAddressMap map_;
  mutable DramBurstCounter probe_;  ///< position_of(): loaded per call
  std::unique_ptr<DramScheduler> scheduler_;
  std::unique_ptr<DramRowPolicy> page_;
  DramTimingParams t_;  ///< cfg_.timing with the named defaults of tRPab and tRCD_WR applied
  std::vector<std::unique_ptr<Bus>> buses_;
  CompletionSink sink_;
  uint64_t next_age_ = 0;
};

}  // namespace energon::hw
