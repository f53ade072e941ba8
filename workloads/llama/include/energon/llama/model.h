// A Llama-2 architecture network in float32: its configuration and its weights, in the
// llama2.c layout (every matrix row-major [out][in], one entry per layer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace energon::llama {

/// Hyper-parameters of the network.
struct ModelConfig {
  uint32_t dim = 0;         ///< embedding width
  uint32_t hidden_dim = 0;  ///< SwiGLU FFN width
  uint32_t n_layers = 0;
  uint32_t n_heads = 0;     ///< query heads
  uint32_t n_kv_heads = 0;  ///< key/value heads (grouped-query attention when < n_heads)
  uint32_t vocab_size = 0;
  uint32_t seq_len = 0;    ///< maximum context the file declares
  float norm_eps = 1e-5f;  ///< RMSNorm epsilon
  float rope_theta = 10000.0f;

  uint32_t head_dim() const { return dim / n_heads; }
  uint32_t kv_dim() const { return head_dim() * n_kv_heads; }
};

/// Weights of one transformer block.
struct LayerWeights {
  std::vector<float> attn_norm;  ///< [dim]
  std::vector<float> wq;         ///< [dim][dim]
  std::vector<float> wk;         ///< [kv_dim][dim]
  std::vector<float> wv;         ///< [kv_dim][dim]
  std::vector<float> wo;         ///< [dim][dim]
  std::vector<float> ffn_norm;   ///< [dim]
  std::vector<float> w1;         ///< gate [hidden][dim]
  std::vector<float> w2;         ///< down [dim][hidden]
  std::vector<float> w3;         ///< up [hidden][dim]
};

/// A loaded network. The classifier is tied to the token embedding when `classifier` is empty.
struct Model {
  std::string source;  ///< file it was loaded from
  ModelConfig config;
  std::vector<float> token_embedding;  ///< [vocab][dim]
  std::vector<LayerWeights> layers;
  std::vector<float> final_norm;  ///< [dim]
  std::vector<float> classifier;  ///< [vocab][dim], empty = tied

  bool tied_classifier() const { return classifier.empty(); }
  /// The classifier matrix [vocab][dim] (the token embedding when tied).
  const float* classifier_weights() const { return classifier.empty() ? token_embedding.data() : classifier.data(); }
};

/// Checks the configuration (positive sizes, heads divide dim, kv heads divide heads, even
/// head dimension) and that every weight has the size the configuration implies.
/// Returns an empty string when consistent, else what is wrong.
std::string check_consistency(const Model& model);

}  // namespace energon::llama
