// Where K lives in memory as bit planes (energon_regs.h: plane p of kv head g, key j at
// k_plane_addr[p] + (g·n_k + j)·d·plane_bits[p]/8) and how a plane row unpacks.
#pragma once

#include <cstdint>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

struct KPlaneLayout {
  uint32_t n_planes = 0;
  uint8_t bits[ENERGON_MAX_PLANES] = {};
  uint64_t addr[ENERGON_MAX_PLANES] = {};
  uint32_t n_k = 0;
  uint32_t d = 0;

  static KPlaneLayout from_desc(const energon_desc_t& desc);
  uint32_t row_bytes(uint32_t p) const { return d * bits[p] / 8; }
  uint64_t row_addr(uint32_t p, uint32_t kv_head, uint32_t key) const {
    return addr[p] + (uint64_t(kv_head) * n_k + key) * row_bytes(p);
  }
  /// Bit position of plane p's least significant bit inside the INT16: 16 − (w0+…+wp).
  uint32_t shift(uint32_t p) const;
  /// Number of leading planes that hold the k_bits most significant bits.
  uint32_t planes_for_bits(uint32_t k_bits) const;
};

/// Unpacks `rows` plane rows (each d elements of w bits, LSB-first stream) from `src` and
/// places them at bit `shift` of the 16-bit words `dst` (row stride d). The first plane of a
/// row assigns (`assign`), later planes OR their bits in.
void unpack_plane_rows(const uint8_t* src, uint32_t rows, uint32_t d, uint32_t w, uint32_t shift, uint16_t* dst,
                       bool assign);

}  // namespace energon::hw
