#include "dram_bank_timing.h"

#include <algorithm>
#include <stdexcept>

namespace energon::hw {

DramBankTiming::DramBankTiming(const DramConfig& config)
    : cfg_(config),
      t_{config.timing.tRCD,
         config.timing.tRP,
         int64_t(config.timing.tCL) + config.timing.tDQSCK,
         config.timing.tCWL,
         config.timing.tRAS,
         config.timing.tRC,
         config.timing.tCCD_S,
         config.timing.tCCD_L,
         config.timing.tRRD_S,
         config.timing.tRRD_L,
         config.timing.tFAW,
         config.timing.tWR,
         config.timing.tWTR_S,
         config.timing.tWTR_L,
         config.timing.tRTP,
         config.timing.tRTRS,
         config.timing.tRCD_WR ? config.timing.tRCD_WR : config.timing.tRCD,  // 0: a config built in code
         config.timing.tRPab ? config.timing.tRPab : config.timing.tRP,
         int64_t(config.command_bus.activate_cycles) - 1,
         int64_t(config.command_bus.precharge_cycles) - 1,
         int64_t(config.command_bus.column_cycles) - 1,
         config.burst_cycles(),
         config.burst_bytes(),
         config.refresh_enabled},
      counter_(config, DramAddressMap(config)),
      steady_rounds_(counter_.round_digit() != DramBurstCounter::kNoDigit && counter_.round_bursts() <= kMaxRound) {
  reset();
}

void DramBankTiming::reset() {
  log_ = RoundLog{};
  const size_t ranks = size_t(cfg_.channels) * cfg_.ranks;
  Rank rank;
  rank.last_four_acts.fill(kNever);
  rank.next_refresh = cfg_.timing.tREFI;  // first refresh one interval after power-up
  channels_.assign(cfg_.channels, Channel{});
  ranks_.assign(ranks, rank);
  groups_.assign(ranks * cfg_.bank_groups, BankGroup{});
  banks_.assign(ranks * cfg_.banks_per_rank(), Bank{});
}

int64_t DramBankTiming::access(bool write, uint64_t address, uint64_t length, int64_t arrival, DramStats& stats,
                               const BurstObserver* observer) {
  int64_t end = arrival;
  if (length > 0) {
    if (stats.channels().size() < cfg_.channels) throw std::out_of_range("DramBankTiming: stats for too few channels");
    const uint64_t bb = cfg_.burst_bytes();
    const uint64_t offset = address % bb;
    const uint64_t bursts = (offset + length + bb - 1) / bb;
    const uint64_t first_burst = address / bb;
    // A transaction that goes on where the last one stopped, same direction, same arrival (the
    // pieces of one split request) gives the same bursts as one long transaction: the model has
    // no state per transaction. The recorded rounds then stay valid.
    if (observer || write != log_.write || arrival != log_.arrival || first_burst != log_.next_burst) {
      log_.recording = false;
      log_.complete = 0;
    }
    DramChannelStats* st = &stats.channel(0);
    counter_.load(first_burst);
    const uint32_t first = counter_.at().channel;
    uint32_t last = first;
    if (observer)
      end = write ? schedule<true, true>(bursts, arrival, st, observer, last)
                  : schedule<false, true>(bursts, arrival, st, observer, last);
    else
      end = write ? schedule<true, false>(bursts, arrival, st, nullptr, last)
                  : schedule<false, false>(bursts, arrival, st, nullptr, last);
    log_.write = write;
    log_.arrival = arrival;
    log_.next_burst = observer ? ~uint64_t(0) : first_burst + bursts;
    // Every burst counted burst_bytes: the first starts `offset` bytes in, the last may end early.
    (write ? st[first].bytes_written : st[first].bytes_read) -= offset;
    (write ? st[last].bytes_written : st[last].bytes_read) -= bursts * bb - offset - length;
  }
  stats.record_transaction(arrival, end);
  return end;
}

// The bursts in address order, each exactly as the per-burst model schedules it (issue()). The
// counter replaces a full decode per burst; at each interleave-round boundary the last two rounds
// may let whole rounds be scheduled at once (skip_steady_rounds()). `last_channel` returns the
// channel of the last burst.
template <bool kWrite, bool kObserved>
int64_t DramBankTiming::schedule(uint64_t bursts, int64_t arrival, DramChannelStats* stats,
                                 const BurstObserver* observer, uint32_t& last_channel) {
  const Params t = t_;
  const int64_t latency = kWrite ? t.tCWL : t.tCL;
  // The shortcut would not report the bursts it skips to an observer.
  const bool rounds = steady_rounds_ && !kObserved;
  const unsigned round_digit = counter_.round_digit();
  RoundLog& log = log_;
  if (!log.recording && rounds && counter_.at_round_start()) {
    log.recording = true;
    log.filled = 0;
    log.clean = true;
  }
  int64_t end = arrival;
  uint64_t left = bursts;
  if (rounds) left -= try_steady_rounds<kWrite>(left, end, stats, last_channel);  // a round start
  while (left > 0) {
    const DramBurstPosition& at = counter_.at();
    int64_t floor = 0;
    const int64_t col = issue<kWrite>(t, at, arrival, stats[at.channel], floor);
    const int64_t data_end = col + latency + t.burst;
    if constexpr (kObserved) (*observer)(at.channel, data_end - t.burst, data_end);
    end = std::max(end, data_end);
    last_channel = at.channel;
    --left;
    if (!rounds) {
      if (left > 0) counter_.step();
      continue;
    }
    if (log.recording) {
      if (log.complete == 0) log.at[log.filled] = at;  // the same for every round of the stretch
      log.col[log.current][log.filled] = col;
      log.clean = log.clean && col > floor;
      ++log.filled;
    }
    const unsigned digit = counter_.step();
    if (digit >= round_digit) {  // the next burst starts a round
      if (digit > round_digit) {
        log.complete = 0;  // other banks or rows from here on
      } else if (log.recording) {
        ++log.complete;
        log.last_clean = log.clean;
        log.current ^= 1;
      }
      log.recording = true;
      log.filled = 0;
      log.clean = true;
      left -= try_steady_rounds<kWrite>(left, end, stats, last_channel);
    }
  }
  return end;
}

// At a round start: skips rounds if the last two recorded ones allow it; returns the bursts skipped.
template <bool kWrite>
inline uint64_t DramBankTiming::try_steady_rounds(uint64_t bursts_left, int64_t& end, DramChannelStats* stats,
                                                  uint32_t& last_channel) {
  const RoundLog& log = log_;
  if (bursts_left == 0 || !log.recording || log.filled != 0 || log.complete < 2) return 0;
  const uint64_t skipped = skip_steady_rounds<kWrite>(bursts_left, end, stats);
  if (skipped > 0) last_channel = log.at[counter_.round_bursts() - 1].channel;
  return skipped;
}

// Steady state, and why skipping is exact. Let rounds j−1 and j be the last two rounds, recorded
// back to back in one row stretch (in this transaction or in the ones before it that it continues,
// same arrival and direction), with round j = round j−1 + Δ for every burst, and every column
// command of round j set by a term that comes from earlier bursts (col > floor, where floor holds
// the terms that stay fixed while only row hits follow: arrival, the bank's next_col, the write
// ends before a read). A burst's other terms (channel's and rank's last column command, its bank
// group's, the data bus, the turnaround bubble) come from the bursts before it in its round and
// from the rest of the round before (every round visits the same channels, ranks, groups and banks
// in the same order). So by induction over the bursts round j+1 = round j + Δ, the floor stays
// below, and so on: round j+m = round j + m·Δ, all row hits (the same rows stay open, no ACT), as
// long as no refresh falls due (every refresh check sees at most the last column command of the
// last skipped round, which is kept below every rank's next refresh) and the round digit does not
// carry (same banks and rows). Only the state the last skipped round leaves matters: commit() its
// bursts with their shifted column commands, in order, and count the skipped bursts.
template <bool kWrite>
uint64_t DramBankTiming::skip_steady_rounds(uint64_t bursts_left, int64_t& end, DramChannelStats* stats) {
  RoundLog& log = log_;
  if (!log.last_clean) return 0;
  const unsigned n = unsigned(counter_.round_bursts());
  auto& now = log.col[log.current ^ 1];  // the round just recorded (current is the next one)
  auto& before = log.col[log.current];
  const int64_t delta = now[0] - before[0];
  if (delta <= 0) return 0;
  int64_t last = now[0];
  for (unsigned i = 1; i < n; ++i) {
    if (now[i] - before[i] != delta) return 0;
    last = std::max(last, now[i]);
  }
  // Whole rounds of this transaction (a partial last burst only changes the byte count, which
  // access() corrects), and the last round of the row left to issue().
  uint64_t skip = std::min<uint64_t>(counter_.rounds_left_in_row(), bursts_left / n);
  if (cfg_.refresh_enabled) {
    int64_t next_refresh = ranks_[0].next_refresh;
    for (const Rank& rk : ranks_) next_refresh = std::min(next_refresh, rk.next_refresh);
    if (next_refresh <= last) return 0;
    skip = std::min<uint64_t>(skip, uint64_t((next_refresh - 1 - last) / delta));
  }
  if (skip == 0) return 0;
  const int64_t shift = int64_t(skip) * delta;
  for (unsigned i = 0; i < n; ++i) {
    DramChannelStats& st = stats[log.at[i].channel];
    st.row_hits += skip;
    commit<kWrite>(t_, log.at[i], now[i] + shift, st, skip);
  }
  end = std::max(end, last + shift + (kWrite ? t_.tCWL : t_.tCL) + t_.burst);
  counter_.skip_rounds(uint32_t(skip));
  // The log now holds the last two skipped rounds (still clean: the floors did not move), as if
  // they had been recorded.
  for (unsigned i = 0; i < n; ++i) {
    now[i] += shift;
    before[i] = now[i] - delta;
  }
  closed_form_bursts_ += skip * n;
  return skip * n;
}

// One burst, as docs/dram.md "Timing model" describes it. `floor` returns the column-command terms
// that row hits do not move (see skip_steady_rounds()).
template <bool kWrite>
inline int64_t DramBankTiming::issue(const Params& t, const DramBurstPosition& at, int64_t arrival,
                                     DramChannelStats& st, int64_t& floor) {
  Channel& ch = channels_[at.channel];
  Rank& rk = ranks_[at.rank_index];
  if (t.refresh) {
    const int64_t now = std::max(arrival, ch.last_col);
    if (rk.next_refresh <= now) refresh_until(at.rank_index, now, st);
  }
  BankGroup& g = groups_[at.group_index];
  Bank& b = banks_[at.bank_index];
  const bool hit = b.open_row == int64_t(at.row);
  if (!hit) activate(at, arrival, st);

  const int64_t latency = kWrite ? t.tCWL : t.tCL;
  floor = std::max(arrival + t.col_tail, kWrite ? b.next_wr : b.next_col);
  if constexpr (!kWrite) floor = std::max({floor, rk.last_write_end + t.tWTR_S, g.last_write_end + t.tWTR_L});
  const bool turnaround = ch.last_rank >= 0 && (ch.last_rank != int(at.rank_index) || ch.last_was_write != kWrite);
  const int64_t col = std::max({floor, ch.last_col, rk.last_col + t.tCCD_S, g.last_col + t.tCCD_L,
                                ch.bus_free + (turnaround ? t.tRTRS : 0) - latency});
  commit<kWrite>(t, at, col, st, 1);
  st.row_hits += hit;  // last: the counters may alias the state (both 64-bit integers)
  return col;
}

// The state a column command at `col` leaves, and the counts of `bursts` such bursts.
template <bool kWrite>
inline void DramBankTiming::commit(const Params& t, const DramBurstPosition& at, int64_t col, DramChannelStats& st,
                                   uint64_t bursts) {
  Channel& ch = channels_[at.channel];
  Rank& rk = ranks_[at.rank_index];
  BankGroup& g = groups_[at.group_index];
  Bank& b = banks_[at.bank_index];
  const int64_t data_end = col + (kWrite ? t.tCWL : t.tCL) + t.burst;
  ch.bus_free = data_end;
  ch.last_rank = int(at.rank_index);
  ch.last_was_write = kWrite;
  ch.last_col = rk.last_col = g.last_col = col;
  if constexpr (kWrite) {
    rk.last_write_end = g.last_write_end = data_end;
    b.next_pre = std::max(b.next_pre, data_end + t.tWR);
    st.writes += bursts;
    st.bytes_written += bursts * t.burst_bytes;
  } else {
    b.next_pre = std::max(b.next_pre, col + t.tRTP);
    st.reads += bursts;
    st.bytes_read += bursts * t.burst_bytes;
  }
  st.busy_cycles += bursts * uint64_t(t.burst);
}

void DramBankTiming::activate(const DramBurstPosition& at, int64_t arrival, DramChannelStats& st) {
  Rank& rk = ranks_[at.rank_index];
  BankGroup& g = groups_[at.group_index];
  Bank& b = banks_[at.bank_index];
  int64_t act = arrival + t_.act_tail;
  if (b.open_row >= 0) {
    ++st.row_conflicts;
    act = std::max(arrival + t_.pre_tail, b.next_pre) + t_.tRP;  // PRE, then ACT
  } else {
    ++st.row_empty;
  }
  act = std::max({act, b.next_act, rk.last_act + t_.tRRD_S, g.last_act + t_.tRRD_L});
  if (t_.tFAW > 0) act = std::max(act, rk.last_four_acts[rk.act_slot] + t_.tFAW);
  rk.last_four_acts[rk.act_slot] = act;
  rk.act_slot = (rk.act_slot + 1) % 4;
  rk.last_act = g.last_act = act;
  b.open_row = at.row;
  b.next_pre = act + t_.tRAS;
  b.next_act = act + t_.tRC;
  b.next_col = act + t_.tRCD;
  b.next_wr = act + t_.tRCD_WR;
  ++st.activates;
}

void DramBankTiming::refresh_until(uint32_t rank_index, int64_t now, DramChannelStats& st) {
  Rank& rk = ranks_[rank_index];
  const int64_t interval = cfg_.timing.tREFI;
  if (rk.next_refresh > now) return;
  const int64_t due = (now - rk.next_refresh) / interval + 1;
  // After a long idle stretch only the first refresh (closes the rows) and the last (may still be
  // running at `now`) matter; the ones between are counted, not replayed.
  refresh(rank_index, rk.next_refresh);
  rk.next_refresh += interval;
  ++st.refreshes;
  if (due > 2) {
    st.refreshes += uint64_t(due - 2);
    rk.next_refresh += (due - 2) * interval;
  }
  while (rk.next_refresh <= now) {
    refresh(rank_index, rk.next_refresh);
    rk.next_refresh += interval;
    ++st.refreshes;
  }
}

void DramBankTiming::refresh(uint32_t rank_index, int64_t due) {
  const auto first = banks_.begin() + ptrdiff_t(rank_index) * cfg_.banks_per_rank();
  const auto last = first + cfg_.banks_per_rank();
  int64_t start = due;
  int64_t precharge = kNever;
  for (auto b = first; b != last; ++b) {
    if (b->open_row >= 0)
      precharge = std::max({precharge, due, b->next_pre});
    else
      start = std::max(start, b->next_act);
  }
  if (precharge != kNever) start = std::max(start, precharge + t_.tRPab);  // precharge-all first
  const int64_t end = start + cfg_.timing.tRFC;
  for (auto b = first; b != last; ++b) {
    b->open_row = -1;
    b->next_act = std::max(b->next_act, end);
  }
}

}  // namespace energon::hw
