// Physical (local) address ↔ DRAM coordinates, following DramConfig::mapping.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/hw/dram_config.h"

namespace energon::hw {

/// Where a burst lives in the DRAM.
struct DramCoord {
  uint32_t channel = 0, rank = 0, bank_group = 0, bank = 0;  ///< bank: index inside its bank group
  uint32_t row = 0;
  uint32_t column = 0;  ///< burst index inside the row
};

/// Splits an address into fields: byte-in-burst offset at the bottom, then the mapping's
/// slices from its last entry (least significant) to its first (most significant).
class DramAddressMap {
 public:
  struct Slice {
    DramField field;
    unsigned bits;
    unsigned field_shift;         ///< position of this slice inside its field's value
    unsigned addr_shift;          ///< position of this slice inside the address
    uint32_t DramCoord::*target;  ///< the coordinate `field` names (decode without a switch)
  };

  explicit DramAddressMap(const DramConfig& config);
  DramCoord decode(uint64_t address) const;
  /// Address of the first byte of the burst at `coord`.
  uint64_t encode(const DramCoord& coord) const;
  /// The slices with bits, least significant first (the burst address counter steps through them).
  const std::vector<Slice>& slices() const { return slices_; }

 private:
  std::vector<Slice> slices_;
};

}  // namespace energon::hw
