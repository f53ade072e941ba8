// Burst address counter: steps a transaction from one burst to the next the way a memory
// controller's address counter does, and keeps the flat state indices the timing model uses.
//
// Why this equals DramAddressMap::decode of every burst address: the mapping cuts the burst index
// (address / burst_bytes) into slices, i.e. digits in a mixed radix (2^bits each), and a field's
// value is the sum of its slices' digits shifted to their place in the field. The next burst index
// is a digit increment with carry; a digit that goes up by one adds a fixed amount to its field,
// hence to every flat index (all are linear in the fields), and a digit that wraps to 0 takes back
// `top` times that amount. The counter is loaded with one full decode per transaction.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/hw/dram_address_map.h"
#include "energon/hw/dram_config.h"

namespace energon::hw {

/// Where a burst goes, as indices into the timing model's flat state arrays.
struct DramBurstPosition {
  uint32_t channel = 0;      ///< channel (also its statistics)
  uint32_t rank_index = 0;   ///< channel · ranks + rank
  uint32_t group_index = 0;  ///< rank_index · bank_groups + bank group
  uint32_t bank_index = 0;   ///< group_index · banks_per_group + bank
  uint32_t row = 0;

  /// Adds `times` × `d` (modulo 2^32: adding the two's complement subtracts).
  void add(const DramBurstPosition& d, uint32_t times = 1) {
    channel += d.channel * times;
    rank_index += d.rank_index * times;
    group_index += d.group_index * times;
    bank_index += d.bank_index * times;
    row += d.row * times;
  }
};

class DramBurstCounter {
 public:
  static constexpr unsigned kNoDigit = ~0u;

  DramBurstCounter(const DramConfig& config, const DramAddressMap& map);

  /// Loads the burst with index `burst` (address / burst_bytes).
  void load(uint64_t burst);
  const DramBurstPosition& at() const { return at_; }

  /// Moves to the next burst; returns the highest digit that changed (0 = the lowest slice).
  unsigned step() {
    const unsigned n = unsigned(digits_.size());
    for (unsigned i = 0; i < n; ++i) {
      Digit& d = digits_[i];
      if (d.value < d.top) {
        ++d.value;
        at_.add(d.unit);
        return i;
      }
      at_.add(d.wrap);  // back to 0, carry into the next slice
      d.value = 0;
    }
    return n;
  }

  /// The lowest column digit (kNoDigit without one, or with row bits below it). The digits below
  /// it form the interleave round: they hold only channel, rank, bank group and bank bits, so the
  /// bursts of one round go to distinct banks, and consecutive rounds up to the next carry out of
  /// this digit go to the same banks and rows, one column further.
  unsigned round_digit() const { return round_digit_; }
  /// Bursts in one round: the product of the ranges of the digits below round_digit().
  uint64_t round_bursts() const { return round_bursts_; }
  bool at_round_start() const {
    if (round_digit_ == kNoDigit) return false;
    for (unsigned i = 0; i < round_digit_; ++i)
      if (digits_[i].value != 0) return false;
    return true;
  }
  /// Rounds after the current one before the round digit carries (its top − its value).
  uint32_t rounds_left_in_row() const { return digits_[round_digit_].top - digits_[round_digit_].value; }
  /// Skips `rounds` rounds from a round start; the round digit must not carry
  /// (rounds ≤ rounds_left_in_row()). Column digits move no state index.
  void skip_rounds(uint32_t rounds) { digits_[round_digit_].value += rounds; }

 private:
  struct Digit {
    uint32_t value = 0;
    uint32_t top = 0;        ///< 2^bits − 1
    DramBurstPosition unit;  ///< what one step of this digit adds to the indices
    DramBurstPosition wrap;  ///< what going from top back to 0 adds (−top × unit)
    unsigned shift = 0;      ///< position in the burst index
  };
  std::vector<Digit> digits_;  ///< least significant first
  DramBurstPosition at_;
  unsigned round_digit_ = kNoDigit;
  uint64_t round_bursts_ = 1;
};

}  // namespace energon::hw
