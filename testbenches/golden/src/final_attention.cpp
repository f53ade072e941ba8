// Final attention of spec §1.3: INT16 scores, float32 softmax in a fixed order, Q0.16
// probabilities, exact weighted sum with round-half-away.
#include <cmath>

#include "energon/golden/golden.h"
#include "energon/kernels/kernels.h"

namespace energon::golden {

float softmax_scale(float scale_q, float scale_k, uint32_t d) {
  return (scale_q * scale_k) / std::sqrt(static_cast<float>(d));
}

int64_t dot_int16(const int16_t* q, const int16_t* k, uint32_t d) {
  int64_t acc = 0;
  for (uint32_t t = 0; t < d; ++t) acc += int32_t(q[t]) * int32_t(k[t]);  // |q·k| ≤ 2^30 fits int32
  return acc;
}

void softmax_q16(const int64_t* acc, uint32_t n, float c, uint16_t* p16) {
  if (n == 0) return;
  // x_j − m with m = max_j x_j, x_j = float(acc_j)·c (vector kernels where they give the same bits),
  // then e_j = expf(x_j − m) and Z = Σ e_j one at a time in ascending key order, then p16.
  const kernels::KernelSet& kern = kernels::active();
  thread_local std::vector<float> e;
  e.resize(n);
  if (!kern.softmax_shift(acc, n, c, e.data())) kernels::scalar().softmax_shift(acc, n, c, e.data());
  kern.exp_in_place(e.data(), n);  // e_j = expf(x_j − m), the C library's bits in every kernel set
  float z = 0.0f;
  for (uint32_t j = 0; j < n; ++j) z += e[j];  // ascending key order
  kern.softmax_q16_out(e.data(), n, z, p16);
}

void weighted_sum(const kernels::KernelSet& kern, const uint16_t* p16, const uint32_t* kept, uint32_t n,
                  const int16_t* v_head, uint32_t d, int16_t* out) {
  thread_local std::vector<int64_t> sum;
  sum.resize(d);
  kern.weighted_sum(p16, kept, n, v_head, d, sum.data());  // Σ p16·v, exact 64-bit (scalar: |p·v| < 2^31 per term)
  for (uint32_t t = 0; t < d; ++t) {
    const int64_t s = sum[t];
    int64_t o = s >= 0 ? (s + 32768) >> 16 : -((-s + 32768) >> 16);  // round half away from zero
    o = o > 32767 ? 32767 : (o < -32768 ? -32768 : o);
    out[t] = static_cast<int16_t>(o);
  }
}

void weighted_sum(const uint16_t* p16, const uint32_t* kept, uint32_t n, const int16_t* v_head, uint32_t d,
                  int16_t* out) {
  weighted_sum(kernels::active(), p16, kept, n, v_head, d, out);
}

}  // namespace energon::golden
