// AVX2 attention kernels: the AVX-512 algorithms (kernels_avx512.cpp, same exactness
// arguments, docs/numerics.md "Kernels") on 256-bit vectors. Every function carries the target
// attribute and has internal linkage; kernels.cpp hands this set out only on CPUs with AVX2.
// AVX2 has no 16-bit masked loads: the last d mod 16 columns are done one term at a time.
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "energon/kernels/kernels.h"
#include "expf_c_library.h"
#include "keep_at_least_avx2.h"

#define ENERGON_AVX2 __attribute__((target("avx2")))
#define ENERGON_AVX2_FMA __attribute__((target("avx2,fma")))

namespace energon::kernels {
namespace {

/// Eight 8-lane int32 vectors → their eight lane sums, in order (exact: subset sums only).
ENERGON_AVX2 inline __m256i reduce8(const __m256i v[8]) {
  const __m256i t0 = _mm256_hadd_epi32(v[0], v[1]), t1 = _mm256_hadd_epi32(v[2], v[3]);
  const __m256i t2 = _mm256_hadd_epi32(v[4], v[5]), t3 = _mm256_hadd_epi32(v[6], v[7]);
  const __m256i u0 = _mm256_hadd_epi32(t0, t1), u1 = _mm256_hadd_epi32(t2, t3);  // per 128-bit half: v0..3, v4..7
  return _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20), _mm256_permute2x128_si256(u0, u1, 0x31));
}

// ---- Q·K on INT16: q = 256·qh + ql, H = Σ qh·k, L = Σ ql·k in int32 lanes (never wrap for d ≤ 256) ----
template <int C>
ENERGON_AVX2 void scores16(const int16_t* q, const int16_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                           int64_t* out) {
  // C full 16-column chunks; columns 16·C .. d−1 one term at a time (the scalar definition).
  __m256i qh[C > 0 ? C : 1], ql[C > 0 ? C : 1];
  for (int c = 0; c < C; ++c) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 16 * c));
    qh[c] = _mm256_srai_epi16(x, 8);
    ql[c] = _mm256_and_si256(x, _mm256_set1_epi16(0xff));
  }
  const uint32_t t0 = 16 * C;
  for (uint32_t j0 = 0; j0 < n; j0 += 4) {
    __m256i v[8];
    int64_t rest[4] = {0, 0, 0, 0};
    for (int g = 0; g < 4; ++g) {
      __m256i h = _mm256_setzero_si256(), l = _mm256_setzero_si256();
      if (j0 + g < n) {
        const int16_t* kr = k + size_t(rows[j0 + g]) * d;
        for (int c = 0; c < C; ++c) {
          const __m256i kk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kr + 16 * c));
          h = _mm256_add_epi32(h, _mm256_madd_epi16(qh[c], kk));
          l = _mm256_add_epi32(l, _mm256_madd_epi16(ql[c], kk));
        }
        for (uint32_t t = t0; t < d; ++t) rest[g] += int32_t(q[t]) * int32_t(kr[t]);
      }
      v[g] = h;
      v[4 + g] = l;
    }
    const __m256i r = reduce8(v);
    const __m256i hq = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(r));
    const __m256i lq = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(r, 1));
    const __m256i s = _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(hq, 8), lq),
                                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rest)));
    if (j0 + 4 <= n) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j0), s);
    } else {
      alignas(32) int64_t tmp[4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), s);
      std::memcpy(out + j0, tmp, sizeof(int64_t) * (n - j0));
    }
  }
}

