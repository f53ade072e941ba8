#include "energon/hw/k_planes.h"

#include <cstddef>

namespace energon::hw {

KPlaneLayout KPlaneLayout::from_desc(const energon_desc_t& desc) {
  KPlaneLayout l;
  l.n_planes = desc.n_planes;
  for (uint32_t p = 0; p < ENERGON_MAX_PLANES; ++p) {
    l.bits[p] = desc.plane_bits[p];
    l.addr[p] = desc.k_plane_addr[p];
  }
  l.n_k = desc.n_k;
  l.d = desc.d;
  return l;
}

uint32_t KPlaneLayout::shift(uint32_t p) const {
  uint32_t used = 0;
  for (uint32_t i = 0; i <= p; ++i) used += bits[i];
  return used >= 16 ? 0 : 16 - used;
}

uint32_t KPlaneLayout::planes_for_bits(uint32_t k_bits) const {
  uint32_t used = 0;
  for (uint32_t p = 0; p < n_planes; ++p) {
    used += bits[p];
    if (used >= k_bits) return p + 1;
  }
  return n_planes;
}

void unpack_plane_rows(const uint8_t* src, uint32_t rows, uint32_t d, uint32_t w, uint32_t shift, uint16_t* dst,
                       bool assign) {
  const uint32_t row_bytes = d * w / 8;
  const uint32_t mask = (1u << w) - 1u;
  for (uint32_t r = 0; r < rows; ++r) {
    const uint8_t* row = src + std::size_t(r) * row_bytes;
    uint16_t* out = dst + std::size_t(r) * d;
    for (uint32_t t = 0; t < d; ++t) {
      const uint32_t bit = t * w;
      const uint32_t byte = bit / 8;
      uint32_t window = 0;
      for (uint32_t b = 0; b < 3 && byte + b < row_bytes; ++b) window |= uint32_t(row[byte + b]) << (8 * b);
      const uint16_t u = static_cast<uint16_t>(((window >> (bit % 8)) & mask) << shift);
      out[t] = assign ? u : static_cast<uint16_t>(out[t] | u);
    }
  }
}

}  // namespace energon::hw
