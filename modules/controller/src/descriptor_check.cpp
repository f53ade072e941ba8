#include "energon/hw/descriptor_check.h"

#include "energon/attention_job.h"
#include "energon/hw/attention_policy.h"

namespace energon::hw {
namespace {

static_assert(kMaxDescKeys == energon::kMaxKeys, "hardware key limit differs from the golden model's");
static_assert(ENERGON_MAX_ROUNDS == energon::kMaxRounds, "round limit differs from the golden model's");
static_assert(kMaxFilterOperandBits == energon::kMaxFilterBits, "filter width differs from the golden model's");

// The policy's own fields (ERR_POLICY) are its AttentionPolicy's to check (modules/policy).
bool policy_ok(const energon_desc_t& d) {
  const AttentionPolicy* p = find_policy(d.policy);
  return p != nullptr && p->field_error(d).empty();
}

// Called after policy_ok: the policy is known and its fields are in range.
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
  const RowSchedule schedule = policy_by_id(d.policy).schedule(d);
  for (const FilterRoundStep& r : schedule.filter_rounds)
    if (!(prefix_sums & (1u << r.k_bits))) return false;  // a filter round must fetch whole planes
  // A progressive first pass reads whole MSB planes, and LSB planes must remain for the recompute.
  if (schedule.progressive.enabled &&
      (schedule.progressive.msb_bits >= 16 || !(prefix_sums & (1u << schedule.progressive.msb_bits))))
    return false;
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
  if ((d.flags & ~ENERGON_DESC_FLAGS_KNOWN) != 0 || d.reserved0 != 0) return false;
  // The pruning addresses are read only with their flags: without, they must be 0.
  if (!(d.flags & ENERGON_DESC_FLAG_PRUNE) && d.prune_mask_addr != 0) return false;
  if (!(d.flags & ENERGON_DESC_FLAG_IMPORTANCE) && d.importance_addr != 0) return false;
  const AttentionPolicy* p = find_policy(d.policy);  // an unknown policy fails later, as POLICY
  return p == nullptr || p->reserved_clear(d);
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
  buffers_aligned = buffers_aligned && aligned(d.prune_mask_addr) && aligned(d.importance_addr);
  if (!buffers_aligned) return ENERGON_ERR_MISALIGNED;

  // Extents from the (now valid) shape: the fetch unit's address arithmetic must not wrap, and the
  // output must not overwrite what the job still reads.
  const uint64_t q_bytes = uint64_t(d.heads) * d.n_q * d.d * 2, kv_rows = uint64_t(d.kv_heads) * d.n_k;
  const Extent out{d.out_addr, q_bytes};
  const Extent importance{d.importance_addr,
                          (d.flags & ENERGON_DESC_FLAG_IMPORTANCE) ? ENERGON_IMPORTANCE_BYTES(d.heads, d.n_k) : 0};
  Extent inputs[4 + ENERGON_MAX_PLANES] = {
      {d.q_addr, q_bytes}, {d.v_addr, kv_rows * d.d * 2}, {d.scale_addr, (uint64_t(d.heads) + d.kv_heads) * 4}};
  unsigned n = 3;
  for (unsigned p = 0; p < d.n_planes; ++p) inputs[n++] = {d.k_plane_addr[p], kv_rows * d.d * d.plane_bits[p] / 8};
  if (d.flags & ENERGON_DESC_FLAG_PRUNE) inputs[n++] = {d.prune_mask_addr, ENERGON_PRUNE_MASK_BYTES(d.heads, d.n_k)};
  if (out.wraps() || importance.wraps()) return ENERGON_ERR_ADDRESS;
  for (unsigned i = 0; i < n; ++i)
    if (inputs[i].wraps()) return ENERGON_ERR_ADDRESS;
  for (unsigned i = 0; i < n; ++i)
    if (out.overlaps(inputs[i])) return ENERGON_ERR_OVERLAP;
  if (out.overlaps({ring_base, ring_bytes})) return ENERGON_ERR_OVERLAP;
  // Both outputs are written while inputs are still read: neither may overwrite them or the other.
  for (unsigned i = 0; i < n; ++i)
    if (importance.overlaps(inputs[i])) return ENERGON_ERR_OVERLAP;
  if (importance.overlaps(out) || importance.overlaps({ring_base, ring_bytes})) return ENERGON_ERR_OVERLAP;
  return ENERGON_ERR_NONE;
}

}  // namespace energon::hw
