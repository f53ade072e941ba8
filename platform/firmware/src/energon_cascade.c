#include "energon/fw/energon_cascade.h"

#include <stdlib.h>
#include <string.h>

#include "energon/fw/energon_fw.h"

int energon_cascade_init(energon_cascade_t* c, uint32_t n_tokens, uint32_t heads) {
  memset(c, 0, sizeof *c);
  if (n_tokens == 0 || heads == 0) return ENERGON_FW_EINVAL;
  c->n_tokens = c->tokens_kept = n_tokens;
  c->heads = c->heads_kept = heads;
  c->token_importance = calloc(n_tokens, sizeof *c->token_importance);
  c->head_importance = calloc(heads, sizeof *c->head_importance);
  c->token_pruned = calloc(n_tokens, 1);
  c->head_pruned = calloc(heads, 1);
  if (!c->token_importance || !c->head_importance || !c->token_pruned || !c->head_pruned) {
    energon_cascade_free(c);
    return ENERGON_FW_ENOMEM;
  }
  return ENERGON_FW_OK;
}

void energon_cascade_free(energon_cascade_t* c) {
  free(c->token_importance);
  free(c->head_importance);
  free(c->token_pruned);
  free(c->head_pruned);
  memset(c, 0, sizeof *c);
}

static uint64_t le64(const uint8_t* b) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i) v |= (uint64_t)b[i] << (8u * i);
  return v;
}

void energon_cascade_accumulate(energon_cascade_t* c, const uint8_t* table) {
  for (uint32_t j = 0; j < c->n_tokens; ++j) c->token_importance[j] += le64(table + 8u * (size_t)j);
  const uint8_t* heads = table + 8u * (size_t)c->n_tokens;
  for (uint32_t h = 0; h < c->heads; ++h) c->head_importance[h] += le64(heads + 8u * (size_t)h);
}

typedef struct ranked {
  uint64_t importance;
  uint32_t index;
} ranked_t;

/* Most important first; on a tie the lower index first (so the higher index is pruned first). */
static int by_importance(const void* a, const void* b) {
  const ranked_t* x = a;
  const ranked_t* y = b;
  if (x->importance != y->importance) return x->importance > y->importance ? -1 : 1;
  return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

/* Prunes the alive entries beyond the `keep` most important. */
static int prune_to(const uint64_t* importance, uint8_t* pruned, uint32_t n, uint32_t* kept, uint32_t keep_ppm) {
  uint64_t keep = ((uint64_t)keep_ppm * n + (ENERGON_FRACTION_ONE - 1)) / ENERGON_FRACTION_ONE;
  if (keep < 1) keep = 1;
  if (keep >= *kept) return ENERGON_FW_OK;
  ranked_t* alive = malloc((size_t)*kept * sizeof *alive);
  if (!alive) return ENERGON_FW_ENOMEM;
  uint32_t m = 0;
  for (uint32_t x = 0; x < n; ++x)
    if (!pruned[x]) alive[m++] = (ranked_t){importance[x], x};
  qsort(alive, m, sizeof *alive, by_importance);
  for (uint32_t r = (uint32_t)keep; r < m; ++r) pruned[alive[r].index] = 1;
  *kept = (uint32_t)keep;
  free(alive);
  return ENERGON_FW_OK;
}

int energon_cascade_prune(energon_cascade_t* c, uint32_t token_keep_ppm, uint32_t head_keep_ppm) {
  if (token_keep_ppm == 0 || token_keep_ppm > ENERGON_FRACTION_ONE || head_keep_ppm == 0 ||
      head_keep_ppm > ENERGON_FRACTION_ONE)
    return ENERGON_FW_EINVAL;
  const int rc = prune_to(c->token_importance, c->token_pruned, c->n_tokens, &c->tokens_kept, token_keep_ppm);
  if (rc != ENERGON_FW_OK) return rc;
  return prune_to(c->head_importance, c->head_pruned, c->heads, &c->heads_kept, head_keep_ppm);
}

void energon_cascade_mask(const energon_cascade_t* c, uint8_t* image) {
  const uint64_t bytes = ENERGON_PRUNE_MASK_BYTES(c->heads, c->n_tokens);
  memset(image, 0, (size_t)bytes);
  for (uint32_t h = 0; h < c->heads; ++h)
    if (c->head_pruned[h]) image[h / 8] |= (uint8_t)(1u << (h % 8));
  uint8_t* tokens = image + ENERGON_PRUNE_HEAD_BYTES(c->heads);
  for (uint32_t j = 0; j < c->n_tokens; ++j)
    if (c->token_pruned[j]) tokens[j / 8] |= (uint8_t)(1u << (j % 8));
}

void energon_desc_set_prune_mask(energon_desc_t* desc, uint64_t mask_addr) {
  desc->flags |= ENERGON_DESC_FLAG_PRUNE;
  desc->prune_mask_addr = mask_addr;
}

void energon_desc_set_importance(energon_desc_t* desc, uint64_t importance_addr) {
  desc->flags |= ENERGON_DESC_FLAG_IMPORTANCE;
  desc->importance_addr = importance_addr;
}