ENERGON_AVX2 void scores_int16(const int16_t* q, const int16_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                               int64_t* out) {
  switch (d / 16) {
    case 0:
      return scores16<0>(q, k, rows, n, d, out);
    case 1:
      return scores16<1>(q, k, rows, n, d, out);
    case 2:
      return scores16<2>(q, k, rows, n, d, out);
    case 3:
      return scores16<3>(q, k, rows, n, d, out);
    case 4:
      return scores16<4>(q, k, rows, n, d, out);
    case 5:
      return scores16<5>(q, k, rows, n, d, out);
    case 6:
      return scores16<6>(q, k, rows, n, d, out);
    case 7:
      return scores16<7>(q, k, rows, n, d, out);
    case 8:
      return scores16<8>(q, k, rows, n, d, out);
    case 9:
      return scores16<9>(q, k, rows, n, d, out);
    case 10:
      return scores16<10>(q, k, rows, n, d, out);
    case 11:
      return scores16<11>(q, k, rows, n, d, out);
    case 12:
      return scores16<12>(q, k, rows, n, d, out);
    case 13:
      return scores16<13>(q, k, rows, n, d, out);
    case 14:
      return scores16<14>(q, k, rows, n, d, out);
    case 15:
      return scores16<15>(q, k, rows, n, d, out);
    default:
      return scores16<16>(q, k, rows, n, d, out);  // d ≤ 256
  }
}

// ---- Q·K on INT8: sign-extended to int16, pmaddwd; |Σ| ≤ 256·2^14 = 2^22 ----
template <int C>
ENERGON_AVX2 void scores8(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                          int64_t* out) {
  __m256i qw[C > 0 ? C : 1];
  for (int c = 0; c < C; ++c)
    qw[c] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * c)));
  const uint32_t t0 = 16 * C;
  for (uint32_t j0 = 0; j0 < n; j0 += 8) {
    __m256i v[8];
    alignas(32) int32_t rest[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int g = 0; g < 8; ++g) {
      __m256i s = _mm256_setzero_si256();
      if (j0 + g < n) {
        const int8_t* kr = k + size_t(rows[j0 + g]) * d;
        for (int c = 0; c < C; ++c)
          s = _mm256_add_epi32(
              s, _mm256_madd_epi16(
                     qw[c], _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kr + 16 * c)))));
        for (uint32_t t = t0; t < d; ++t) rest[g] += int32_t(q[t]) * int32_t(kr[t]);
      }
      v[g] = s;
    }
    const __m256i r = _mm256_add_epi32(reduce8(v), _mm256_load_si256(reinterpret_cast<const __m256i*>(rest)));
    alignas(32) int32_t tmp[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), r);
    const uint32_t m = n - j0 < 8 ? n - j0 : 8;
    for (uint32_t g = 0; g < m; ++g) out[j0 + g] = tmp[g];
  }
}

// 8 ≤ d < 16 (a small model's heads): columns 0..7 of two keys per vector, [q | q]·[k_a | k_b],
// eight keys reduced together; columns 8 .. d−1 one term at a time. Same int32 bound as above.
ENERGON_AVX2 void scores8_narrow(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                                 int64_t* out) {
  const __m128i q8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q));
  const __m256i qq = _mm256_cvtepi8_epi16(_mm_unpacklo_epi64(q8, q8));
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  const auto key8 = [&](uint32_t j) {
    return j < n ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(k + size_t(rows[j]) * d)) : _mm_setzero_si128();
  };
  for (uint32_t j0 = 0; j0 < n; j0 += 8) {
    __m256i v[4];
    for (uint32_t g = 0; g < 4; ++g) {  // lanes 0..3: key j0 + 2g, lanes 4..7: key j0 + 2g + 1
      const __m128i kk = _mm_unpacklo_epi64(key8(j0 + 2 * g), key8(j0 + 2 * g + 1));
      v[g] = _mm256_madd_epi16(qq, _mm256_cvtepi8_epi16(kk));
    }
    // [k0 k2 k4 k6 | k1 k3 k5 k7] → keys in order
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
    alignas(32) int32_t tmp[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), _mm256_permutevar8x32_epi32(h, order));
    const uint32_t m = n - j0 < 8 ? n - j0 : 8;
    for (uint32_t g = 0; g < m; ++g) {
      const int8_t* kr = k + size_t(rows[j0 + g]) * d;
      int32_t rest = 0;
      for (uint32_t t = 8; t < d; ++t) rest += int32_t(q[t]) * int32_t(kr[t]);
      out[j0 + g] = tmp[g] + rest;
    }
  }
}

