#include <cmath>

#include "energon/llama/model_error.h"
#include "energon/llama/model_loader.h"

namespace energon::llama {
namespace {

uint32_t get_u32(const GgufFile& f, const std::string& key) {
  const uint64_t v = f.get_uint(key);
  if (v == 0 || v > UINT32_MAX)
    throw ModelError(f.path(), "metadata '" + key + "' is " + std::to_string(v) + " (expected 1.." +
                                   std::to_string(UINT32_MAX) + ")");
  return static_cast<uint32_t>(v);
}

}  // namespace

Model load_gguf_model(const GgufFile& f) {
  const std::string& path = f.path();
  const std::string arch = f.get_string("general.architecture");
  if (arch != "llama") throw ModelError(path, "unsupported architecture '" + arch + "' (only 'llama' is supported)");

  Model m;
  m.source = path;
  ModelConfig& c = m.config;
  c.dim = get_u32(f, "llama.embedding_length");
  c.hidden_dim = get_u32(f, "llama.feed_forward_length");
  c.n_layers = get_u32(f, "llama.block_count");
  c.n_heads = get_u32(f, "llama.attention.head_count");
  c.n_kv_heads = f.find("llama.attention.head_count_kv") ? get_u32(f, "llama.attention.head_count_kv") : c.n_heads;
  c.seq_len = get_u32(f, "llama.context_length");
  c.norm_eps = static_cast<float>(f.get_float("llama.attention.layer_norm_rms_epsilon", 1e-5));
  c.rope_theta = static_cast<float>(f.get_float("llama.rope.freq_base", 10000.0));
  if (!(c.norm_eps > 0.0f) || !std::isfinite(c.norm_eps))
    throw ModelError(path, "metadata 'llama.attention.layer_norm_rms_epsilon' is " + std::to_string(c.norm_eps) +
                               " (expected a finite number above 0)");
  if (!(c.rope_theta > 0.0f) || !std::isfinite(c.rope_theta))
    throw ModelError(path, "metadata 'llama.rope.freq_base' is " + std::to_string(c.rope_theta) +
                               " (expected a finite number above 0)");
  // Every block needs its 9 tensors: a block_count beyond the file's tensors is refused before
  // anything is allocated for it.
  if (uint64_t(c.n_layers) * 9 > f.tensors().size() ||
      !f.find_tensor("blk." + std::to_string(c.n_layers - 1) + ".attn_q.weight"))
    throw ModelError(path, "metadata 'llama.block_count' is " + std::to_string(c.n_layers) + " but the file holds " +
                               std::to_string(f.tensors().size()) + " tensors (9 per block) and no 'blk." +
                               std::to_string(c.n_layers - 1) + ".attn_q.weight'");
  if (c.dim % c.n_heads != 0 || c.n_heads % c.n_kv_heads != 0 || c.head_dim() % 2 != 0)
    throw ModelError(path, "inconsistent metadata: embedding_length " + std::to_string(c.dim) + ", head_count " +
                               std::to_string(c.n_heads) + ", head_count_kv " + std::to_string(c.n_kv_heads));
  if (f.find("llama.rope.dimension_count") && f.get_uint("llama.rope.dimension_count") != c.head_dim())
    throw ModelError(path, "llama.rope.dimension_count " + std::to_string(f.get_uint("llama.rope.dimension_count")) +
                               " differs from the head dimension " + std::to_string(c.head_dim()) +
                               ": partial rotary is not supported");
  if (const GgufValue* s = f.find("llama.rope.scaling.type"))
    if (s->type != GgufType::string || (s->str != "none" && !s->str.empty()))
      throw ModelError(path, "llama.rope.scaling.type '" + s->str + "' is not supported");

  const GgufTensorInfo* embd = f.find_tensor("token_embd.weight");
  if (!embd) throw ModelError(path, "missing tensor 'token_embd.weight'");
  if (embd->dims.size() != 2 || embd->dims[0] != c.dim || embd->dims[1] > UINT32_MAX)
    throw ModelError(path, "tensor 'token_embd.weight' is not [" + std::to_string(c.dim) + ", vocab]");
  c.vocab_size = static_cast<uint32_t>(embd->dims[1]);
  if (f.find("llama.vocab_size") && f.get_uint("llama.vocab_size") != c.vocab_size)
    throw ModelError(path, "llama.vocab_size differs from the rows of token_embd.weight");

  const uint64_t dim = c.dim, kv = c.kv_dim(), hid = c.hidden_dim, voc = c.vocab_size;
  m.token_embedding = f.tensor_as_float("token_embd.weight", {dim, voc});
  m.layers.resize(c.n_layers);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    LayerWeights& w = m.layers[l];
    // GGUF dims are ne order (input first), so [in, out] is the row-major [out][in] matrix.
    w.attn_norm = f.tensor_as_float(b + "attn_norm.weight", {dim});
    w.wq = f.tensor_as_float(b + "attn_q.weight", {dim, dim});
    w.wk = f.tensor_as_float(b + "attn_k.weight", {dim, kv});
    w.wv = f.tensor_as_float(b + "attn_v.weight", {dim, kv});
    w.wo = f.tensor_as_float(b + "attn_output.weight", {dim, dim});
    w.ffn_norm = f.tensor_as_float(b + "ffn_norm.weight", {dim});
    w.w1 = f.tensor_as_float(b + "ffn_gate.weight", {dim, hid});
    w.w2 = f.tensor_as_float(b + "ffn_down.weight", {hid, dim});
    w.w3 = f.tensor_as_float(b + "ffn_up.weight", {dim, hid});
  }
  m.final_norm = f.tensor_as_float("output_norm.weight", {dim});
  if (f.find_tensor("output.weight")) m.classifier = f.tensor_as_float("output.weight", {dim, voc});
  const std::string err = check_consistency(m);
  if (!err.empty()) throw ModelError(path, "inconsistent sizes: " + err);
  return m;
}

Model load_gguf_model(const std::string& path) { return load_gguf_model(GgufFile::read(path)); }

}  // namespace energon::llama
