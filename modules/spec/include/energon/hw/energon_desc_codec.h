/* Descriptor codec: energon_desc_t <-> the 256 little-endian bytes in the ring (layout in
 * energon_regs.h, docs/register-map.md). The one encoder and decoder used by the firmware, the
 * controller model and the tests; byte order is explicit, so it holds on any host. C99, header only. */
#ifndef ENERGON_HW_DESC_CODEC_H
#define ENERGON_HW_DESC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "energon/hw/energon_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The result block the hardware writes back: result_status .. result_final. */
#define ENERGON_RESULT_OFFSET ((uint32_t)offsetof(energon_desc_t, result_status))
#define ENERGON_RESULT_BYTES \
  ((uint32_t)(offsetof(energon_desc_t, prune_mask_addr) - offsetof(energon_desc_t, result_status)))

static inline void energon_le_put(uint8_t* b, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) b[i] = (uint8_t)(v >> (8u * i));
}
static inline uint64_t energon_le_get(const uint8_t* b, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= (uint64_t)b[i] << (8u * i);
  return v;
}

#define ENERGON_DESC_PUT(b, f, v) \
  energon_le_put((b) + offsetof(energon_desc_t, f), (uint64_t)(v), sizeof(((energon_desc_t*)0)->f))
#define ENERGON_DESC_GET(b, f) energon_le_get((b) + offsetof(energon_desc_t, f), sizeof(((energon_desc_t*)0)->f))

static inline void energon_select_encode(const energon_select_t* s, uint8_t* b) {
  b[0] = s->rule;
  b[1] = s->q_bits;
  b[2] = s->k_bits;
  b[3] = s->reserved;
  energon_le_put(b + 4, (uint32_t)s->alpha_q8, 4);
  energon_le_put(b + 8, s->k, 4);
  energon_le_put(b + 12, s->k_fraction_ppm, 4);
}
static inline void energon_select_decode(const uint8_t* b, energon_select_t* s) {
  s->rule = b[0];
  s->q_bits = b[1];
  s->k_bits = b[2];
  s->reserved = b[3];
  s->alpha_q8 = (int32_t)(uint32_t)energon_le_get(b + 4, 4);
  s->k = (uint32_t)energon_le_get(b + 8, 4);
  s->k_fraction_ppm = (uint32_t)energon_le_get(b + 12, 4);
}

/* Offset of field f inside the result block. */
#define ENERGON_RESULT_AT(f) (offsetof(energon_desc_t, f) - ENERGON_RESULT_OFFSET)

/** Result block only: ENERGON_RESULT_BYTES bytes as they lie at ENERGON_RESULT_OFFSET. */
static inline void energon_result_encode(const energon_desc_t* d, uint8_t* block) {
  energon_le_put(block + ENERGON_RESULT_AT(result_status), d->result_status, 4);
  energon_le_put(block + ENERGON_RESULT_AT(reserved1), d->reserved1, 4);
  energon_le_put(block + ENERGON_RESULT_AT(result_cycles), d->result_cycles, 8);
  energon_le_put(block + ENERGON_RESULT_AT(result_allowed), d->result_allowed, 8);
  for (unsigned r = 0; r < ENERGON_MAX_ROUNDS; ++r)
    energon_le_put(block + ENERGON_RESULT_AT(result_kept) + 8u * r, d->result_kept[r], 8);
  energon_le_put(block + ENERGON_RESULT_AT(result_final), d->result_final, 8);
}
static inline void energon_result_decode(const uint8_t* block, energon_desc_t* d) {
  d->result_status = (uint32_t)energon_le_get(block + ENERGON_RESULT_AT(result_status), 4);
  d->reserved1 = (uint32_t)energon_le_get(block + ENERGON_RESULT_AT(reserved1), 4);
  d->result_cycles = energon_le_get(block + ENERGON_RESULT_AT(result_cycles), 8);
  d->result_allowed = energon_le_get(block + ENERGON_RESULT_AT(result_allowed), 8);
  for (unsigned r = 0; r < ENERGON_MAX_ROUNDS; ++r)
    d->result_kept[r] = energon_le_get(block + ENERGON_RESULT_AT(result_kept) + 8u * r, 8);
  d->result_final = energon_le_get(block + ENERGON_RESULT_AT(result_final), 8);
}

#undef ENERGON_RESULT_AT

