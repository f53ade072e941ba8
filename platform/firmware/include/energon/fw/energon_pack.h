/* Host-side packing for Energon jobs (spec §1.1): float → INT16 with per-head scales, K in bit
 * planes, the scale table and the descriptor builder. Pure C11, no hardware access. */
#ifndef ENERGON_FW_PACK_H
#define ENERGON_FW_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "energon/hw/energon_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** max|x| / 32767 in float32, 1.0f for an all-zero (or empty) tensor. */
float energon_tensor_scale(const float* x, size_t n);
/** lrintf(x / scale) (round to nearest, ties to even) saturated to −32768..32767. */
int16_t energon_quantize(float x, float scale);
/** Quantizes `heads` consecutive blocks of `per_head` floats, one scale per block. */
void energon_quantize_heads(const float* x, uint32_t heads, size_t per_head, int16_t* out, float* scales);

/** Bytes of one K plane of `bits` for `rows` key rows of dimension d (d a multiple of 8). */
size_t energon_plane_bytes(size_t rows, uint32_t d, uint32_t bits);
/** Plane widths for a job: mpmrf → the successive differences of the rounds' increasing k_bits
 *  then the rest up to 16 (k_bits 2, 4 → 2, 2, 12); dense / topk → one 16-bit plane.
 *  Returns the number of planes (1..ENERGON_MAX_PLANES) or 0 when the rounds do not fit. */
uint32_t energon_planes_for_rounds(uint8_t policy, const energon_select_t* rounds, uint32_t n_rounds,
                                   uint8_t plane_bits[ENERGON_MAX_PLANES]);
/** Splits INT16 K rows ([rows][d]) into bit planes: plane p holds, for every element, the next
 *  plane_bits[p] bits below those of planes 0..p−1 (plane 0 = MSBs); element t of a row occupies
 *  bits t·b .. t·b+b−1 of the row's little-endian bit stream (LSB first). Returns 0, or −1 when
 *  the widths do not sum to 16 or d is not a multiple of 8. */
int energon_pack_k_planes(const int16_t* k, size_t rows, uint32_t d, const uint8_t* plane_bits, uint32_t n_planes,
                          uint8_t* const* planes);
/** Inverse of energon_pack_k_planes (for tests and debug dumps). */
int energon_unpack_k_planes(const uint8_t* const* planes, size_t rows, uint32_t d, const uint8_t* plane_bits,
                            uint32_t n_planes, int16_t* k);

/** Shape and masks of one job, as the descriptor carries them. */
typedef struct energon_job_shape {
  uint32_t heads, kv_heads, n_q, n_k, d, valid_len;
  int causal;
} energon_job_shape_t;

/** Device addresses of a job's buffers (layouts in energon_regs.h). */
typedef struct energon_job_buffers {
  uint64_t q, k_plane[ENERGON_MAX_PLANES], v, scale, out;
} energon_job_buffers_t;

/** Bytes of each buffer of a job; scale = (heads + kv_heads) float32 (Q scales, then K scales). */
typedef struct energon_job_sizes {
  size_t q, k_plane[ENERGON_MAX_PLANES], v, scale, out;
} energon_job_sizes_t;

void energon_job_sizes(const energon_job_shape_t* shape, const uint8_t* plane_bits, uint32_t n_planes,
                       energon_job_sizes_t* sizes);
/** Writes the scale table: Q scales [heads] then K scales [kv_heads], float32 little-endian. */
void energon_pack_scales(const float* q_scales, uint32_t heads, const float* k_scales, uint32_t kv_heads, float* table);

/** Fills a descriptor (magic, shape, policy, rounds or top-k rule, planes, buffers; result block
 *  zeroed). No range checks: the hardware checks and reports (a driver must be able to send a
 *  bad descriptor to test that path). */
void energon_desc_build(energon_desc_t* desc, const energon_job_shape_t* shape, uint8_t policy,
                        const energon_select_t* rounds, uint32_t n_rounds, const energon_select_t* topk,
                        const uint8_t* plane_bits, uint32_t n_planes, const energon_job_buffers_t* buffers);

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_FW_PACK_H */
