#include "energon/prune_mask.h"

#include <algorithm>

#include "energon/attention_job.h"
#include "energon/hw/energon_regs.h"

namespace energon {

bool PruneMask::query_pruned(const AttentionShape& s, uint32_t i) const { return s.n_q == s.n_k && token_pruned(i); }

bool PruneMask::empty() const {
  for (const uint8_t x : head)
    if (x) return false;
  for (const uint8_t x : token)
    if (x) return false;
  return true;
}

void PruneMask::allowed_keys(const AttentionShape& s, uint32_t h, uint32_t i, std::vector<uint32_t>& keys) const {
  if (row_pruned(s, h, i)) {
    keys.clear();
    return;
  }
  const uint32_t end = s.allowed_end(i);
  keys.resize(end);
  const uint32_t marked = std::min<uint32_t>(end, uint32_t(token.size()));
  uint32_t n = 0;
  for (uint32_t j = 0; j < marked; ++j) {  // branch-free compaction of the unpruned keys
    keys[n] = j;
    n += token[j] == 0 ? 1u : 0u;
  }
  for (uint32_t j = marked; j < end; ++j) keys[n++] = j;
  keys.resize(n);
}

namespace {

void put_bits(const std::vector<uint8_t>& flags, uint32_t n, uint8_t* bitmap) {
  for (uint32_t x = 0; x < n && x < flags.size(); ++x)
    if (flags[x]) bitmap[x / 8] = uint8_t(bitmap[x / 8] | (1u << (x % 8)));
}

std::vector<uint8_t> get_bits(const uint8_t* bitmap, uint32_t n) {
  std::vector<uint8_t> flags(n);
  for (uint32_t x = 0; x < n; ++x) flags[x] = uint8_t((bitmap[x / 8] >> (x % 8)) & 1u);
  return flags;
}

void put_u64s(const std::vector<uint64_t>& v, std::vector<uint8_t>& out) {
  for (const uint64_t x : v)
    for (unsigned b = 0; b < 8; ++b) out.push_back(uint8_t(x >> (8 * b)));
}

std::vector<uint64_t> get_u64s(const uint8_t* p, uint32_t n) {
  std::vector<uint64_t> v(n);
  for (uint32_t i = 0; i < n; ++i)
    for (unsigned b = 0; b < 8; ++b) v[i] |= uint64_t(p[8 * size_t(i) + b]) << (8 * b);
  return v;
}

}  // namespace

std::vector<uint8_t> PruneMask::encode(uint32_t heads, uint32_t n_k) const {
  std::vector<uint8_t> image(ENERGON_PRUNE_MASK_BYTES(heads, n_k), 0);
  put_bits(head, heads, image.data());
  put_bits(token, n_k, image.data() + ENERGON_PRUNE_HEAD_BYTES(heads));
  return image;
}

PruneMask PruneMask::decode(const uint8_t* image, uint32_t heads, uint32_t n_k) {
  PruneMask m;
  m.head = get_bits(image, heads);
  m.token = get_bits(image + ENERGON_PRUNE_HEAD_BYTES(heads), n_k);
  return m;
}

std::vector<uint8_t> Importance::encode() const {
  std::vector<uint8_t> image;
  image.reserve(8 * (token.size() + head.size()));
  put_u64s(token, image);
  put_u64s(head, image);
  return image;
}

Importance Importance::decode(const uint8_t* image, uint32_t heads, uint32_t n_k) {
  Importance m;
  m.token = get_u64s(image, n_k);
  m.head = get_u64s(image + 8 * size_t(n_k), heads);
  return m;
}

}  // namespace energon