ENERGON_AVX2 void scores_int8(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                              int64_t* out) {
  switch (d / 16) {
    case 0:
      return d >= 8 ? scores8_narrow(q, k, rows, n, d, out) : scores8<0>(q, k, rows, n, d, out);
    case 1:
      return scores8<1>(q, k, rows, n, d, out);
    case 2:
      return scores8<2>(q, k, rows, n, d, out);
    case 3:
      return scores8<3>(q, k, rows, n, d, out);
    case 4:
      return scores8<4>(q, k, rows, n, d, out);
    case 5:
      return scores8<5>(q, k, rows, n, d, out);
    case 6:
      return scores8<6>(q, k, rows, n, d, out);
    case 7:
      return scores8<7>(q, k, rows, n, d, out);
    case 8:
      return scores8<8>(q, k, rows, n, d, out);
    case 9:
      return scores8<9>(q, k, rows, n, d, out);
    case 10:
      return scores8<10>(q, k, rows, n, d, out);
    case 11:
      return scores8<11>(q, k, rows, n, d, out);
    case 12:
      return scores8<12>(q, k, rows, n, d, out);
    case 13:
      return scores8<13>(q, k, rows, n, d, out);
    case 14:
      return scores8<14>(q, k, rows, n, d, out);
    case 15:
      return scores8<15>(q, k, rows, n, d, out);
    default:
      return scores8<16>(q, k, rows, n, d, out);
  }
}

// ---- ×V: WsumPlan pairs through pmaddwd, 32-bit blocks (weights ≤ 65535) widened at block ends ----
// Columns are done in groups of G ≤ 4 chunks of 16 (8 accumulators of 8 lanes: AVX2 has 16
// registers); the tail columns (d mod 16) one term at a time, in the same 32-bit blocks.
template <int G>
ENERGON_AVX2 void wsum_columns(const WsumPlan& plan, const int16_t* v, uint32_t d, uint32_t col, int64_t* acc64) {
  const WsumPlan::Pair* pr = plan.pairs.data();
  uint32_t p = 0;
  for (const uint32_t end : plan.block_end) {
    __m256i lo[G], hi[G];
    for (int c = 0; c < G; ++c) lo[c] = hi[c] = _mm256_setzero_si256();
    for (; p < end; ++p) {
      const __m256i w = _mm256_set1_epi32(int32_t(pr[p].weight));
      const int16_t* va = v + size_t(pr[p].row_a) * d + col;
      const int16_t* vb = v + size_t(pr[p].row_b) * d + col;
      for (int c = 0; c < G; ++c) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(va + 16 * c));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(vb + 16 * c));
        lo[c] = _mm256_add_epi32(lo[c], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), w));
        hi[c] = _mm256_add_epi32(hi[c], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), w));
      }
    }
    for (int c = 0; c < G; ++c) {                                            // lo: t = 0..3, 8..11; hi: 4..7, 12..15
      const __m256i first = _mm256_permute2x128_si256(lo[c], hi[c], 0x20);   // t = 0..7
      const __m256i second = _mm256_permute2x128_si256(lo[c], hi[c], 0x31);  // t = 8..15
      __m256i* a = reinterpret_cast<__m256i*>(acc64 + col + 16 * c);
      _mm256_storeu_si256(
          a + 0, _mm256_add_epi64(_mm256_loadu_si256(a + 0), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(first))));
      _mm256_storeu_si256(a + 1, _mm256_add_epi64(_mm256_loadu_si256(a + 1),
                                                  _mm256_cvtepi32_epi64(_mm256_extracti128_si256(first, 1))));
      _mm256_storeu_si256(
          a + 2, _mm256_add_epi64(_mm256_loadu_si256(a + 2), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(second))));
      _mm256_storeu_si256(a + 3, _mm256_add_epi64(_mm256_loadu_si256(a + 3),
                                                  _mm256_cvtepi32_epi64(_mm256_extracti128_si256(second, 1))));
    }
  }
}

