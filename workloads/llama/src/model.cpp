#include "energon/llama/model.h"

#include <cmath>

namespace energon::llama {
namespace {

std::string size_mismatch(const std::string& name, size_t have, uint64_t want) {
  return name + " has " + std::to_string(have) + " values, expected " + std::to_string(want);
}

}  // namespace

std::string check_consistency(const Model& m) {
  const ModelConfig& c = m.config;
  if (c.dim == 0 || c.hidden_dim == 0 || c.n_layers == 0 || c.n_heads == 0 || c.n_kv_heads == 0 || c.vocab_size == 0 ||
      c.seq_len == 0)
    return "every size (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len) "
           "must be positive";
  if (c.dim % c.n_heads != 0)
    return "dim " + std::to_string(c.dim) + " is not a multiple of n_heads " + std::to_string(c.n_heads);
  if (c.n_heads % c.n_kv_heads != 0)
    return "n_heads " + std::to_string(c.n_heads) + " is not a multiple of n_kv_heads " + std::to_string(c.n_kv_heads);
  if (c.head_dim() % 2 != 0) return "head dimension " + std::to_string(c.head_dim()) + " is odd (rotary needs pairs)";
  if (!(c.norm_eps > 0.0f) || !std::isfinite(c.norm_eps) || !(c.rope_theta > 0.0f) || !std::isfinite(c.rope_theta))
    return "norm_eps (" + std::to_string(c.norm_eps) + ") and rope_theta (" + std::to_string(c.rope_theta) +
           ") must be finite positive numbers";
  const uint64_t dim = c.dim, kv = c.kv_dim(), hid = c.hidden_dim, voc = c.vocab_size;
  if (m.token_embedding.size() != voc * dim)
    return size_mismatch("token embedding", m.token_embedding.size(), voc * dim);
  if (m.layers.size() != c.n_layers)
    return "has " + std::to_string(m.layers.size()) + " layers, expected " + std::to_string(c.n_layers);
  for (size_t l = 0; l < m.layers.size(); ++l) {
    const LayerWeights& w = m.layers[l];
    const std::string p = "layer " + std::to_string(l) + " ";
    const struct {
      const char* name;
      size_t have;
      uint64_t want;
    } checks[] = {
        {"attn_norm", w.attn_norm.size(), dim}, {"wq", w.wq.size(), dim * dim}, {"wk", w.wk.size(), kv * dim},
        {"wv", w.wv.size(), kv * dim},          {"wo", w.wo.size(), dim * dim}, {"ffn_norm", w.ffn_norm.size(), dim},
        {"w1", w.w1.size(), hid * dim},         {"w2", w.w2.size(), dim * hid}, {"w3", w.w3.size(), hid * dim}};
    for (const auto& k : checks)
      if (k.have != k.want) return size_mismatch(p + k.name, k.have, k.want);
  }
  if (m.final_norm.size() != dim) return size_mismatch("final norm", m.final_norm.size(), dim);
  if (!m.classifier.empty() && m.classifier.size() != voc * dim)
    return size_mismatch("classifier", m.classifier.size(), voc * dim);
  return {};
}

}  // namespace energon::llama
