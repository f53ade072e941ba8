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
      banks_(usable(bytes_per_cycle, banks) ? banks : 1),
      bank_shift_(uint32_t(__builtin_ctz(banks_))) {
  std::fill_n(starts_.begin(), banks_ + 1, 0);  // one counter per request: only the banks in use are cleared
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
  // Whole sweeps over the banks add to every bank alike: counted once, in every_bank_. The rest,
  // words first .. first + rest − 1 (mod banks), is one or two ranges of banks: their ends go into
  // the difference array starts_.
  every_bank_ += n >> bank_shift_;
  const uint32_t rest = uint32_t(n & (banks_ - 1));
  if (rest == 0) return;
  const uint32_t s = uint32_t(first & (banks_ - 1)), e = s + rest;
  ++starts_[s];
  if (e <= banks_) {
    --starts_[e];
  } else {  // wraps past the last bank
    --starts_[banks_];
    ++starts_[0];
    --starts_[e - banks_];
  }
}

uint64_t SramBankCounter::cycles() const {
  int64_t words = 0, busiest = 0;
  for (uint32_t b = 0; b < banks_; ++b) busiest = std::max(busiest, words += starts_[b]);
  return every_bank_ + uint64_t(busiest);
}

}  // namespace energon::hw
