#include <cmath>

#include "energon/golden/golden.h"

namespace energon::golden {

float tensor_scale(const float* x, size_t n) {
  float max_abs = 0.0f;
  for (size_t i = 0; i < n; ++i) max_abs = std::fmax(max_abs, std::fabs(x[i]));
  return max_abs > 0.0f ? max_abs / 32767.0f : 1.0f;
}

int16_t quantize(float x, float scale) {
  const float r = std::nearbyintf(x / scale);         // default rounding mode: to nearest, ties to even
  if (!(r >= -32768.0f)) return r != r ? 0 : -32768;  // NaN → 0
  if (r > 32767.0f) return 32767;
  return static_cast<int16_t>(r);
}

static QuantizedTensor quantize_heads(const std::vector<float>& x, uint32_t heads, size_t per_head) {
  QuantizedTensor t;
  t.data.resize(x.size());
  t.scale.resize(heads);
  for (uint32_t h = 0; h < heads; ++h) {
    const float* src = x.data() + h * per_head;
    const float s = tensor_scale(src, per_head);
    t.scale[h] = s;
    for (size_t i = 0; i < per_head; ++i) t.data[h * per_head + i] = quantize(src[i], s);
  }
  return t;
}

QuantizedLayer quantize_layer(const FloatLayer& layer) {
  const AttentionShape& s = layer.shape;
  QuantizedLayer q;
  q.shape = s;
  q.q = quantize_heads(layer.q, s.heads, size_t(s.n_q) * s.d);
  q.k = quantize_heads(layer.k, s.kv_heads, size_t(s.n_k) * s.d);
  q.v = quantize_heads(layer.v, s.kv_heads, size_t(s.n_k) * s.d);
  return q;
}

}  // namespace energon::golden
