#include "energon/fw/energon_job.h"

#include <stdlib.h>

#include "energon/fw/energon_fw.h"

static int place(const energon_hal_t* hal, const void* src, size_t bytes, uint64_t* at) {
  *at = hal->mem_alloc(hal->ctx, bytes, ENERGON_BUFFER_ALIGN);
  if (*at == ENERGON_HAL_NO_MEMORY) return ENERGON_FW_ENOMEM;
  if (src && hal->mem_write(hal->ctx, *at, src, bytes) != 0) return ENERGON_FW_EIO;
  return ENERGON_FW_OK;
}

int energon_job_place(const energon_hal_t* hal, const energon_job_shape_t* shape, const energon_job_tensors_t* t,
                      uint8_t policy, const energon_select_t* rounds, uint32_t n_rounds, const energon_select_t* topk,
                      energon_desc_t* desc, energon_job_buffers_t* buffers) {
  uint8_t bits[ENERGON_MAX_PLANES];
  const uint32_t n_planes = energon_planes_for_rounds(policy, rounds, n_rounds, bits);
  if (n_planes == 0) return ENERGON_FW_EINVAL;
  energon_job_sizes_t sizes;
  energon_job_sizes(shape, bits, n_planes, &sizes);
  uint8_t* planes[ENERGON_MAX_PLANES] = {0};
  float* scales = malloc(sizes.scale);
  int rc = scales ? ENERGON_FW_OK : ENERGON_FW_ENOMEM;
  for (uint32_t p = 0; p < n_planes && rc == ENERGON_FW_OK; ++p)
    if (!(planes[p] = malloc(sizes.k_plane[p]))) rc = ENERGON_FW_ENOMEM;
  if (rc == ENERGON_FW_OK &&
      energon_pack_k_planes(t->k, (size_t)shape->kv_heads * shape->n_k, shape->d, bits, n_planes, planes) != 0)
    rc = ENERGON_FW_EINVAL;
  energon_job_buffers_t b = {0};
  if (rc == ENERGON_FW_OK) {
    energon_pack_scales(t->q_scales, shape->heads, t->k_scales, shape->kv_heads, scales);
    rc = place(hal, t->q, sizes.q, &b.q);
    for (uint32_t p = 0; p < n_planes && rc == ENERGON_FW_OK; ++p)
      rc = place(hal, planes[p], sizes.k_plane[p], &b.k_plane[p]);
    if (rc == ENERGON_FW_OK) rc = place(hal, t->v, sizes.v, &b.v);
    if (rc == ENERGON_FW_OK) rc = place(hal, scales, sizes.scale, &b.scale);
    if (rc == ENERGON_FW_OK) rc = place(hal, NULL, sizes.out, &b.out);
  }
  if (rc == ENERGON_FW_OK) {
    energon_desc_build(desc, shape, policy, rounds, n_rounds, topk, bits, n_planes, &b);
    if (buffers) *buffers = b;
  }
  for (uint32_t p = 0; p < n_planes; ++p) free(planes[p]);
  free(scales);
  return rc;
}
