#include "energon/hw/sram_banks.h"

#include <algorithm>

namespace energon::hw {

namespace {
// validate(AccelConfig) refuses anything else; a block built from an unchecked config still works.
bool usable(uint32_t bytes_per_cycle, uint32_t banks) {
  return banks != 0 && banks <= SramBankCounter::kMaxBanks && (banks & (banks - 1)) == 0 && bytes_per_cycle >= banks &&
         bytes_per_cycle % banks == 0;
}

}  // namespace

SramBankCounter::SramBankCounter(uint32_t bytes_per_cycle, uint32_t banks)
    : word_bytes_(usable(bytes_per_cycle, banks) ? bytes_per_cycle / banks : std::max(1u, bytes_per_cycle)),
      word_shift_((word_bytes_ & (word_bytes_ - 1)) == 0 ? uint32_t(__builtin_ctz(word_bytes_)) : kNoShift),
      banks_(usable(bytes_per_cycle, banks) ? banks : 1),
      bank_shift_(uint32_t(__builtin_ctz(banks_))) {
  std::fill_n(starts_.begin(), banks_ + 1, 0);  // one counter per request: only the banks in use are cleared
}

uint64_t SramBankCounter::cycles() const {
  int64_t words = 0, busiest = 0;
  for (uint32_t b = 0; b < banks_; ++b) busiest = std::max(busiest, words += starts_[b]);
  return every_bank_ + uint64_t(busiest);
}

}  // namespace energon::hw
