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
      banks_(usable(bytes_per_cycle, banks) ? banks : 1) {
  std::fill_n(words_.begin(), banks_, 0);  // one counter per request: only the banks in use are cleared
}

void SramBankCounter::add(uint64_t addr, uint32_t len) {
  uint64_t first = addr / word_bytes_;
  const uint64_t last = (addr + (len - 1)) / word_bytes_;  // len ≥ 1 and the span ends at most at 2^64
  if (any_ && first == last_word_) {
    if (first == last) return;
    ++first;
  }
  any_ = true;
  last_word_ = last;
  const uint64_t n = last - first + 1;
  // Whole sweeps over the banks add to every bank alike: counted once, in every_bank_.
  every_bank_ += n / banks_;
  const uint64_t rest = n % banks_;
  for (uint64_t k = 0; k < rest; ++k) ++words_[(first + k) & (banks_ - 1)];
}

uint64_t SramBankCounter::cycles() const {
  return every_bank_ + *std::max_element(words_.begin(), words_.begin() + banks_);
}

}  // namespace energon::hw