ENERGON_AVX2 void weighted_sum(const uint16_t* p16, const uint32_t* rows, uint32_t n, const int16_t* v, uint32_t d,
                               int64_t* sum) {
  thread_local WsumPlan plan;
  plan.build(p16, rows, n);
  for (uint32_t t = 0; t < d; ++t) sum[t] = 0;
  const uint32_t full = d / 16;
  uint32_t c = 0;
  for (; c + 4 <= full; c += 4) wsum_columns<4>(plan, v, d, 16 * c, sum);
  switch (full - c) {
    case 3:
      wsum_columns<3>(plan, v, d, 16 * c, sum);
      break;
    case 2:
      wsum_columns<2>(plan, v, d, 16 * c, sum);
      break;
    case 1:
      wsum_columns<1>(plan, v, d, 16 * c, sum);
      break;
    default:
      break;
  }
  for (uint32_t t = 16 * full; t < d; ++t) {  // tail columns, the same 32-bit blocks
    const WsumPlan::Pair* pr = plan.pairs.data();
    uint32_t p = 0;
    for (const uint32_t end : plan.block_end) {
      int32_t s = 0;
      for (; p < end; ++p) {
        const int32_t wa = int32_t(pr[p].weight & 0xffff), wb = int32_t(pr[p].weight >> 16);
        s += wa * v[size_t(pr[p].row_a) * d + t] + wb * v[size_t(pr[p].row_b) * d + t];
      }
      sum[t] += s;
    }
  }
}

// ---- softmax passes: the AVX-512 arguments (kernels_avx512.cpp), 4 scores at a time ----
ENERGON_AVX2 inline __m128 to_float(__m256i a) {  // exact double for |a| < 2^51, one rounding
  const __m256i magic = _mm256_set1_epi64x(0x4338000000000000LL);
  return _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(a, magic)), _mm256_castsi256_pd(magic)));
}

ENERGON_AVX2 bool softmax_shift(const int64_t* acc, uint32_t n, float c, float* xm) {
  const __m256i lo = _mm256_set1_epi64x(-(int64_t(1) << 51)), hi = _mm256_set1_epi64x(int64_t(1) << 51);
  const __m128 cv = _mm_set1_ps(c);
  __m128 m = _mm_set1_ps(-INFINITY);
  __m256i out_of_range = _mm256_setzero_si256();
  __m128 unordered = _mm_setzero_ps();
  const uint32_t n4 = n & ~3u;
  for (uint32_t j = 0; j < n4; j += 4) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + j));
    out_of_range = _mm256_or_si256(out_of_range, _mm256_or_si256(_mm256_cmpgt_epi64(lo, a), _mm256_cmpgt_epi64(a, hi)));
    const __m128 x = _mm_mul_ps(to_float(a), cv);
    unordered = _mm_or_ps(unordered, _mm_cmpunord_ps(x, x));
    m = _mm_max_ps(m, x);
    _mm_storeu_ps(xm + j, x);
  }
  if (!_mm256_testz_si256(out_of_range, out_of_range) || _mm_movemask_ps(unordered)) return false;
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, m);
  float mx = lanes[0];
  for (int i = 1; i < 4; ++i) mx = lanes[i] > mx ? lanes[i] : mx;
  for (uint32_t j = n4; j < n; ++j) {  // tail: the scalar expression
    const float x = static_cast<float>(acc[j]) * c;
    if (x != x) return false;
    xm[j] = x;
    mx = x > mx ? x : mx;
  }
  const __m128 mv = _mm_set1_ps(mx);
  for (uint32_t j = 0; j < n4; j += 4) _mm_storeu_ps(xm + j, _mm_sub_ps(_mm_loadu_ps(xm + j), mv));
  for (uint32_t j = n4; j < n; ++j) xm[j] -= mx;
  return true;
}

