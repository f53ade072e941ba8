#include <cmath>
#include <stdexcept>
#include <vector>

#include "energon/llama/attention_backend.h"

namespace energon::llama {

void FloatAttention::attend(uint32_t /*layer*/, const FloatLayer& qkv, float* out) {
  const AttentionShape& s = qkv.shape;
  if (qkv.q.size() != s.q_elems() || qkv.k.size() != s.kv_elems() || qkv.v.size() != s.kv_elems())
    throw std::invalid_argument("FloatAttention: tensor sizes do not match the shape");
  const uint32_t d = s.d;
  const float scale = sqrtf(static_cast<float>(d));
  std::vector<float> att(s.n_k);
  for (uint32_t h = 0; h < s.heads; ++h) {
    const uint32_t kvh = s.kv_head_of(h);
    const float* kh = qkv.k.data() + size_t(kvh) * s.n_k * d;
    const float* vh = qkv.v.data() + size_t(kvh) * s.n_k * d;
    for (uint32_t i = 0; i < s.n_q; ++i) {
      const float* q = qkv.q.data() + (size_t(h) * s.n_q + i) * d;
      float* o = out + (size_t(h) * s.n_q + i) * d;
      const uint32_t end = s.allowed_end(i);
      for (uint32_t t = 0; t < d; ++t) o[t] = 0.0f;
      if (end == 0) continue;
      for (uint32_t j = 0; j < end; ++j) {
        const float* k = kh + size_t(j) * d;
        float score = 0.0f;
        for (uint32_t t = 0; t < d; ++t) score += q[t] * k[t];
        att[j] = score / scale;
      }
      float max_val = att[0];
      for (uint32_t j = 1; j < end; ++j)
        if (att[j] > max_val) max_val = att[j];
      float sum = 0.0f;
      for (uint32_t j = 0; j < end; ++j) {
        att[j] = expf(att[j] - max_val);
        sum += att[j];
      }
      for (uint32_t j = 0; j < end; ++j) att[j] /= sum;
      for (uint32_t j = 0; j < end; ++j) {
        const float* v = vh + size_t(j) * d;
        const float a = att[j];
        for (uint32_t t = 0; t < d; ++t) o[t] += a * v[t];
      }
    }
  }
}

}  // namespace energon::llama
