#include "energon/hw/dram_address_map.h"

namespace energon::hw {
namespace {

uint32_t DramCoord::*member_of(DramField f) {
  switch (f) {
    case DramField::row:
      return &DramCoord::row;
    case DramField::rank:
      return &DramCoord::rank;
    case DramField::bank_group:
      return &DramCoord::bank_group;
    case DramField::bank:
      return &DramCoord::bank;
    case DramField::channel:
      return &DramCoord::channel;
    case DramField::column:
      break;
  }
  return &DramCoord::column;
}

}  // namespace

DramAddressMap::DramAddressMap(const DramConfig& config) {
  unsigned addr_shift = 0;
  while ((1u << addr_shift) < config.burst_bytes()) ++addr_shift;
  unsigned field_shift[6] = {};
  for (auto it = config.mapping.rbegin(); it != config.mapping.rend(); ++it) {
    if (it->bits == 0) continue;
    unsigned& fs = field_shift[unsigned(it->field)];
    slices_.push_back({it->field, it->bits, fs, addr_shift, member_of(it->field)});
    fs += it->bits;
    addr_shift += it->bits;
  }
}

DramCoord DramAddressMap::decode(uint64_t address) const {
  DramCoord c;
  for (const auto& s : slices_) {
    const uint64_t v = (address >> s.addr_shift) & ((uint64_t(1) << s.bits) - 1);
    c.*s.target |= uint32_t(v << s.field_shift);
  }
  return c;
}

uint64_t DramAddressMap::encode(const DramCoord& coord) const {
  uint64_t a = 0;
  for (const auto& s : slices_) {
    const uint64_t v = (uint64_t(coord.*s.target) >> s.field_shift) & ((uint64_t(1) << s.bits) - 1);
    a |= v << s.addr_shift;
  }
  return a;
}

}  // namespace energon::hw
