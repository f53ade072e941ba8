// On-chip buffer read cost by bytes and banks: the buffer is `banks` banks of `word` bytes,
// word-interleaved by address (word w lives in bank w mod banks), each bank reading one word per
// cycle. A request (one run or a gathered list of runs) takes as many cycles as its busiest
// bank has words to read (docs/fetch.md "On-chip read cost").
#pragma once

#include <cstdint>
#include <array>

namespace energon::hw {

class SramBankCounter {
 public:
  static constexpr uint32_t kMaxBanks = 64;
  /// `bytes_per_cycle` = banks × word bytes; `banks` a power of two up to kMaxBanks dividing it.
  /// A value type: one per request being served (requests may overlap in the accurate mode).
  SramBankCounter(uint32_t bytes_per_cycle, uint32_t banks);
  /// Counts the words of [addr, addr + len) (len ≥ 1). Spans of a request come in ascending
  /// address order; a word the previous span already read is not read again.
  void add(uint64_t addr, uint32_t len);
  /// Cycles of the request so far: the largest word count of any bank.
  uint64_t cycles() const;

 private:
  static constexpr uint32_t kNoShift = ~0u;
  uint32_t word_bytes_;
  uint32_t word_shift_;  ///< log2(word_bytes_), kNoShift if it is not a power of two
  uint32_t banks_;       ///< a power of two
  uint32_t bank_shift_;  ///< log2(banks_)
  /// Words each bank has read beyond every_bank_, as a difference array: bank b's count is the sum
  /// of starts_[0 .. b]; only [0, banks_] is set and read.
  std::array<int64_t, kMaxBanks + 1> starts_;
  uint64_t every_bank_ = 0;  ///< words every bank has read
  uint64_t last_word_ = 0;
  bool any_ = false;
};

inline void SramBankCounter::add(uint64_t addr, uint32_t len) {  // inline: once per run of kept keys
  // len ≥ 1 and the span ends at most at 2^64; the word size is a power of two in the presets.
  uint64_t first = word_shift_ != kNoShift ? addr >> word_shift_ : addr / word_bytes_;
  const uint64_t end = addr + (len - 1);
  const uint64_t last = word_shift_ != kNoShift ? end >> word_shift_ : end / word_bytes_;
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

}  // namespace energon::hw
