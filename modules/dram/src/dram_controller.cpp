#include "dram_controller.h"

#include <algorithm>
#include <stdexcept>

namespace energon::hw {
namespace {

constexpr int64_t kNever = -(int64_t(1) << 40);
constexpr uint64_t kNoAge = ~uint64_t(0);

enum class Cmd : uint8_t { none, act, pre, rd, wr, prea, ref };

bool is_row_command(Cmd c) { return c == Cmd::act || c == Cmd::pre || c == Cmd::prea || c == Cmd::ref; }

/// Bit-reversed `k` over log2(n) bits: spreads refresh units evenly over the interval.
uint32_t bit_reversed(uint32_t k, uint32_t n) {
  uint32_t r = 0;
  for (uint32_t bit = 1; bit < n; bit <<= 1) r = (r << 1) | ((k & bit) ? 1 : 0);
  return r;
}

/// Calls f(b) for every bank b in [first, end) whose bit is set in `waiting`, in ascending order.
template <typename F>
void for_each_waiting_bank(const std::vector<uint64_t>& waiting, unsigned first, unsigned end, F&& f) {
  for (unsigned w = first / 64; w * 64 < end; ++w) {
    uint64_t bits = waiting[w];
    if (w == first / 64) bits &= ~uint64_t(0) << (first % 64);
    if ((w + 1) * 64 > end) bits &= (uint64_t(1) << (end % 64)) - 1;  // end % 64 ≠ 0 here
    while (bits != 0) {
      const unsigned b = w * 64 + unsigned(__builtin_ctzll(bits));
      bits &= bits - 1;
      f(b);
    }
  }
}

}  // namespace

// Every time below is the cycle a command takes effect: its last cycle on the command bus (a
// multi-cycle LPDDR4 or HBM2 command takes effect on its last tick; docs/dram.md "Command bus").
struct DramController::Bus {
  struct Bank {
    std::vector<DramQueuedRequest> buffer;
    int64_t open_row = -1;
    int64_t act_at = 0;           ///< earliest ACT (tRC, tRP, tRPab, tRFC)
    int64_t pre_at = 0;           ///< earliest PRE (tRAS, tRTP, tWR)
    int64_t rd_at = 0;            ///< earliest RD (tRCD)
    int64_t wr_at = 0;            ///< earliest WR (tRCD_WR)
    uint64_t committed = kNoAge;  ///< request the bank activated its row for (served next)
    uint8_t outcome = 0;          ///< for the next column command: 0 hit, 1 empty, 2 conflict
    unsigned group = 0;           ///< index of its bank group in groups
  };
  struct Group {
    int64_t last_act = kNever, last_col = kNever, last_write_end = kNever;
  };
  struct Unit {  ///< a rank of a channel (or pseudo-channel): the scope of tFAW, tRRD_S, refresh
    std::array<int64_t, 4> faw{kNever, kNever, kNever, kNever};
    unsigned faw_slot = 0;
    int64_t last_act = kNever, last_col = kNever, last_rd = kNever, last_write_end = kNever;
    int64_t next_due = 0;
    uint32_t postponed = 0;
    bool refresh_pending = false;
    unsigned open_banks = 0;
    size_t buffered = 0;
    unsigned channel = 0;  ///< global channel index (statistics)
    unsigned data = 0;     ///< data bus of the bus it uses
  };
  struct DataBus {
    int64_t free = 0;
    int last_unit = -1;
    bool last_write = false;
  };
  std::vector<Bank> banks;  ///< unit-major
  /// Bit b (word b / 64, bit b % 64): banks[b] holds requests. step() visits only these banks.
  std::vector<uint64_t> waiting;
  std::vector<Group> groups;  ///< unit-major
  std::vector<Unit> units;
  std::vector<DataBus> data;
  int64_t now = 0;
  int64_t next = DramController::kIdle;  ///< what the last step found, for next_event()
  int64_t row_free = 0;                  ///< first cycle the row (or the only) command bus is free
  int64_t col_free = 0;                  ///< the column command bus (the same as row_free unless split)
  size_t buffered = 0;
};

DramController::DramController(const DramConfig& config, DramStats& stats)
    : cfg_(config),
      stats_(stats),
      map_(config),
      probe_(config, map_),
      scheduler_(make_dram_scheduler(config.controller)),
      page_(make_dram_page_policy(config.controller.page_policy)),
      t_(config.timing) {
  // A config built in code may leave the standard-specific values at 0: their named defaults.
  if (t_.tRPab == 0) t_.tRPab = t_.tRP;
  if (t_.tRCD_WR == 0) t_.tRCD_WR = t_.tRCD;
  if (stats.channels().size() < config.channels) throw std::out_of_range("DramController: stats for too few channels");
  reset();
}

DramController::~DramController() = default;

void DramController::reset() {
  const unsigned per_bus = cfg_.command_bus.channels_per_bus;
  const unsigned units = per_bus * cfg_.ranks;
  const unsigned all_units = cfg_.channels * cfg_.ranks;
  buses_.clear();
  for (unsigned b = 0; b < cfg_.channels / per_bus; ++b) {
    auto bus = std::make_unique<Bus>();
    bus->banks.assign(size_t(units) * cfg_.banks_per_rank(), Bus::Bank{});
    for (size_t i = 0; i < bus->banks.size(); ++i) {
      bus->banks[i].buffer.reserve(cfg_.controller.request_buffer);
      bus->banks[i].group = unsigned(i / cfg_.banks_per_group);  // banks are group-major in a unit
    }
    bus->waiting.assign((bus->banks.size() + 63) / 64, 0);
    bus->groups.assign(size_t(units) * cfg_.bank_groups, Bus::Group{});
    bus->units.assign(units, Bus::Unit{});
    bus->data.assign(per_bus, Bus::DataBus{});
    for (unsigned u = 0; u < units; ++u) {
      Bus::Unit& unit = bus->units[u];
      unit.data = u / cfg_.ranks;
      unit.channel = b * per_bus + unit.data;
      // Refresh unit k of K is first due at tREFI - floor(rev(k)·tREFI/K) (rev: bit reversal), with
      // k, K over the units of the bus (stagger: bus) or of the memory (stagger: all).
      const auto stagger = cfg_.controller.refresh_stagger;
      const uint32_t k = stagger == DramRefreshStagger::all ? unit.channel * cfg_.ranks + u % cfg_.ranks : u;
      const uint32_t n = stagger == DramRefreshStagger::all ? all_units : units;
      const int64_t interval = cfg_.timing.tREFI;
      unit.next_due = kIdle;
      if (cfg_.refresh_enabled) {
        unit.next_due = interval;
        if (stagger != DramRefreshStagger::none) unit.next_due -= int64_t(bit_reversed(k, n)) * interval / n;
      }
      bus->next = std::min(bus->next, unit.next_due);  // refreshes go on while the bus is idle
    }
    buses_.push_back(std::move(bus));
  }
}

unsigned DramController::bus_of(uint64_t address) const {
  return position_of(address).channel / cfg_.command_bus.channels_per_bus;
}

// The burst counter is the one address → flat index path (it is loaded with a full decode).
DramBurstPosition DramController::position_of(uint64_t address) const {
  probe_.load(address / cfg_.burst_bytes());
  return probe_.at();
}

// The buses hold channels_per_bus consecutive channels each, and a bus's banks are its units' in
// order (unit = channel in the bus · ranks + rank): the flat bank index less the banks of the
// buses before.
std::pair<DramController::Bus*, size_t> DramController::bank_of(const DramBurstPosition& burst) const {
  const unsigned bus = burst.channel / cfg_.command_bus.channels_per_bus;
  const size_t banks_per_bus = size_t(cfg_.command_bus.channels_per_bus) * cfg_.ranks * cfg_.banks_per_rank();
  return {buses_[bus].get(), burst.bank_index - bus * banks_per_bus};
}

bool DramController::can_accept(const DramBurstPosition& burst) const {
  const auto [bus, bank] = bank_of(burst);
  return bus->banks[bank].buffer.size() < cfg_.controller.request_buffer;
}

void DramController::enqueue(uint64_t tag, bool write, const DramBurstPosition& burst, int64_t arrival) {
  const auto [bus, bank_index] = bank_of(burst);
  if (bus->banks[bank_index].buffer.size() >= cfg_.controller.request_buffer)
    throw std::logic_error("DramController::enqueue: the bank's request buffer is full");
  enqueue(*bus, bank_index, tag, write, burst.row, arrival);
}

bool DramController::try_enqueue(uint64_t tag, bool write, const DramBurstPosition& burst, int64_t arrival) {
  const auto [bus, bank_index] = bank_of(burst);
  if (bus->banks[bank_index].buffer.size() >= cfg_.controller.request_buffer) return false;
  enqueue(*bus, bank_index, tag, write, burst.row, arrival);
  return true;
}

void DramController::enqueue(Bus& bus, size_t bank_index, uint64_t tag, bool write, uint32_t row, int64_t arrival) {
  Bus::Bank& bank = bus.banks[bank_index];
  DramQueuedRequest r;
  r.tag = tag;
  r.age = next_age_++;
  r.visible = std::max(arrival, bus.now) + cfg_.controller.arbitration_cycles;
  r.row = row;
  r.write = write;
  bank.buffer.push_back(r);
  bus.waiting[bank_index / 64] |= uint64_t(1) << (bank_index % 64);
  bus.next = std::min(bus.next, r.visible);
  ++bus.units[bank_index / cfg_.banks_per_rank()].buffered;
  ++bus.buffered;
}

int64_t DramController::now(unsigned bus) const { return buses_.at(bus)->now; }

size_t DramController::pending(unsigned bus) const { return buses_.at(bus)->buffered; }

int64_t DramController::next_event(unsigned bus_index) const {
  const Bus& bus = *buses_.at(bus_index);
  return bus.next == kIdle ? kIdle : std::max(bus.now, bus.next);
}

int64_t DramController::next_command() const {
  int64_t next = kIdle;
  for (const auto& bus : buses_)
    if (bus->buffered > 0) next = std::min(next, std::max(bus->now, bus->next));  // next_event()
  return next;
}

void DramController::run(unsigned bus_index, int64_t until) { run(*buses_.at(bus_index), until); }

void DramController::run_all(int64_t until) {
  for (const auto& bus : buses_) run(*bus, until);
}

void DramController::run(Bus& bus, int64_t until) {
  while (bus.now < until) {
    if (bus.next > bus.now) {  // nothing can happen before bus.next
      bus.now = std::min(until, bus.next);
      continue;
    }
    bus.next = std::max(bus.now + 1, step(bus));
    bus.now = std::min(until, bus.next);
  }
}

// One cycle of bus `bus` at bus.now: refresh bookkeeping, then the oldest ready command (one per
// command bus, two with split row/column buses). Returns the next cycle anything may happen.
int64_t DramController::step(Bus& bus) {
  const DramTimingParams& t = t_;
  const auto& cb = cfg_.command_bus;
  const int64_t now = bus.now;
  const unsigned banks_per_unit = cfg_.banks_per_rank();
  int64_t next = kIdle;

  if (cfg_.refresh_enabled) {
    for (auto& u : bus.units) {
      if (!u.refresh_pending && now >= u.next_due) {
        u.next_due += t.tREFI;
        if (u.buffered > 0 && u.postponed < cfg_.controller.refresh_postpone) {
          ++u.postponed;
          ++stats_.channel(u.channel).refreshes_postponed;
        } else {
          u.refresh_pending = true;
        }
      }
      if (!u.refresh_pending && u.postponed > 0 && u.buffered == 0) {  // catch up while idle
        --u.postponed;
        u.refresh_pending = true;
      }
      if (!u.refresh_pending) next = std::min(next, u.next_due);
    }
  }

  struct Choice {
    Cmd cmd = Cmd::none;
    uint64_t age = kNoAge;  ///< refresh: 0 (first)
    unsigned unit = 0;
    unsigned bank = 0;  ///< index in bus.banks
    size_t index = 0;   ///< in the bank's buffer
    int64_t effect = 0;
  };
  Choice row, col;
  auto offer = [&](Choice& best, const Choice& c, int64_t earliest_effect, int64_t length) {
    const int64_t start = std::max({earliest_effect - length + 1, is_row_command(c.cmd) ? bus.row_free : bus.col_free});
    if (start > now) {
      next = std::min(next, start);
      return;
    }
    if (c.age < best.age) {
      best = c;
      best.effect = now + length - 1;
    }
  };

  uint64_t oldest = kNoAge;  // FIFO-strict: only the oldest request of the bus may take a column command
  if (scheduler_->columns_in_order())
    for_each_waiting_bank(bus.waiting, 0, unsigned(bus.banks.size()),
                          [&](unsigned bi) { oldest = std::min(oldest, bus.banks[bi].buffer.front().age); });

  for (unsigned ui = 0; ui < bus.units.size(); ++ui) {
    Bus::Unit& u = bus.units[ui];
    const unsigned first_bank = ui * banks_per_unit;
    if (u.refresh_pending) {  // the unit's banks are blocked; precharge-all, then refresh
      Choice c;
      c.age = 0;
      c.unit = ui;
      int64_t ready = now;
      if (u.open_banks > 0) {
        c.cmd = Cmd::prea;
        for (unsigned b = first_bank; b < first_bank + banks_per_unit; ++b)
          if (bus.banks[b].open_row >= 0) ready = std::max(ready, bus.banks[b].pre_at);
        offer(row, c, ready, cb.precharge_cycles);
      } else {
        c.cmd = Cmd::ref;
        for (unsigned b = first_bank; b < first_bank + banks_per_unit; ++b)
          ready = std::max(ready, bus.banks[b].act_at);
        offer(row, c, ready, cb.refresh_cycles);
      }
      continue;
    }
    if (u.buffered == 0) continue;
    const Bus::DataBus& d = bus.data[u.data];
    for_each_waiting_bank(bus.waiting, first_bank, first_bank + banks_per_unit, [&](unsigned bi) {
      Bus::Bank& b = bus.banks[bi];
      size_t visible = b.buffer.size();  // arrival order: visible times never decrease along the buffer
      if (b.buffer.back().visible > now) {
        visible = 0;
        while (b.buffer[visible].visible <= now) ++visible;
      }
      if (visible == 0) {
        next = std::min(next, b.buffer.front().visible);
        return;
      }
      size_t index = 0;
      if (b.committed != kNoAge) {
        while (index < visible && b.buffer[index].age != b.committed) ++index;
        if (index == visible) index = scheduler_->pick(b.buffer.data(), visible, b.open_row);
      } else {
        index = scheduler_->pick(b.buffer.data(), visible, b.open_row);
      }
      const DramQueuedRequest& r = b.buffer[index];
      const Bus::Group& g = bus.groups[b.group];
      Choice c;
      c.age = r.age;
      c.unit = ui;
      c.bank = bi;
      c.index = index;
      if (b.open_row == int64_t(r.row)) {
        if (oldest != kNoAge && r.age != oldest) return;  // FIFO-strict: waits for the older ones
        c.cmd = r.write ? Cmd::wr : Cmd::rd;
        const bool turnaround = d.last_unit >= 0 && (d.last_unit != int(ui) || d.last_write != r.write);
        const int64_t bus_ready = d.free + (turnaround ? t.tRTRS : 0);
        int64_t ready = std::max({now, u.last_col + t.tCCD_S, g.last_col + t.tCCD_L});
        if (r.write) {
          ready = std::max({ready, b.wr_at, bus_ready - int64_t(t.tCWL)});
          if (t.tRTW > 0) ready = std::max(ready, u.last_rd + t.tRTW);
        } else {
          ready = std::max({ready, b.rd_at, bus_ready - int64_t(t.tCL) - t.tDQSCK, u.last_write_end + t.tWTR_S,
                            g.last_write_end + t.tWTR_L});
        }
        offer(col, c, ready, cb.column_cycles);
      } else if (b.open_row >= 0) {
        c.cmd = Cmd::pre;
        offer(row, c, std::max(now, b.pre_at), cb.precharge_cycles);
      } else {
        c.cmd = Cmd::act;
        int64_t ready = std::max({now, b.act_at, u.last_act + t.tRRD_S, g.last_act + t.tRRD_L});
        if (t.tFAW > 0) ready = std::max(ready, u.faw[u.faw_slot] + t.tFAW);  // against the ACTs issued, in time
        offer(row, c, ready, cb.activate_cycles);
      }
    });
  }

  // One command per cycle on a shared bus (the oldest request's), one of each kind when split.
  if (!cb.row_column_split && row.cmd != Cmd::none && col.cmd != Cmd::none) {
    if (row.age < col.age)
      col.cmd = Cmd::none;
    else
      row.cmd = Cmd::none;
  }
  bool issued = false;
  for (Choice* c : {&row, &col}) {
    if (c->cmd == Cmd::none) continue;
    issued = true;
    Bus::Unit& u = bus.units[c->unit];
    const int64_t e = c->effect;
    const unsigned first_bank = c->unit * banks_per_unit;
    DramChannelStats& st = stats_.channel(u.channel);
    // The bus is busy from `now` to the effect cycle.
    if (!cb.row_column_split)
      bus.row_free = bus.col_free = e + 1;
    else
      (is_row_command(c->cmd) ? bus.row_free : bus.col_free) = e + 1;
    switch (c->cmd) {
      case Cmd::prea:
        for (unsigned b = first_bank; b < first_bank + banks_per_unit; ++b) {
          Bus::Bank& bank = bus.banks[b];
          if (bank.open_row < 0) continue;
          bank.open_row = -1;
          bank.committed = kNoAge;
          bank.act_at = std::max(bank.act_at, e + t.tRPab);
        }
        u.open_banks = 0;
        break;
      case Cmd::ref:
        for (unsigned b = first_bank; b < first_bank + banks_per_unit; ++b) bus.banks[b].act_at = e + t.tRFC;
        u.refresh_pending = false;
        ++st.refreshes;
        break;
      case Cmd::pre: {
        Bus::Bank& bank = bus.banks[c->bank];
        bank.open_row = -1;
        bank.committed = kNoAge;
        bank.outcome = 2;
        bank.act_at = std::max(bank.act_at, e + t.tRP);
        --u.open_banks;
        break;
      }
      case Cmd::act: {
        Bus::Bank& bank = bus.banks[c->bank];
        Bus::Group& g = bus.groups[bank.group];
        bank.open_row = bank.buffer[c->index].row;
        bank.committed = c->age;
        if (bank.outcome == 0) bank.outcome = 1;
        bank.act_at = e + t.tRC;
        bank.pre_at = std::max(bank.pre_at, e + t.tRAS);
        bank.rd_at = e + t.tRCD;
        bank.wr_at = e + t.tRCD_WR;
        u.faw[u.faw_slot] = e;
        u.faw_slot = (u.faw_slot + 1) % 4;
        u.last_act = g.last_act = e;
        ++u.open_banks;
        ++st.activates;
        break;
      }
      case Cmd::rd:
      case Cmd::wr: {
        Bus::Bank& bank = bus.banks[c->bank];
        Bus::Group& g = bus.groups[bank.group];
        Bus::DataBus& d = bus.data[u.data];
        const bool write = c->cmd == Cmd::wr;
        const int64_t start = e + (write ? int64_t(t.tCWL) : int64_t(t.tCL) + t.tDQSCK);
        const int64_t end = start + cfg_.burst_cycles();
        d.free = end;
        d.last_unit = int(c->unit);
        d.last_write = write;
        u.last_col = g.last_col = e;
        if (write) {
          u.last_write_end = g.last_write_end = end;
          bank.pre_at = std::max(bank.pre_at, end + t.tWR);
          ++st.writes;
          st.bytes_written += cfg_.burst_bytes();
        } else {
          u.last_rd = e;
          bank.pre_at = std::max(bank.pre_at, e + t.tRTP);
          ++st.reads;
          st.bytes_read += cfg_.burst_bytes();
        }
        st.busy_cycles += cfg_.burst_cycles();
        (bank.outcome == 0 ? st.row_hits : bank.outcome == 1 ? st.row_empty : st.row_conflicts) += 1;
        bank.outcome = 0;
        bank.committed = kNoAge;
        const DramQueuedRequest served = bank.buffer[c->index];
        if (c->index > 0) ++st.reordered;
        for (size_t i = 0; i < c->index; ++i) ++bank.buffer[i].overtaken;
        bank.buffer.erase(bank.buffer.begin() + ptrdiff_t(c->index));
        if (bank.buffer.empty()) bus.waiting[c->bank / 64] &= ~(uint64_t(1) << (c->bank % 64));
        --u.buffered;
        --bus.buffered;
        if (page_->auto_precharge(bank.buffer, served.row)) {  // RDA/WRA: precharge when tRAS/tRTP/tWR allow
          bank.open_row = -1;
          bank.act_at = std::max(bank.act_at, bank.pre_at + t.tRP);
          --u.open_banks;
        }
        if (sink_) sink_({served.tag, end, write});
        break;
      }
      case Cmd::none:
        break;
    }
  }
  return issued ? now + 1 : next;
}

}  // namespace energon::hw
