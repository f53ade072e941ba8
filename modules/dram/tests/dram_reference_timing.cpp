#include "dram_reference_timing.h"

#include <algorithm>

namespace energon::hw::test {

DramReferenceTiming::DramReferenceTiming(const DramConfig& config) : cfg_(config), map_(config) { reset(); }

void DramReferenceTiming::reset() {
  Rank rank;
  rank.banks.assign(cfg_.banks_per_rank(), Bank{});
  rank.last_four_acts.fill(kNever);
  rank.last_act_in_group.assign(cfg_.bank_groups, kNever);
  rank.last_col_in_group.assign(cfg_.bank_groups, kNever);
  rank.last_write_end_in_group.assign(cfg_.bank_groups, kNever);
  rank.next_refresh = cfg_.timing.tREFI;  // first refresh one interval after power-up
  Channel ch;
  ch.ranks.assign(cfg_.ranks, rank);
  channels_.assign(cfg_.channels, ch);
}

int64_t DramReferenceTiming::access(bool write, uint64_t address, uint64_t length, int64_t arrival, DramStats& stats,
                                    const BurstObserver* observer) {
  const uint64_t bb = cfg_.burst_bytes();
  int64_t end = arrival;
  while (length > 0) {
    const uint64_t offset = address % bb;
    const uint64_t n = std::min<uint64_t>(length, bb - offset);
    const DramCoord at = map_.decode(address - offset);
    DramChannelStats& st = stats.channel(at.channel);
    const int64_t data_end = burst(channels_[at.channel], at, write, arrival, st);
    if (observer) (*observer)(at.channel, data_end - int64_t(cfg_.burst_cycles()), data_end);
    end = std::max(end, data_end);
    (write ? st.bytes_written : st.bytes_read) += n;
    address += n;
    length -= n;
  }
  stats.record_transaction(arrival, end);
  return end;
}

int64_t DramReferenceTiming::burst(Channel& ch, const DramCoord& at, bool write, int64_t arrival,
                                   DramChannelStats& st) {
  const DramTimingParams& t = cfg_.timing;
  const int64_t act_tail = cfg_.command_bus.activate_cycles - 1;  // multi-cycle commands act on their last cycle
  const int64_t pre_tail = cfg_.command_bus.precharge_cycles - 1;
  const int64_t col_tail = cfg_.command_bus.column_cycles - 1;
  Rank& rk = ch.ranks[at.rank];
  if (cfg_.refresh_enabled) refresh_until(rk, std::max(arrival, ch.last_col), st);

  const unsigned bg = at.bank_group;
  Bank& b = rk.banks[bg * cfg_.banks_per_group + at.bank];
  if (b.open_row == int64_t(at.row)) {
    ++st.row_hits;
  } else {
    int64_t act = arrival + act_tail;
    if (b.open_row >= 0) {
      ++st.row_conflicts;
      act = std::max(arrival + pre_tail, b.next_pre) + t.tRP;  // PRE, then ACT
    } else {
      ++st.row_empty;
    }
    act = std::max({act, b.next_act, rk.last_act + t.tRRD_S, rk.last_act_in_group[bg] + t.tRRD_L});
    if (t.tFAW > 0) act = std::max(act, rk.last_four_acts[rk.act_slot] + t.tFAW);
    rk.last_four_acts[rk.act_slot] = act;
    rk.act_slot = (rk.act_slot + 1) % 4;
    rk.last_act = rk.last_act_in_group[bg] = act;
    b.open_row = at.row;
    b.next_pre = act + t.tRAS;
    b.next_act = act + t.tRC;
    b.next_col = act + t.tRCD;
    b.next_wr = act + (t.tRCD_WR ? t.tRCD_WR : t.tRCD);
    ++st.activates;
  }

  const int64_t latency = write ? int64_t(t.tCWL) : int64_t(t.tCL) + t.tDQSCK;
  int64_t col = std::max({arrival + col_tail, write ? b.next_wr : b.next_col, ch.last_col, rk.last_col + t.tCCD_S,
                          rk.last_col_in_group[bg] + t.tCCD_L});
  if (!write) col = std::max({col, rk.last_write_end + t.tWTR_S, rk.last_write_end_in_group[bg] + t.tWTR_L});
  const bool turnaround = ch.last_rank >= 0 && (ch.last_rank != int(at.rank) || ch.last_was_write != write);
  col = std::max(col, ch.bus_free + (turnaround ? t.tRTRS : 0) - latency);

  const int64_t data_end = col + latency + cfg_.burst_cycles();
  ch.bus_free = data_end;
  ch.last_rank = int(at.rank);
  ch.last_was_write = write;
  ch.last_col = rk.last_col = rk.last_col_in_group[bg] = col;
  if (write) {
    rk.last_write_end = rk.last_write_end_in_group[bg] = data_end;
    b.next_pre = std::max(b.next_pre, data_end + t.tWR);
    ++st.writes;
  } else {
    b.next_pre = std::max(b.next_pre, col + int64_t(t.tRTP));
    ++st.reads;
  }
  st.busy_cycles += cfg_.burst_cycles();
  return data_end;
}

void DramReferenceTiming::refresh_until(Rank& rk, int64_t now, DramChannelStats& st) {
  const int64_t interval = cfg_.timing.tREFI;
  if (rk.next_refresh > now) return;
  const int64_t due = (now - rk.next_refresh) / interval + 1;
  // After a long idle stretch only the first refresh (closes the rows) and the last (may still be
  // running at `now`) matter; the ones between are counted, not replayed.
  refresh(rk, rk.next_refresh);
  rk.next_refresh += interval;
  ++st.refreshes;
  if (due > 2) {
    st.refreshes += uint64_t(due - 2);
    rk.next_refresh += (due - 2) * interval;
  }
  while (rk.next_refresh <= now) {
    refresh(rk, rk.next_refresh);
    rk.next_refresh += interval;
    ++st.refreshes;
  }
}

void DramReferenceTiming::refresh(Rank& rk, int64_t due) {
  const DramTimingParams& t = cfg_.timing;
  int64_t start = due;
  int64_t precharge = kNever;
  for (const Bank& b : rk.banks) {
    if (b.open_row >= 0)
      precharge = std::max({precharge, due, b.next_pre});
    else
      start = std::max(start, b.next_act);
  }
  if (precharge != kNever) start = std::max(start, precharge + (t.tRPab ? t.tRPab : t.tRP));  // precharge-all first
  const int64_t end = start + t.tRFC;
  for (Bank& b : rk.banks) {
    b.open_row = -1;
    b.next_act = std::max(b.next_act, end);
  }
}

}  // namespace energon::hw::test