ENERGON_AVX2 void softmax_q16_out(const float* e, uint32_t n, float z, uint16_t* p16) {
  const __m256 zv = _mm256_set1_ps(z), scale = _mm256_set1_ps(65536.0f);
  const __m256 lo = _mm256_set1_ps(-2147483648.0f), hi = _mm256_set1_ps(2147483648.0f);
  const __m256i cap = _mm256_set1_epi32(65535), low16 = _mm256_set1_epi32(0xffff);
  const uint32_t n8 = n & ~7u;
  for (uint32_t j = 0; j < n8; j += 8) {
    const __m256 r = _mm256_mul_ps(_mm256_div_ps(_mm256_loadu_ps(e + j), zv), scale);
    const __m256 ok = _mm256_and_ps(_mm256_cmp_ps(r, lo, _CMP_GE_OQ), _mm256_cmp_ps(r, hi, _CMP_LT_OQ));
    if (_mm256_movemask_ps(ok) != 0xff) {  // outside int32 or NaN: the scalar expression
      for (uint32_t i = j; i < j + 8; ++i) {
        const long q = std::lrint((e[i] / z) * 65536.0f);
        p16[i] = static_cast<uint16_t>(q > 65535 ? 65535 : q);
      }
      continue;
    }
    const __m256i q = _mm256_and_si256(_mm256_min_epi32(_mm256_cvtps_epi32(r), cap), low16);  // truncation
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(q, q), 0x08);         // values ≤ 65535: exact
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p16 + j), _mm256_castsi256_si128(packed));
  }
  for (uint32_t j = n8; j < n; ++j) {
    const long q = std::lrint((e[j] / z) * 65536.0f);
    p16[j] = static_cast<uint16_t>(q > 65535 ? 65535 : q);
  }
}

// ---- expf: the C library's algorithm on 4 doubles (expf_c_library.h), |x| ≥ 88 lanes by expf ----
ENERGON_AVX2_FMA inline __m128 expf4(__m128 x) {
  namespace L = expf_c_library;
  const __m256d xd = _mm256_cvtps_pd(x);
  const __m256d inv = _mm256_set1_pd(L::kInvLn2N), shift = _mm256_set1_pd(L::kShift);
  __m256d kd = _mm256_fmadd_pd(inv, xd, shift);
  const __m256i ki = _mm256_castpd_si256(kd);
  kd = _mm256_sub_pd(kd, shift);
  const __m256d r = _mm256_fmsub_pd(inv, xd, kd);
  const __m256i index = _mm256_and_si256(ki, _mm256_set1_epi64x(31));
  const __m256i t = _mm256_add_epi64(_mm256_i64gather_epi64(reinterpret_cast<const long long*>(L::kTable), index, 8),
                                     _mm256_slli_epi64(ki, 47));
  const __m256d z = _mm256_fmadd_pd(r, _mm256_set1_pd(L::kC0), _mm256_set1_pd(L::kC1));
  const __m256d r2 = _mm256_mul_pd(r, r);
  __m256d y = _mm256_fmadd_pd(r, _mm256_set1_pd(L::kC2), _mm256_set1_pd(1.0));
  y = _mm256_fmadd_pd(z, r2, y);
  return _mm256_cvtpd_ps(_mm256_mul_pd(y, _mm256_castsi256_pd(t)));
}

ENERGON_AVX2_FMA void exp_vector(float* x, uint32_t n) {
  const __m128i abs_mask = _mm_set1_epi32(0x7fffffff);
  const __m128i special = _mm_set1_epi32(int32_t(expf_c_library::kSpecialAbsBits - 1));
  uint32_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m128 v = _mm_loadu_ps(x + j);
    const int lanes =
        _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(_mm_and_si128(_mm_castps_si128(v), abs_mask), special)));
    float in[4];
    _mm_storeu_ps(in, v);
    _mm_storeu_ps(x + j, expf4(v));
    for (int l = 0; lanes && l < 4; ++l)
      if (lanes & (1 << l)) x[j + l] = std::exp(in[l]);
  }
  for (; j < n; ++j) x[j] = std::exp(x[j]);
}

