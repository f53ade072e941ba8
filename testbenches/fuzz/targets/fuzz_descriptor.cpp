// The controller's descriptor check (modules/controller descriptor_check) on any 256 bytes and any
// ring placement: it decides without undefined behaviour, and a descriptor it accepts satisfies
// what the datapath relies on (docs/register-map.md): sizes within the limits, no buffer end past
// 2^64, the output overlapping no input, the scale table or the ring.
#include <cstring>

#include "energon/hw/descriptor_check.h"
#include "energon/hw/energon_desc_codec.h"
#include "fuzz_common.h"

namespace {
// In 128-bit arithmetic: a buffer may end exactly at 2^64.
using u128 = unsigned __int128;
bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) {
  return alen && blen && u128(a) < u128(b) + blen && u128(b) < u128(a) + alen;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < ENERGON_DESC_BYTES + 16) return 0;
  energon_desc_t d;
  energon_desc_decode(data, &d);
  uint64_t ring_base, ring_bytes;
  std::memcpy(&ring_base, data + ENERGON_DESC_BYTES, 8);
  std::memcpy(&ring_bytes, data + ENERGON_DESC_BYTES + 8, 8);
  ring_bytes %= uint64_t(ENERGON_QUEUE_MAX_ENTRIES + 1) * ENERGON_DESC_BYTES;
  if (ring_base > UINT64_MAX - ring_bytes) ring_base = UINT64_MAX - ring_bytes;
  if (energon::hw::check_descriptor(d, ring_base, ring_bytes) != ENERGON_ERR_NONE) return 0;
  // Accepted: the limits hold and the output is a buffer of its own.
  if (d.magic != ENERGON_DESC_MAGIC || d.heads == 0 || d.kv_heads == 0 || d.heads % d.kv_heads != 0 || d.n_q == 0 ||
      d.n_q > ENERGON_MAX_QUERIES || d.n_k == 0 || d.n_k > ENERGON_MAX_KEYS || d.valid_len == 0 ||
      d.valid_len > d.n_k || d.d < ENERGON_MIN_HEAD_DIM || d.d > ENERGON_MAX_HEAD_DIM)
    __builtin_trap();
  const uint64_t out_bytes = uint64_t(d.heads) * d.n_q * d.d * 2;
  if (u128(d.out_addr) + out_bytes > (u128(1) << 64)) __builtin_trap();
  if (overlaps(d.out_addr, out_bytes, ring_base, ring_bytes)) __builtin_trap();
  const uint64_t q_bytes = uint64_t(d.heads) * d.n_q * d.d * 2, v_bytes = uint64_t(d.kv_heads) * d.n_k * d.d * 2;
  if (overlaps(d.out_addr, out_bytes, d.q_addr, q_bytes) || overlaps(d.out_addr, out_bytes, d.v_addr, v_bytes))
    __builtin_trap();
  return 0;
}
