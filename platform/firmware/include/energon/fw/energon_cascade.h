/* Energon firmware: SpAtten's cascade token and head pruning across the layers of one model
 * (docs/pruning.md). The driver holds each token's and head's importance accumulated over the
 * layers run so far (the tables the accelerator writes with ENERGON_DESC_FLAG_IMPORTANCE), prunes
 * the least important ones down to each layer's keep ratio, and gives the next layer's job the
 * prune mask (ENERGON_DESC_FLAG_PRUNE). Pruned tokens and heads stay pruned for later layers. */
#ifndef ENERGON_FW_CASCADE_H
#define ENERGON_FW_CASCADE_H

#include <stdint.h>

#include "energon/hw/energon_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct energon_cascade {
  uint32_t n_tokens, heads;
  uint32_t tokens_kept, heads_kept; /**< not pruned so far */
  uint64_t* token_importance;       /**< [n_tokens] summed over the layers run */
  uint64_t* head_importance;        /**< [heads] */
  uint8_t* token_pruned;            /**< [n_tokens] 1 = pruned */
  uint8_t* head_pruned;             /**< [heads] */
} energon_cascade_t;

/** A model of n_tokens tokens and `heads` heads per layer, nothing pruned. ENERGON_FW_OK,
 *  ENERGON_FW_EINVAL (a zero count) or ENERGON_FW_ENOMEM. */
int energon_cascade_init(energon_cascade_t* c, uint32_t n_tokens, uint32_t heads);
void energon_cascade_free(energon_cascade_t* c);
/** Adds one layer's importance table: the ENERGON_IMPORTANCE_BYTES(heads, n_tokens) bytes the job
 *  wrote at importance_addr (uint64 little-endian token[n_tokens], then head[heads]). */
void energon_cascade_accumulate(energon_cascade_t* c, const uint8_t* table);
/** Keeps ceil(keep_ppm · count / 10^6) tokens and heads (never more than are left, at least one)
 *  and prunes the others: the least accumulated importance first, the higher index first on
 *  ties. keep_ppm in 1..ENERGON_FRACTION_ONE, else ENERGON_FW_EINVAL and nothing changes. */
int energon_cascade_prune(energon_cascade_t* c, uint32_t token_keep_ppm, uint32_t head_keep_ppm);
/** The prune mask of the pruned tokens and heads: ENERGON_PRUNE_MASK_BYTES(heads, n_tokens) bytes. */
void energon_cascade_mask(const energon_cascade_t* c, uint8_t* image);

/** Descriptor fields of a built descriptor: the prune mask at `mask_addr` (flag PRUNE), the
 *  importance table written at `importance_addr` (flag IMPORTANCE). */
void energon_desc_set_prune_mask(energon_desc_t* desc, uint64_t mask_addr);
void energon_desc_set_importance(energon_desc_t* desc, uint64_t importance_addr);

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_FW_CASCADE_H */
