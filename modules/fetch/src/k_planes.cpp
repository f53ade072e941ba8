#include "energon/hw/k_planes.h"

#include <cstddef>
#include <cstring>
#include <vector>

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

namespace {

inline uint16_t merge(uint16_t old, uint32_t u, uint32_t shift, bool assign) {
  const uint16_t v = static_cast<uint16_t>(u << shift);
  return assign ? v : static_cast<uint16_t>(old | v);
}

// Widths that divide a byte: 8/W elements per byte.
template <uint32_t W, bool Assign>
void unpack_narrow(const uint8_t* row, uint32_t d, uint32_t shift, uint16_t* out) {
  constexpr uint32_t per = 8 / W;
  constexpr uint32_t mask = (1u << W) - 1u;
  for (uint32_t b = 0; b < d / per; ++b) {
    const uint32_t byte = row[b];
    for (uint32_t k = 0; k < per; ++k)
      out[b * per + k] = merge(out[b * per + k], (byte >> (k * W)) & mask, shift, Assign);
  }
}

template <bool Assign>
void unpack_12(const uint8_t* row, uint32_t d, uint32_t shift, uint16_t* out) {
  for (uint32_t t = 0; t < d; t += 2, row += 3) {
    out[t] = merge(out[t], uint32_t(row[0]) | (uint32_t(row[1] & 0x0F) << 8), shift, Assign);
    out[t + 1] = merge(out[t + 1], uint32_t(row[1] >> 4) | (uint32_t(row[2]) << 4), shift, Assign);
  }
}

template <bool Assign>
void unpack_16(const uint8_t* row, uint32_t d, uint16_t* out) {
  for (uint32_t t = 0; t < d; ++t)
    out[t] = merge(out[t], uint32_t(row[2 * t]) | (uint32_t(row[2 * t + 1]) << 8), 0, Assign);
}

template <bool Assign>
void unpack_any(const uint8_t* row, uint32_t d, uint32_t w, uint32_t shift, uint16_t* out) {
  const uint32_t row_bytes = d * w / 8;
  const uint32_t mask = (1u << w) - 1u;
  for (uint32_t t = 0; t < d; ++t) {
    const uint32_t bit = t * w;
    const uint32_t byte = bit / 8;
    uint32_t window = 0;
    for (uint32_t b = 0; b < 3 && byte + b < row_bytes; ++b) window |= uint32_t(row[byte + b]) << (8 * b);
    out[t] = merge(out[t], (window >> (bit % 8)) & mask, shift, Assign);
  }
}

template <bool Assign>
void unpack_row(const uint8_t* row, uint32_t d, uint32_t w, uint32_t shift, uint16_t* out) {
  switch (w) {
    case 1:
      return unpack_narrow<1, Assign>(row, d, shift, out);
    case 2:
      return unpack_narrow<2, Assign>(row, d, shift, out);
    case 4:
      return unpack_narrow<4, Assign>(row, d, shift, out);
    case 8:
      return unpack_narrow<8, Assign>(row, d, shift, out);
    case 12:
      return unpack_12<Assign>(row, d, shift, out);
    case 16:
      return unpack_16<Assign>(row, d, out);
    default:
      return unpack_any<Assign>(row, d, w, shift, out);
  }
}

template <typename Word>
void expand(const uint8_t* src, std::size_t bytes, const uint64_t* table, uint16_t* dst, bool assign) {
  constexpr std::size_t per = sizeof(Word) / sizeof(uint16_t);
  for (std::size_t i = 0; i < bytes; ++i) {
    Word v = static_cast<Word>(table[src[i]]);
    if (!assign) {
      Word old;
      std::memcpy(&old, dst + i * per, sizeof(Word));
      v |= old;
    }
    std::memcpy(dst + i * per, &v, sizeof(Word));
  }
}

/// Byte → its 8/w elements already shifted into place, packed as 16-bit fields; one table per
/// (width, shift), built on first use.
const uint64_t* expand_table(uint32_t w, uint32_t shift) {
  static thread_local std::vector<uint64_t> tables[2][16];
  std::vector<uint64_t>& t = tables[w == 4][shift];
  if (t.empty()) {
    const uint32_t per = 8 / w, mask = (1u << w) - 1u;
    t.resize(256);
    for (uint32_t b = 0; b < 256; ++b) {
      uint64_t v = 0;
      for (uint32_t k = 0; k < per; ++k) v |= uint64_t(((b >> (k * w)) & mask) << shift) << (16 * k);
      t[b] = v;
    }
  }
  return t.data();
}

}  // namespace

void unpack_plane_rows(const uint8_t* src, uint32_t rows, uint32_t d, uint32_t w, uint32_t shift, uint16_t* dst,
                       bool assign) {
  const uint32_t row_bytes = d * w / 8;
  const std::size_t total_bytes = std::size_t(rows) * row_bytes;
  if ((w == 2 || w == 4) && shift + w <= 16) {
    const uint64_t* table = expand_table(w, shift);
    if (w == 2)
      expand<uint64_t>(src, total_bytes, table, dst, assign);
    else
      expand<uint32_t>(src, total_bytes, table, dst, assign);
    return;
  }
  for (uint32_t r = 0; r < rows; ++r) {
    const uint8_t* row = src + std::size_t(r) * row_bytes;
    uint16_t* out = dst + std::size_t(r) * d;
    if (assign)
      unpack_row<true>(row, d, w, shift, out);
    else
      unpack_row<false>(row, d, w, shift, out);
  }
}

}  // namespace energon::hw