/** The whole descriptor, ENERGON_DESC_BYTES bytes. */
static inline void energon_desc_encode(const energon_desc_t* d, uint8_t* b) {
  ENERGON_DESC_PUT(b, magic, d->magic);
  ENERGON_DESC_PUT(b, heads, d->heads);
  ENERGON_DESC_PUT(b, kv_heads, d->kv_heads);
  ENERGON_DESC_PUT(b, n_q, d->n_q);
  ENERGON_DESC_PUT(b, n_k, d->n_k);
  ENERGON_DESC_PUT(b, valid_len, d->valid_len);
  ENERGON_DESC_PUT(b, d, d->d);
  ENERGON_DESC_PUT(b, policy, d->policy);
  ENERGON_DESC_PUT(b, flags, d->flags);
  ENERGON_DESC_PUT(b, n_rounds, d->n_rounds);
  ENERGON_DESC_PUT(b, n_planes, d->n_planes);
  for (unsigned p = 0; p < ENERGON_MAX_PLANES; ++p) b[offsetof(energon_desc_t, plane_bits) + p] = d->plane_bits[p];
  ENERGON_DESC_PUT(b, reserved0, d->reserved0);
  ENERGON_DESC_PUT(b, q_addr, d->q_addr);
  for (unsigned p = 0; p < ENERGON_MAX_PLANES; ++p)
    energon_le_put(b + offsetof(energon_desc_t, k_plane_addr) + 8u * p, d->k_plane_addr[p], 8);
  ENERGON_DESC_PUT(b, v_addr, d->v_addr);
  ENERGON_DESC_PUT(b, scale_addr, d->scale_addr);
  ENERGON_DESC_PUT(b, out_addr, d->out_addr);
  for (unsigned r = 0; r < ENERGON_MAX_ROUNDS; ++r)
    energon_select_encode(&d->round[r], b + offsetof(energon_desc_t, round) + 16u * r);
  energon_select_encode(&d->topk, b + offsetof(energon_desc_t, topk));
  energon_result_encode(d, b + ENERGON_RESULT_OFFSET);
  ENERGON_DESC_PUT(b, prune_mask_addr, d->prune_mask_addr);
  ENERGON_DESC_PUT(b, importance_addr, d->importance_addr);
}
static inline void energon_desc_decode(const uint8_t* b, energon_desc_t* d) {
  d->magic = (uint32_t)ENERGON_DESC_GET(b, magic);
  d->heads = (uint16_t)ENERGON_DESC_GET(b, heads);
  d->kv_heads = (uint16_t)ENERGON_DESC_GET(b, kv_heads);
  d->n_q = (uint32_t)ENERGON_DESC_GET(b, n_q);
  d->n_k = (uint32_t)ENERGON_DESC_GET(b, n_k);
  d->valid_len = (uint32_t)ENERGON_DESC_GET(b, valid_len);
  d->d = (uint16_t)ENERGON_DESC_GET(b, d);
  d->policy = (uint8_t)ENERGON_DESC_GET(b, policy);
  d->flags = (uint8_t)ENERGON_DESC_GET(b, flags);
  d->n_rounds = (uint8_t)ENERGON_DESC_GET(b, n_rounds);
  d->n_planes = (uint8_t)ENERGON_DESC_GET(b, n_planes);
  for (unsigned p = 0; p < ENERGON_MAX_PLANES; ++p) d->plane_bits[p] = b[offsetof(energon_desc_t, plane_bits) + p];
  d->reserved0 = (uint16_t)ENERGON_DESC_GET(b, reserved0);
  d->q_addr = ENERGON_DESC_GET(b, q_addr);
  for (unsigned p = 0; p < ENERGON_MAX_PLANES; ++p)
    d->k_plane_addr[p] = energon_le_get(b + offsetof(energon_desc_t, k_plane_addr) + 8u * p, 8);
  d->v_addr = ENERGON_DESC_GET(b, v_addr);
  d->scale_addr = ENERGON_DESC_GET(b, scale_addr);
  d->out_addr = ENERGON_DESC_GET(b, out_addr);
  for (unsigned r = 0; r < ENERGON_MAX_ROUNDS; ++r)
    energon_select_decode(b + offsetof(energon_desc_t, round) + 16u * r, &d->round[r]);
  energon_select_decode(b + offsetof(energon_desc_t, topk), &d->topk);
  energon_result_decode(b + ENERGON_RESULT_OFFSET, d);
  d->prune_mask_addr = ENERGON_DESC_GET(b, prune_mask_addr);
  d->importance_addr = ENERGON_DESC_GET(b, importance_addr);
}

#undef ENERGON_DESC_PUT
#undef ENERGON_DESC_GET

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_HW_DESC_CODEC_H */
