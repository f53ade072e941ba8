#include "dram_burst_counter.h"

namespace energon::hw {

DramBurstCounter::DramBurstCounter(const DramConfig& config, const DramAddressMap& map) {
  const uint32_t ranks = config.ranks, groups = config.bank_groups, banks = config.banks_per_group;
  bool row_below_column = false;  // bursts of a round would share banks: no rounds
  unsigned burst_shift = 0;
  while ((1u << burst_shift) < config.burst_bytes()) ++burst_shift;
  for (const auto& s : map.slices()) {  // least significant first
    Digit d;
    d.top = uint32_t((uint64_t(1) << s.bits) - 1);
    d.shift = s.addr_shift - burst_shift;
    const uint32_t one = uint32_t(1) << s.field_shift;  // one step of this digit in its field
    DramBurstPosition& u = d.unit;
    switch (s.field) {
      case DramField::channel:
        u = {one, one * ranks, one * ranks * groups, one * ranks * groups * banks, 0};
        break;
      case DramField::rank:
        u = {0, one, one * groups, one * groups * banks, 0};
        break;
      case DramField::bank_group:
        u = {0, 0, one, one * banks, 0};
        break;
      case DramField::bank:
        u = {0, 0, 0, one, 0};
        break;
      case DramField::row:
        u = {0, 0, 0, 0, one};
        if (round_digit_ == kNoDigit) row_below_column = true;
        break;
      case DramField::column:
        if (round_digit_ == kNoDigit) round_digit_ = unsigned(digits_.size());
        break;
    }
    d.wrap.add(u, 0 - d.top);
    if (round_digit_ == kNoDigit) round_bursts_ <<= s.bits;
    digits_.push_back(d);
  }
  if (row_below_column) round_digit_ = kNoDigit;
  if (round_digit_ == kNoDigit) round_bursts_ = 0;
}

void DramBurstCounter::load(uint64_t burst) {
  at_ = DramBurstPosition{};
  for (Digit& d : digits_) {
    d.value = uint32_t(burst >> d.shift) & d.top;
    at_.add(d.unit, d.value);
  }
}

}  // namespace energon::hw
