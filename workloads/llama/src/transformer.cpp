#include "energon/llama/transformer.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace energon::llama {
namespace {

// llama2.c matmul: xout[d] = W[d][n] · x[n], each row summed in input order.
void matmul(float* xout, const float* x, const float* w, uint32_t n, uint32_t d) {
  for (uint32_t i = 0; i < d; ++i) {
    const float* row = w + size_t(i) * n;
    float val = 0.0f;
    for (uint32_t j = 0; j < n; ++j) val += row[j] * x[j];
    xout[i] = val;
  }
}

HostWork matmul_work(uint64_t n, uint64_t d) { return {n * d, 0, 0, 4 * (n * d + n + d)}; }

// llama2.c rmsnorm (o may alias x: the sum of squares is taken first).
void rmsnorm(float* o, const float* x, const float* weight, uint32_t size, float eps) {
  float ss = 0.0f;
  for (uint32_t j = 0; j < size; ++j) ss += x[j] * x[j];
  ss /= static_cast<float>(size);
  ss += eps;
  ss = 1.0f / sqrtf(ss);
  for (uint32_t j = 0; j < size; ++j) o[j] = weight[j] * (ss * x[j]);
}

HostWork rmsnorm_work(uint64_t n) { return {n, 2 * n + 3, 1, 4 * 3 * n}; }

}  // namespace

Transformer::Transformer(const Model& model, uint32_t context)
    : Transformer(model, nullptr, std::make_unique<FloatAttention>(), context) {}

Transformer::Transformer(const Model& model, AttentionBackend& attention, uint32_t context)
    : Transformer(model, &attention, nullptr, context) {}

Transformer::Transformer(const Model& model, AttentionBackend* attention, std::unique_ptr<FloatAttention> own,
                         uint32_t context)
    : model_(model), own_attention_(std::move(own)), attention_(attention ? *attention : *own_attention_) {
  const std::string err = check_consistency(model);
  if (!err.empty()) throw std::invalid_argument(model.source + ": " + err);
  const ModelConfig& c = model.config;
  context_ = context == 0 ? c.seq_len : context;
  if (context_ > c.seq_len)
    throw std::invalid_argument("context " + std::to_string(context_) + " exceeds the model's " +
                                std::to_string(c.seq_len));
  const size_t cache = size_t(c.n_layers) * c.n_kv_heads * context_ * c.head_dim();
  k_cache_.assign(cache, 0.0f);
  v_cache_.assign(cache, 0.0f);
}

void Transformer::reset() { cached_ = 0; }

void Transformer::reset_work() {
  last_work_.reset();
  total_work_.reset();
}

void Transformer::add_work(HostOp op, const HostWork& w) {
  last_work_.add(op, w);
  total_work_.add(op, w);
}

const std::vector<float>& Transformer::forward(TokenId token, uint32_t pos) {
  return forward_sequence(std::vector<TokenId>{token}, pos, true);
}

