// Token and head pruning of one job (attention_job.h holds it in QuantizedLayer) (SpAtten's cascade pruning,
// docs/pruning.md): which heads and tokens the job leaves out, as the descriptor's prune mask gives them, and the
// importance table the job writes back. Plain C++ for the golden model, the hardware blocks and the host driver.
#pragma once

#include <cstdint>
#include <vector>

namespace energon {

struct AttentionShape;

/// The heads and tokens a job prunes. A pruned head's output rows are zero and it reads no key;
/// a pruned token is no key of any row, and in a self-attention job (n_q == n_k, query i is
/// token i) its query row is skipped too, its output row zero.
struct PruneMask {
  std::vector<uint8_t> head, token;  ///< 1 = pruned; shorter than heads / n_k: the rest is kept

  bool head_pruned(uint32_t h) const { return h < head.size() && head[h] != 0; }
  bool token_pruned(uint32_t j) const { return j < token.size() && token[j] != 0; }
  bool query_pruned(const AttentionShape& s, uint32_t i) const;
  /// Row (h, i) attends to nothing: its head or its query is pruned.
  bool row_pruned(const AttentionShape& s, uint32_t h, uint32_t i) const {
    return head_pruned(h) || query_pruned(s, i);
  }
  bool empty() const;  ///< nothing pruned
  /// The keys row (h, i) may attend to, ascending: [0, allowed_end(i)) without the pruned tokens,
  /// none for a pruned row.
  void allowed_keys(const AttentionShape& s, uint32_t h, uint32_t i, std::vector<uint32_t>& keys) const;

  /// The descriptor's prune-mask image, ENERGON_PRUNE_MASK_BYTES(heads, n_k) bytes: the head
  /// bitmap in whole 64-bit words, then the token bitmap; bit x of byte x/8 set = pruned.
  std::vector<uint8_t> encode(uint32_t heads, uint32_t n_k) const;
  static PruneMask decode(const uint8_t* image, uint32_t heads, uint32_t n_k);
};

/// What a job with ENERGON_DESC_FLAG_IMPORTANCE writes back: per token the Q0.16 probabilities
/// (p16) the final softmax gave it, summed over every head and query row; per head the magnitudes
/// |out| of its INT16 output, summed over rows and dimensions. Exact integer sums.
struct Importance {
  std::vector<uint64_t> token, head;

  void clear(uint32_t heads, uint32_t n_k) {
    token.assign(n_k, 0);
    head.assign(heads, 0);
  }
  /// The image at importance_addr: uint64 little-endian token[n_k], then head[heads].
  std::vector<uint8_t> encode() const;
  static Importance decode(const uint8_t* image, uint32_t heads, uint32_t n_k);
  bool operator==(const Importance& o) const { return token == o.token && head == o.head; }
};

}  // namespace energon