bool exp_vectorized() {
  static const bool reproduces = __builtin_cpu_supports("fma") && expf_c_library::matches_library(exp_vector);
  return reproduces;
}

void exp_in_place(float* x, uint32_t n) { expf_c_library::exp_in_place(exp_vectorized(), exp_vector, x, n); }

// ---- row statistics: 4 lanes of min, max (compare and blend) and sum, combined at the end ----
ENERGON_AVX2 void min_max_sum(const int64_t* s, uint32_t n, int64_t* out) {
  __m256i mn = _mm256_set1_epi64x(s[0]), mx = mn, sum = _mm256_setzero_si256();
  uint32_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + j));
    mn = _mm256_blendv_epi8(mn, x, _mm256_cmpgt_epi64(mn, x));
    mx = _mm256_blendv_epi8(mx, x, _mm256_cmpgt_epi64(x, mx));
    sum = _mm256_add_epi64(sum, x);
  }
  alignas(32) int64_t lmn[4], lmx[4];
  alignas(32) uint64_t lsum[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lmn), mn);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lmx), mx);
  _mm256_store_si256(reinterpret_cast<__m256i*>(lsum), sum);
  int64_t rmn = lmn[0], rmx = lmx[0];
  uint64_t rsum = lsum[0] + lsum[1] + lsum[2] + lsum[3];
  for (int l = 1; l < 4; ++l) rmn = lmn[l] < rmn ? lmn[l] : rmn, rmx = lmx[l] > rmx ? lmx[l] : rmx;
  for (; j < n; ++j) {
    rmn = s[j] < rmn ? s[j] : rmn;
    rmx = s[j] > rmx ? s[j] : rmx;
    rsum += uint64_t(s[j]);
  }
  out[0] = rmn, out[1] = rmx, out[2] = int64_t(rsum);
}

// Four scores per compare; the kept rows of the four are gathered to the front of a 128-bit lane
// by a byte shuffle chosen by the 4-bit keep mask, stored whole and the output advanced by the
// mask's count (the stored lane never passes out + n: m ≤ j).
struct KeepShuffles {
  alignas(16) uint8_t pattern[16][16];
  constexpr KeepShuffles() : pattern{} {
    for (unsigned mask = 0; mask < 16; ++mask) {
      unsigned k = 0;
      for (unsigned lane = 0; lane < 4; ++lane)
        if (mask >> lane & 1) {
          for (unsigned b = 0; b < 4; ++b) pattern[mask][4 * k + b] = uint8_t(4 * lane + b);
          ++k;
        }
      for (; k < 4; ++k)
        for (unsigned b = 0; b < 4; ++b) pattern[mask][4 * k + b] = 0x80;  // zero
    }
  }
};
constexpr KeepShuffles kKeepShuffles;

}  // namespace

__attribute__((target("avx2,popcnt"))) uint32_t keep_at_least_avx2(const int64_t* s, const uint32_t* rows, uint32_t n,
                                                                   int64_t t, uint32_t* out) {
  const __m256i tv = _mm256_set1_epi64x(t);
  uint32_t m = 0, j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + j));
    const unsigned below = unsigned(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(tv, x))));
    const unsigned keep = ~below & 0xfu;
    const __m128i r = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows + j));
    const __m128i packed =
        _mm_shuffle_epi8(r, _mm_load_si128(reinterpret_cast<const __m128i*>(kKeepShuffles.pattern[keep])));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + m), packed);
    m += unsigned(_mm_popcnt_u32(keep));
  }
  for (; j < n; ++j) {
    out[m] = rows[j];
    m += s[j] >= t ? 1 : 0;
  }
  return m;
}

namespace {

const KernelSet kAvx2{"avx2",       scores_int16,   scores_int8,     weighted_sum, softmax_shift,
                      exp_in_place, exp_vectorized, softmax_q16_out, min_max_sum,  keep_at_least_avx2};

}  // namespace

const KernelSet& avx2_set() { return kAvx2; }

}  // namespace energon::kernels