const std::vector<float>& Transformer::forward_sequence(const std::vector<TokenId>& tokens, uint32_t pos,
                                                        bool all_logits) {
  const ModelConfig& c = model_.config;
  const uint32_t n = static_cast<uint32_t>(tokens.size());
  if (n == 0) throw std::invalid_argument("forward_sequence: no tokens");
  if (pos > cached_)
    throw std::invalid_argument("forward at position " + std::to_string(pos) + " but only " + std::to_string(cached_) +
                                " positions are cached");
  if (uint64_t(pos) + n > context_)
    throw std::invalid_argument("positions up to " + std::to_string(uint64_t(pos) + n - 1) + " exceed the context of " +
                                std::to_string(context_));
  for (TokenId t : tokens)
    if (t < 0 || static_cast<uint32_t>(t) >= c.vocab_size)
      throw std::invalid_argument("token " + std::to_string(t) + " outside the vocabulary");

  last_work_.reset();
  last_work_.forward_steps = 1;
  last_work_.tokens = n;
  const uint32_t dim = c.dim, hid = c.hidden_dim;
  x_.resize(size_t(n) * dim);
  xb_.resize(size_t(n) * dim);
  xb2_.resize(size_t(n) * dim);
  q_.resize(size_t(n) * dim);
  k_new_.resize(size_t(n) * c.kv_dim());
  v_new_.resize(size_t(n) * c.kv_dim());
  hb_.resize(size_t(n) * hid);
  hb2_.resize(size_t(n) * hid);
  att_out_.resize(size_t(n) * dim);

  for (uint32_t r = 0; r < n; ++r)
    std::memcpy(&x_[size_t(r) * dim], &model_.token_embedding[size_t(tokens[r]) * dim], dim * sizeof(float));
  last_work_.add(HostOp::embedding, {0, 0, 0, 2ull * 4 * n * dim});

  for (uint32_t l = 0; l < c.n_layers; ++l) run_layer(l, n, pos);
  cached_ = pos + n;

  const uint32_t first = all_logits ? 0 : n - 1;
  logits_.resize(size_t(n - first) * c.vocab_size);
  for (uint32_t r = first; r < n; ++r) {
    float* x = &x_[size_t(r) * dim];
    rmsnorm(x, x, model_.final_norm.data(), dim, c.norm_eps);
    matmul(&logits_[size_t(r - first) * c.vocab_size], x, model_.classifier_weights(), dim, c.vocab_size);
    last_work_.add(HostOp::rmsnorm, rmsnorm_work(dim));
    last_work_.add(HostOp::classifier, matmul_work(dim, c.vocab_size));
  }
  total_work_ += last_work_;
  return logits_;
}

