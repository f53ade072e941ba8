#include "energon/llm_eval/golden_attention.h"

namespace energon::llm_eval {
namespace {

/// Counts the final kept set of every row per head.
struct HeadCounter : golden::RowObserver {
  std::vector<KeptCounts>* heads = nullptr;
  void on_round(uint32_t h, uint32_t, uint32_t round, const std::vector<uint32_t>& kept, bool last) override {
    if (round == 0) (*heads)[h].allowed += kept.size();
    if (last) (*heads)[h].kept += kept.size();
  }
};

}  // namespace

void GoldenAttention::attend(uint32_t layer, const FloatLayer& qkv, float* out) {
  const AttentionShape& s = qkv.shape;
  if (per_layer_.size() <= layer) per_layer_.resize(layer + 1), per_head_.resize(layer + 1);
  if (per_head_[layer].size() < s.heads) per_head_[layer].resize(s.heads);

  const QuantizedLayer q = golden::quantize_layer(qkv);
  golden::GoldenStats stats;
  HeadCounter counter;
  counter.heads = &per_head_[layer];
  const std::vector<int16_t> o = golden::run_attention(q, filters_.at(layer), &stats, &counter);
  per_layer_[layer].allowed += stats.allowed;
  per_layer_[layer].kept += stats.final_kept;
  ++jobs_;

  const size_t row = size_t(s.n_q) * s.d;
  for (uint32_t h = 0; h < s.heads; ++h) {
    const float scale = q.v.scale[s.kv_head_of(h)];
    for (size_t e = 0; e < row; ++e) out[h * row + e] = float(o[h * row + e]) * scale;
  }
}

KeptCounts GoldenAttention::total() const {
  KeptCounts t;
  for (const KeptCounts& l : per_layer_) t.allowed += l.allowed, t.kept += l.kept;
  return t;
}

}  // namespace energon::llm_eval
