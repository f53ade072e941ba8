/* Energon firmware: placing one attention job in shared memory through the HAL — K split into
 * the bit planes the policy's rounds need, Q, V, the scale table and an output buffer allocated
 * and copied, the descriptor filled. What a driver does between quantizing and energon_submit. */
#ifndef ENERGON_FW_JOB_H
#define ENERGON_FW_JOB_H

#include "energon/fw/energon_hal.h"
#include "energon/fw/energon_pack.h"

#ifdef __cplusplus
extern "C" {
#endif

/** INT16 tensors of one job and their per-head scales (layouts in energon_regs.h). */
typedef struct energon_job_tensors {
  const int16_t* q;      /**< [heads][n_q][d] */
  const int16_t* k;      /**< [kv_heads][n_k][d] */
  const int16_t* v;      /**< [kv_heads][n_k][d] */
  const float* q_scales; /**< [heads] */
  const float* k_scales; /**< [kv_heads] */
} energon_job_tensors_t;

/** Allocates and fills the job's buffers with hal->mem_alloc / mem_write and builds `desc`
 *  (policy: enum energon_policy; rounds for mpmrf, topk for topk). Returns ENERGON_FW_OK,
 *  ENERGON_FW_EINVAL (rounds need too many planes, d not a multiple of 8), ENERGON_FW_ENOMEM
 *  or ENERGON_FW_EIO. `buffers` (may be NULL) receives the device addresses; the output is at
 *  desc->out_addr. */
int energon_job_place(const energon_hal_t* hal, const energon_job_shape_t* shape, const energon_job_tensors_t* t,
                      uint8_t policy, const energon_select_t* rounds, uint32_t n_rounds, const energon_select_t* topk,
                      energon_desc_t* desc, energon_job_buffers_t* buffers);

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_FW_JOB_H */
