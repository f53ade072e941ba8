#include "energon/hw/descriptor_check.h"

#include "energon/attention_job.h"

namespace energon::hw {
namespace {

static_assert(kMaxDescKeys == energon::kMaxKeys, "hardware key limit differs from the golden model's");
static_assert(ENERGON_MAX_ROUNDS == energon::kMaxRounds, "round limit differs from the golden model's");
static_assert(kMaxFilterOperandBits == energon::kMaxFilterBits, "filter width differs from the golden model's");

bool rule_ok(const energon_select_t& s) {
  if (s.rule == ENERGON_RULE_THRESHOLD) return s.alpha_q8 >= -256 && s.alpha_q8 <= 256;
  if (s.rule == ENERGON_RULE_TOPK)
    return (s.k != 0 || s.k_fraction_ppm != 0) && s.k_fraction_ppm <= ENERGON_FRACTION_ONE;
  return false;
}

bool policy_ok(const energon_desc_t& d) {
  switch (d.policy) {
    case ENERGON_POLICY_DENSE:
      return true;
    case ENERGON_POLICY_TOPK:
      return d.topk.rule == ENERGON_RULE_TOPK && rule_ok(d.topk);
    case ENERGON_POLICY_MPMRF:
      if (d.n_rounds < 1 || d.n_rounds > ENERGON_MAX_ROUNDS) return false;
      for (unsigned r = 0; r < d.n_rounds; ++r) {
        const energon_select_t& s = d.round[r];
        if (s.q_bits < 1 || s.q_bits > kMaxFilterOperandBits || s.k_bits < 1 || s.k_bits > kMaxFilterOperandBits)
          return false;
        if (r > 0 && s.k_bits < d.round[r - 1].k_bits) return false;  // planes arrive MSB first
        if (!rule_ok(s)) return false;
      }
      return true;
    default:
      return false;
  }
}

bool planes_ok(const energon_desc_t& d) {
  if (d.n_planes < 1 || d.n_planes > ENERGON_MAX_PLANES) return false;
  unsigned sum = 0;
  unsigned prefix_sums = 0;  // bit k set: some leading planes sum to k bits
  for (unsigned p = 0; p < d.n_planes; ++p) {
    if (d.plane_bits[p] == 0) return false;
    sum += d.plane_bits[p];
    if (sum > 16) return false;
    prefix_sums |= 1u << sum;
  }
  if (sum != 16) return false;
  if (d.policy == ENERGON_POLICY_MPMRF) {
    for (unsigned r = 0; r < d.n_rounds; ++r)
      if (!(prefix_sums & (1u << d.round[r].k_bits))) return false;  // a round must fetch whole planes
  }
  return true;
}

bool aligned(uint64_t a) { return a % ENERGON_BUFFER_ALIGN == 0; }

struct Extent {
  uint64_t begin, bytes;
  bool wraps() const { return bytes > 0 && begin + bytes - 1 < begin; }
  uint64_t last() const { return begin + (bytes - 1); }
  // Inclusive ends: an extent may end at the top of the address space, where begin + bytes is 0.
  bool overlaps(const Extent& o) const { return bytes > 0 && o.bytes > 0 && begin <= o.last() && o.begin <= last(); }
};

bool reserved_clear(const energon_desc_t& d) {
  if ((d.flags & ~ENERGON_DESC_FLAG_CAUSAL) != 0 || d.reserved0 != 0) return false;
  if (d.policy == ENERGON_POLICY_TOPK && d.topk.reserved != 0) return false;
  if (d.policy == ENERGON_POLICY_MPMRF)
    for (unsigned r = 0; r < d.n_rounds && r < ENERGON_MAX_ROUNDS; ++r)
      if (d.round[r].reserved != 0) return false;
  return true;
}

}  // namespace

uint8_t check_descriptor(const energon_desc_t& d, uint64_t ring_base, uint64_t ring_bytes) {
  if (d.magic != ENERGON_DESC_MAGIC) return ENERGON_ERR_BAD_MAGIC;
  if (!reserved_clear(d)) return ENERGON_ERR_RESERVED;
  if (d.heads == 0 || d.kv_heads == 0 || d.n_q == 0 || d.n_k == 0 || d.valid_len == 0) return ENERGON_ERR_ZERO_SIZE;
  if (d.heads % d.kv_heads != 0) return ENERGON_ERR_KV_HEADS;
  if (d.d < kMinHeadDim || d.d > kMaxHeadDim || d.d % kHeadDimStep != 0) return ENERGON_ERR_HEAD_DIM;
  if (d.n_k > kMaxDescKeys || d.n_q > kMaxDescQueries || d.valid_len > d.n_k) return ENERGON_ERR_SIZE_LIMIT;
  if (!policy_ok(d)) return ENERGON_ERR_POLICY;
  if (!planes_ok(d)) return ENERGON_ERR_PLANES;
  bool buffers_aligned = aligned(d.q_addr) && aligned(d.v_addr) && aligned(d.scale_addr) && aligned(d.out_addr);
  for (unsigned p = 0; p < d.n_planes; ++p) buffers_aligned = buffers_aligned && aligned(d.k_plane_addr[p]);
  if (!buffers_aligned) return ENERGON_ERR_MISALIGNED;

  // Extents from the (now valid) shape: the fetch unit's address arithmetic must not wrap, and the
  // output must not overwrite what the job still reads.
  const uint64_t q_bytes = uint64_t(d.heads) * d.n_q * d.d * 2, kv_rows = uint64_t(d.kv_heads) * d.n_k;
  const Extent out{d.out_addr, q_bytes};
  Extent inputs[3 + ENERGON_MAX_PLANES] = {
      {d.q_addr, q_bytes}, {d.v_addr, kv_rows * d.d * 2}, {d.scale_addr, (uint64_t(d.heads) + d.kv_heads) * 4}};
  unsigned n = 3;
  for (unsigned p = 0; p < d.n_planes; ++p) inputs[n++] = {d.k_plane_addr[p], kv_rows * d.d * d.plane_bits[p] / 8};
  if (out.wraps()) return ENERGON_ERR_ADDRESS;
  for (unsigned i = 0; i < n; ++i)
    if (inputs[i].wraps()) return ENERGON_ERR_ADDRESS;
  for (unsigned i = 0; i < n; ++i)
    if (out.overlaps(inputs[i])) return ENERGON_ERR_OVERLAP;
  if (out.overlaps({ring_base, ring_bytes})) return ENERGON_ERR_OVERLAP;
  return ENERGON_ERR_NONE;
}

}  // namespace energon::hw