void Transformer::run_layer(uint32_t l, uint32_t n, uint32_t pos) {
  const ModelConfig& c = model_.config;
  const LayerWeights& w = model_.layers[l];
  const uint32_t dim = c.dim, kv_dim = c.kv_dim(), hd = c.head_dim(), hid = c.hidden_dim;
  const uint32_t n_k = pos + n;

  for (uint32_t r = 0; r < n; ++r) {
    const float* x = &x_[size_t(r) * dim];
    float* xb = &xb_[size_t(r) * dim];
    rmsnorm(xb, x, w.attn_norm.data(), dim, c.norm_eps);
    matmul(&q_[size_t(r) * dim], xb, w.wq.data(), dim, dim);
    matmul(&k_new_[size_t(r) * kv_dim], xb, w.wk.data(), dim, kv_dim);
    matmul(&v_new_[size_t(r) * kv_dim], xb, w.wv.data(), dim, kv_dim);
    // llama2.c rotary: pairs (i, i+1) of each head turned by pos·θ^(−(i mod hd)/hd).
    float* q = &q_[size_t(r) * dim];
    float* k = &k_new_[size_t(r) * kv_dim];
    const uint32_t p = pos + r;
    for (uint32_t i = 0; i < dim; i += 2) {
      const uint32_t head_dim = i % hd;
      const float freq = 1.0f / powf(c.rope_theta, static_cast<float>(head_dim) / static_cast<float>(hd));
      const float val = static_cast<float>(p) * freq;
      const float fcr = cosf(val);
      const float fci = sinf(val);
      const int rotn = i < kv_dim ? 2 : 1;
      for (int v = 0; v < rotn; ++v) {
        float* vec = v == 0 ? q : k;
        const float v0 = vec[i];
        const float v1 = vec[i + 1];
        vec[i] = v0 * fcr - v1 * fci;
        vec[i + 1] = v0 * fci + v1 * fcr;
      }
    }
    // Append this position's K and V to the cache, [kv_head][position][hd].
    for (uint32_t g = 0; g < c.n_kv_heads; ++g) {
      const size_t at = ((size_t(l) * c.n_kv_heads + g) * context_ + p) * hd;
      std::memcpy(&k_cache_[at], k + size_t(g) * hd, hd * sizeof(float));
      std::memcpy(&v_cache_[at], &v_new_[size_t(r) * kv_dim + size_t(g) * hd], hd * sizeof(float));
    }
  }
  const uint64_t nn = n;
  last_work_.add(HostOp::rmsnorm, {nn * dim, nn * (2 * dim + 3), nn, nn * 4 * 3 * dim});
  HostWork proj = matmul_work(dim, dim);
  proj += matmul_work(dim, kv_dim);
  proj += matmul_work(dim, kv_dim);
  for (uint32_t r = 0; r < n; ++r) last_work_.add(HostOp::qkv_projection, proj);
  const uint64_t pairs = dim / 2 + kv_dim / 2;
  last_work_.add(HostOp::rotary,
                 {0, nn * (6 * pairs + 3 * (dim / 2)), nn * 3 * (dim / 2), nn * 4 * 2 * (dim + kv_dim)});

  // The attention job: q [heads][n][hd], K/V prefix [kv_heads][n_k][hd].
  AttentionShape& s = job_.shape;
  s.heads = c.n_heads;
  s.kv_heads = c.n_kv_heads;
  s.n_q = n;
  s.n_k = n_k;
  s.d = hd;
  s.causal = true;
  s.valid_len = n_k;
  job_.q.resize(s.q_elems());
  job_.k.resize(s.kv_elems());
  job_.v.resize(s.kv_elems());
  for (uint32_t h = 0; h < c.n_heads; ++h)
    for (uint32_t r = 0; r < n; ++r)
      std::memcpy(&job_.q[(size_t(h) * n + r) * hd], &q_[size_t(r) * dim + size_t(h) * hd], hd * sizeof(float));
  for (uint32_t g = 0; g < c.n_kv_heads; ++g) {
    const size_t from = (size_t(l) * c.n_kv_heads + g) * context_ * hd;
    std::memcpy(&job_.k[size_t(g) * n_k * hd], &k_cache_[from], size_t(n_k) * hd * sizeof(float));
    std::memcpy(&job_.v[size_t(g) * n_k * hd], &v_cache_[from], size_t(n_k) * hd * sizeof(float));
  }
  last_work_.add(HostOp::kv_gather, {0, 0, 0, 2 * 4 * (s.q_elems() + 2 * s.kv_elems())});

  attention_.attend(l, job_, att_out_.data());
  uint64_t scored = 0;  // (query, key) pairs the causal mask allows, over all heads
  for (uint32_t i = 0; i < n; ++i) scored += s.allowed_end(i);
  scored *= s.heads;
  last_work_.add(HostOp::attention, {2 * scored * hd, 4 * scored + 2 * uint64_t(s.heads) * n * hd, scored + 1,
                                     4 * (2 * scored * hd + 2 * s.q_elems())});

  for (uint32_t r = 0; r < n; ++r) {
    float* xb = &xb_[size_t(r) * dim];
    for (uint32_t h = 0; h < c.n_heads; ++h)
      std::memcpy(xb + size_t(h) * hd, &att_out_[(size_t(h) * n + r) * hd], hd * sizeof(float));
    float* x = &x_[size_t(r) * dim];
    float* xb2 = &xb2_[size_t(r) * dim];
    matmul(xb2, xb, w.wo.data(), dim, dim);
    for (uint32_t i = 0; i < dim; ++i) x[i] += xb2[i];
    // SwiGLU FFN.
    rmsnorm(xb, x, w.ffn_norm.data(), dim, c.norm_eps);
    float* hb = &hb_[size_t(r) * hid];
    float* hb2 = &hb2_[size_t(r) * hid];
    matmul(hb, xb, w.w1.data(), dim, hid);
    matmul(hb2, xb, w.w3.data(), dim, hid);
    for (uint32_t i = 0; i < hid; ++i) {
      float val = hb[i];
      val *= (1.0f / (1.0f + expf(-val)));
      val *= hb2[i];
      hb[i] = val;
    }
    matmul(xb, hb, w.w2.data(), hid, dim);
    for (uint32_t i = 0; i < dim; ++i) x[i] += xb[i];
  }
  HostWork ffn = matmul_work(dim, hid);
  ffn += matmul_work(dim, hid);
  ffn += matmul_work(hid, dim);
  ffn += HostWork{0, 5ull * hid, hid, 4ull * 3 * hid};
  for (uint32_t r = 0; r < n; ++r) {
    last_work_.add(HostOp::output_projection, matmul_work(dim, dim));
    last_work_.add(HostOp::residual, {0, 2ull * dim, 0, 4ull * 2 * 3 * dim});
    last_work_.add(HostOp::rmsnorm, rmsnorm_work(dim));
    last_work_.add(HostOp::ffn, ffn);
  }
}

}  // namespace energon::llama
