#include <cstring>
#include <initializer_list>

#include "energon/llama/model_error.h"
#include "energon/llama/model_loader.h"
#include "file_bytes.h"

namespace energon::llama {
namespace {

constexpr uint32_t kExportMagic = 0x616b3432;  // "ak42": llama2.c export versions 1 and 2

// Sizes from an untrusted header; overflow means the header is corrupted.
uint64_t checked_mul(const std::string& path, uint64_t a, uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) throw ModelError(path, "corrupted header: sizes overflow 64 bits");
  return a * b;
}
uint64_t checked_sum(const std::string& path, std::initializer_list<uint64_t> terms) {
  uint64_t s = 0;
  for (uint64_t t : terms) {
    if (t > UINT64_MAX - s) throw ModelError(path, "corrupted header: sizes overflow 64 bits");
    s += t;
  }
  return s;
}

std::vector<float> take_floats(detail::ByteCursor& in, uint64_t n, const std::string& what) {
  const uint8_t* p = in.take(n * 4, what);
  std::vector<float> v(static_cast<size_t>(n));
  std::memcpy(v.data(), p, static_cast<size_t>(n) * 4);
  return v;
}

}  // namespace

Model load_llama2c_checkpoint(const std::string& path) {
  const std::vector<uint8_t> bytes = detail::read_file_bytes(path, detail::kMaxModelFileBytes);
  detail::ByteCursor in(path, bytes);
  if (bytes.size() >= 4) {
    uint32_t magic;
    std::memcpy(&magic, bytes.data(), 4);
    if (magic == kExportMagic)
      throw ModelError(path,
                       "llama2.c export version 1/2 (magic \"ak42\") is not supported; "
                       "use the legacy (version 0) checkpoint");
  }
  int32_t h[7];
  static const char* names[7] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
  for (int i = 0; i < 7; ++i) h[i] = in.read<int32_t>(std::string("header field ") + names[i]);
  for (int i = 0; i < 7; ++i)
    if (h[i] == 0 || (h[i] < 0 && i != 5))
      throw ModelError(
          path, std::string("corrupted header: ") + names[i] + " is " + std::to_string(h[i]) + " (must be positive)");

  Model m;
  m.source = path;
  ModelConfig& c = m.config;
  c.dim = static_cast<uint32_t>(h[0]);
  c.hidden_dim = static_cast<uint32_t>(h[1]);
  c.n_layers = static_cast<uint32_t>(h[2]);
  c.n_heads = static_cast<uint32_t>(h[3]);
  c.n_kv_heads = static_cast<uint32_t>(h[4]);
  const bool tied = h[5] > 0;
  c.vocab_size = static_cast<uint32_t>(tied ? h[5] : -static_cast<int64_t>(h[5]));
  c.seq_len = static_cast<uint32_t>(h[6]);
  if (c.dim % c.n_heads != 0 || c.n_heads % c.n_kv_heads != 0 || c.head_dim() % 2 != 0)
    throw ModelError(path, "inconsistent header: dim " + std::to_string(c.dim) + ", n_heads " +
                               std::to_string(c.n_heads) + ", n_kv_heads " + std::to_string(c.n_kv_heads) +
                               " (need dim % n_heads == 0, n_heads % n_kv_heads == 0, even "
                               "head dimension)");

  const uint64_t dim = c.dim, kv = c.kv_dim(), hid = c.hidden_dim, L = c.n_layers;
  const uint64_t voc = c.vocab_size;
  // Per layer: 2 norms, wq, wk, wv, wo, w1, w2, w3; then final norm and both RoPE tables.
  const uint64_t per_layer = checked_sum(
      path, {checked_mul(path, 2, dim), checked_mul(path, 2, checked_mul(path, dim, dim)),
             checked_mul(path, 2, checked_mul(path, kv, dim)), checked_mul(path, 3, checked_mul(path, hid, dim))});
  const uint64_t floats =
      checked_sum(path, {checked_mul(path, voc, dim), checked_mul(path, L, per_layer), dim,
                         checked_mul(path, c.seq_len, c.head_dim()), tied ? 0 : checked_mul(path, voc, dim)});
  const uint64_t expected = checked_sum(path, {28, checked_mul(path, floats, 4)});
  if (expected != bytes.size())
    throw ModelError(path, std::string(expected > bytes.size() ? "truncated file" : "inconsistent sizes") +
                               ": the header (dim " + std::to_string(c.dim) + ", hidden " +
                               std::to_string(c.hidden_dim) + ", layers " + std::to_string(L) + ", vocab " +
                               std::to_string(voc) + ", seq_len " + std::to_string(c.seq_len) + ") implies " +
                               std::to_string(expected) + " bytes, the file has " + std::to_string(bytes.size()));

  m.token_embedding = take_floats(in, voc * dim, "token embedding");
  m.layers.resize(c.n_layers);
  // The file stores each weight kind for all layers together.
  for (auto& w : m.layers) w.attn_norm = take_floats(in, dim, "rms_att_weight");
  for (auto& w : m.layers) w.wq = take_floats(in, dim * dim, "wq");
  for (auto& w : m.layers) w.wk = take_floats(in, kv * dim, "wk");
  for (auto& w : m.layers) w.wv = take_floats(in, kv * dim, "wv");
  for (auto& w : m.layers) w.wo = take_floats(in, dim * dim, "wo");
  for (auto& w : m.layers) w.ffn_norm = take_floats(in, dim, "rms_ffn_weight");
  for (auto& w : m.layers) w.w1 = take_floats(in, hid * dim, "w1");
  for (auto& w : m.layers) w.w2 = take_floats(in, dim * hid, "w2");
  for (auto& w : m.layers) w.w3 = take_floats(in, hid * dim, "w3");
  m.final_norm = take_floats(in, dim, "rms_final_weight");
  in.take(uint64_t(c.seq_len) * c.head_dim() * 4, "RoPE tables");  // unused: recomputed
  if (!tied) m.classifier = take_floats(in, voc * dim, "classifier");
  c.norm_eps = 1e-5f;  // llama2.c's fixed values; the format does not store them
  c.rope_theta = 10000.0f;
  const std::string err = check_consistency(m);
  if (!err.empty()) throw ModelError(path, "inconsistent sizes: " + err);
  return m;
}

}  // namespace energon::llama
