// AVX-512 (F + BW) attention kernels. Every function here carries the target
// attribute and has internal linkage, so no code built for AVX-512 can be reached on a CPU
// without it: kernels.cpp hands this set out only when __builtin_cpu_supports says so.
// Exactness: docs/numerics.md "Kernels"; each bound is restated where it is used.
// GCC 12 reports its own _mm512_undefined_* placeholders (inside the intrinsics, e.g. shuffles
// and widening moves) as (maybe-)uninitialized (GCC bug 105593, fixed in 13): silenced for this
// file only, before the header whose inline functions carry the warning.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "energon/kernels/kernels.h"
#include "expf_c_library.h"
#include "keep_at_least_avx2.h"

#define ENERGON_AVX512 __attribute__((target("avx512f,avx512bw")))

namespace energon::kernels {
namespace {

/// Mask of the first `m` 16-bit lanes (m ≤ 32).
inline __mmask32 lanes16(uint32_t m) { return m >= 32 ? ~__mmask32(0) : (__mmask32(1) << m) - 1; }

/// Eight 16-lane int32 vectors → their eight lane sums, in order, as int32 lanes 0..7. Every
/// intermediate is a sum of a subset of one vector's lanes, so it is exact whenever the full sum is.
ENERGON_AVX512 inline __m256i reduce8(const __m512i v[8]) {
  __m512i t[4];
  for (int i = 0; i < 4; ++i)  // [a0+a2, a1+a3, b0+b2, b1+b3] (128-bit blocks)
    t[i] = _mm512_add_epi32(_mm512_shuffle_i64x2(v[2 * i], v[2 * i + 1], 0x44),
                            _mm512_shuffle_i64x2(v[2 * i], v[2 * i + 1], 0xEE));
  // [v0, v1, v2, v3] and [v4, v5, v6, v7]: one 4-lane block per vector
  const __m512i u0 = _mm512_add_epi32(_mm512_shuffle_i64x2(t[0], t[1], 0x88), _mm512_shuffle_i64x2(t[0], t[1], 0xDD));
  const __m512i u1 = _mm512_add_epi32(_mm512_shuffle_i64x2(t[2], t[3], 0x88), _mm512_shuffle_i64x2(t[2], t[3], 0xDD));
  __m512i s = _mm512_add_epi32(_mm512_unpacklo_epi32(u0, u1), _mm512_unpackhi_epi32(u0, u1));
  s = _mm512_add_epi32(s, _mm512_shuffle_epi32(s, _MM_PERM_BADC));  // block i: [v_i, v_i+4, v_i, v_i+4]
  const __m512i idx = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  return _mm512_castsi512_si256(_mm512_permutexvar_epi32(idx, s));
}

// ---- Q·K on INT16 ----
// q = 256·qh + ql with qh = q >> 8 ∈ [−128, 127] and ql = q & 255 ∈ [0, 255]. pmaddwd of qh (ql)
// with k: |qh·k| ≤ 2^22 and |ql·k| ≤ 255·2^15, so over d ≤ 256 terms every partial sum of
// H = Σ qh·k is at most 2^30 and of L = Σ ql·k at most 256·255·2^15 = 2 139 095 040 < 2^31 − 1:
// int32 lanes never wrap (not even pmaddwd's pair sums, at most 2^23 and 2^24). The score is
// 256·H + L in int64. This holds for every int16 q and k, −32768 included.
template <int C>
ENERGON_AVX512 void scores16(const int16_t* q, const int16_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                             int64_t* out) {
  const __mmask32 tail = lanes16(d - 32 * (C - 1));
  __m512i qh[C], ql[C];
  for (int c = 0; c < C; ++c) {
    const __m512i x = _mm512_maskz_loadu_epi16(c == C - 1 ? tail : ~__mmask32(0), q + 32 * c);
    qh[c] = _mm512_srai_epi16(x, 8);
    ql[c] = _mm512_and_si512(x, _mm512_set1_epi16(0xff));
  }
  for (uint32_t j0 = 0; j0 < n; j0 += 4) {
    __m512i v[8];  // H of keys 0..3, then L of keys 0..3
    for (int g = 0; g < 4; ++g) {
      __m512i h = _mm512_setzero_si512(), l = _mm512_setzero_si512();
      if (j0 + g < n) {
        const int16_t* kr = k + size_t(rows[j0 + g]) * d;
        for (int c = 0; c < C; ++c) {
          const __m512i kk = c == C - 1 ? _mm512_maskz_loadu_epi16(tail, kr + 32 * c) : _mm512_loadu_si512(kr + 32 * c);
          h = _mm512_add_epi32(h, _mm512_madd_epi16(qh[c], kk));
          l = _mm512_add_epi32(l, _mm512_madd_epi16(ql[c], kk));
        }
      }
      v[g] = h;
      v[4 + g] = l;
    }
    const __m256i r = reduce8(v);
    const __m256i hq = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(r));
    const __m256i lq = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(r, 1));
    const __m256i s = _mm256_add_epi64(_mm256_slli_epi64(hq, 8), lq);
    if (j0 + 4 <= n) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j0), s);
    } else {
      alignas(32) int64_t tmp[4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), s);
      std::memcpy(out + j0, tmp, sizeof(int64_t) * (n - j0));
    }
  }
}

ENERGON_AVX512 void scores_int16(const int16_t* q, const int16_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                                 int64_t* out) {
  switch ((d + 31) / 32) {
    case 0:
      for (uint32_t j = 0; j < n; ++j) out[j] = 0;
      return;
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
    default:
      return scores16<8>(q, k, rows, n, d, out);  // d ≤ 256
  }
}

// ---- Q·K on INT8 (MP-MRF rounds) ----
// Sign-extended to int16, then pmaddwd: |q_b·k_b| ≤ 2^14, so over d ≤ 256 terms |Σ| ≤ 2^22.
template <int C>
ENERGON_AVX512 void scores8(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                            int64_t* out) {
  const uint32_t rest = d - 32 * (C - 1);
  const __mmask64 tail = rest >= 32 ? __mmask64(0xffffffffu) : (__mmask64(1) << rest) - 1;
  __m512i qw[C];
  for (int c = 0; c < C; ++c)
    qw[c] = _mm512_cvtepi8_epi16(
        _mm512_castsi512_si256(_mm512_maskz_loadu_epi8(c == C - 1 ? tail : __mmask64(0xffffffffu), q + 32 * c)));
  for (uint32_t j0 = 0; j0 < n; j0 += 8) {
    __m512i v[8];
    for (int g = 0; g < 8; ++g) {
      __m512i s = _mm512_setzero_si512();
      if (j0 + g < n) {
        const int8_t* kr = k + size_t(rows[j0 + g]) * d;
        for (int c = 0; c < C; ++c) {
          const __m256i kb = c == C - 1 ? _mm512_castsi512_si256(_mm512_maskz_loadu_epi8(tail, kr + 32 * c))
                                        : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kr + 32 * c));
          s = _mm512_add_epi32(s, _mm512_madd_epi16(qw[c], _mm512_cvtepi8_epi16(kb)));
        }
      }
      v[g] = s;
    }
    const __m512i r = _mm512_cvtepi32_epi64(reduce8(v));
    if (j0 + 8 <= n) {
      _mm512_storeu_si512(out + j0, r);
    } else {
      _mm512_mask_storeu_epi64(out + j0, __mmask8((1u << (n - j0)) - 1), r);
    }
  }
}

ENERGON_AVX512 void scores_int8(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                                int64_t* out) {
  switch ((d + 31) / 32) {
    case 0:
      for (uint32_t j = 0; j < n; ++j) out[j] = 0;
      return;
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
    default:
      return scores8<8>(q, k, rows, n, d, out);
  }
}

// ---- ×V ----
// WsumPlan: pairs (w_a, w_b) with 0 ≤ w ≤ 32767 (exact as signed int16 multipliers) of rows a, b;
// pmaddwd of the interleaved rows gives w_a·v_a[t] + w_b·v_b[t]. Within a block the weights sum
// to W ≤ 65535, so every 32-bit partial sum is at most 32768·W ≤ 2^31 − 2^15 in magnitude; at the
// end of a block the 32-bit sums are widened into the 64-bit ones. unpacklo/hi_epi16 interleave
// within 128-bit lanes: lo holds t = 8b + 0..3 of lane b, hi t = 8b + 4..7.
template <int C>
ENERGON_AVX512 void wsum(const WsumPlan& plan, const int16_t* v, uint32_t d, int64_t* sum) {
  const __mmask32 tail = lanes16(d - 32 * (C - 1));
  alignas(64) int64_t acc64[32 * C];
  for (int i = 0; i < 32 * C; ++i) acc64[i] = 0;
  const __m512i order_lo = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i order_hi = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const WsumPlan::Pair* pr = plan.pairs.data();
  uint32_t p = 0;
  for (const uint32_t end : plan.block_end) {
    __m512i lo[C], hi[C];
    for (int c = 0; c < C; ++c) lo[c] = hi[c] = _mm512_setzero_si512();
    for (; p < end; ++p) {
      const __m512i w = _mm512_set1_epi32(int32_t(pr[p].weight));
      const int16_t* va = v + size_t(pr[p].row_a) * d;
      const int16_t* vb = v + size_t(pr[p].row_b) * d;
      for (int c = 0; c < C; ++c) {
        __m512i a, b;
        if (c == C - 1) {
          a = _mm512_maskz_loadu_epi16(tail, va + 32 * c);
          b = _mm512_maskz_loadu_epi16(tail, vb + 32 * c);
        } else {
          a = _mm512_loadu_si512(va + 32 * c);
          b = _mm512_loadu_si512(vb + 32 * c);
        }
        lo[c] = _mm512_add_epi32(lo[c], _mm512_madd_epi16(_mm512_unpacklo_epi16(a, b), w));
        hi[c] = _mm512_add_epi32(hi[c], _mm512_madd_epi16(_mm512_unpackhi_epi16(a, b), w));
      }
    }
    for (int c = 0; c < C; ++c) {                                                // t order restored, widened, added
      const __m512i first = _mm512_permutex2var_epi32(lo[c], order_lo, hi[c]);   // t = 32c + 0..15
      const __m512i second = _mm512_permutex2var_epi32(lo[c], order_hi, hi[c]);  // t = 32c + 16..31
      int64_t* a = acc64 + 32 * c;
      _mm512_store_si512(a,
                         _mm512_add_epi64(_mm512_load_si512(a), _mm512_cvtepi32_epi64(_mm512_castsi512_si256(first))));
      _mm512_store_si512(a + 8, _mm512_add_epi64(_mm512_load_si512(a + 8),
                                                 _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(first, 1))));
      _mm512_store_si512(
          a + 16, _mm512_add_epi64(_mm512_load_si512(a + 16), _mm512_cvtepi32_epi64(_mm512_castsi512_si256(second))));
      _mm512_store_si512(a + 24, _mm512_add_epi64(_mm512_load_si512(a + 24),
                                                  _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(second, 1))));
    }
  }
  std::memcpy(sum, acc64, sizeof(int64_t) * d);
}

ENERGON_AVX512 void weighted_sum(const uint16_t* p16, const uint32_t* rows, uint32_t n, const int16_t* v, uint32_t d,
                                 int64_t* sum) {
  thread_local WsumPlan plan;
  plan.build(p16, rows, n);
  switch ((d + 31) / 32) {
    case 0:
      return;
    case 1:
      return wsum<1>(plan, v, d, sum);
    case 2:
      return wsum<2>(plan, v, d, sum);
    case 3:
      return wsum<3>(plan, v, d, sum);
    case 4:
      return wsum<4>(plan, v, d, sum);
    case 5:
      return wsum<5>(plan, v, d, sum);
    case 6:
      return wsum<6>(plan, v, d, sum);
    case 7:
      return wsum<7>(plan, v, d, sum);
    default:
      return wsum<8>(plan, v, d, sum);
  }
}

// ---- softmax passes (the float operations of the scalar code, lane by lane) ----
// float(acc): |acc| < 2^51 is made an exact double by the 2^52 + 2^51 bias trick, then rounded
// once to float (vcvtpd2ps, to nearest like the scalar cvtsi2ss): the same single rounding.
// x·c is the same IEEE multiply. Without NaN the maximum is unique up to the sign of a zero, and
// x − (±0) feeds expf, where ±0 give the same e. Any NaN or |acc| ≥ 2^51: return false (scalar).
ENERGON_AVX512 inline __m256 to_float(__m512i a) {
  const __m512i magic = _mm512_set1_epi64(0x4338000000000000LL);  // bits of 2^52 + 2^51
  const __m512d x = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_add_epi64(a, magic)), _mm512_castsi512_pd(magic));
  return _mm512_cvtpd_ps(x);
}

ENERGON_AVX512 bool softmax_shift(const int64_t* acc, uint32_t n, float c, float* xm) {
  const __m512i bias = _mm512_set1_epi64(int64_t(1) << 51);
  const __m512i limit = _mm512_set1_epi64(int64_t(1) << 52);
  const __m512 cv = _mm512_set1_ps(c);
  __m512 m = _mm512_set1_ps(-INFINITY);
  bool bad = false;
  for (uint32_t j = 0; j < n; j += 16) {
    const __mmask16 live = n - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - j)) - 1);
    const __m512i a0 = _mm512_maskz_loadu_epi64(__mmask8(live), acc + j);
    const __m512i a1 = _mm512_maskz_loadu_epi64(__mmask8(live >> 8), acc + j + 8);
    bad |= (_mm512_cmpge_epu64_mask(_mm512_add_epi64(a0, bias), limit) |
            _mm512_cmpge_epu64_mask(_mm512_add_epi64(a1, bias), limit)) != 0;  // |a| ≥ 2^51 (0 is fine)
    const __m512 f = _mm512_castpd_ps(
        _mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(to_float(a0))), _mm256_castps_pd(to_float(a1)), 1));
    const __m512 x = _mm512_mul_ps(f, cv);
    bad |= _mm512_mask_cmp_ps_mask(live, x, x, _CMP_UNORD_Q) != 0;
    m = _mm512_mask_max_ps(m, live, m, x);
    _mm512_mask_storeu_ps(xm + j, live, x);
  }
  if (bad) return false;
  const __m512 mv = _mm512_set1_ps(_mm512_reduce_max_ps(m));
  for (uint32_t j = 0; j < n; j += 16) {
    const __mmask16 live = n - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - j)) - 1);
    _mm512_mask_storeu_ps(xm + j, live, _mm512_sub_ps(_mm512_maskz_loadu_ps(live, xm + j), mv));
  }
  return true;
}

// (e/z)·65536 is the same IEEE divide and multiply; vcvtps2dq rounds like lrintf (MXCSR, to
// nearest even) wherever the value is in int32 range, and min(65535, ·) then the truncation to 16
// bits is the scalar cast. Lanes outside that range (or NaN: never in softmax_q16, where
// 0 ≤ e ≤ z) make their group of 16 run the scalar expression.
ENERGON_AVX512 void softmax_q16_out(const float* e, uint32_t n, float z, uint16_t* p16) {
  const __m512 zv = _mm512_set1_ps(z), scale = _mm512_set1_ps(65536.0f);
  const __m512 lo = _mm512_set1_ps(-2147483648.0f), hi = _mm512_set1_ps(2147483648.0f);
  const __m512i cap = _mm512_set1_epi32(65535);
  for (uint32_t j = 0; j < n; j += 16) {
    const __mmask16 live = n - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - j)) - 1);
    const __m512 r = _mm512_mul_ps(_mm512_div_ps(_mm512_maskz_loadu_ps(live, e + j), zv), scale);
    const __mmask16 ok = _mm512_cmp_ps_mask(r, lo, _CMP_GE_OQ) & _mm512_cmp_ps_mask(r, hi, _CMP_LT_OQ);
    if ((ok & live) != live) {
      for (uint32_t i = j; i < n && i < j + 16; ++i) {
        const long q = std::lrint((e[i] / z) * 65536.0f);
        p16[i] = static_cast<uint16_t>(q > 65535 ? 65535 : q);
      }
      continue;
    }
    const __m512i q = _mm512_min_epi32(_mm512_cvtps_epi32(r), cap);
    _mm512_mask_cvtepi32_storeu_epi16(p16 + j, live, q);  // truncation to 16 bits, as the cast
  }
}

// ---- expf: the C library's algorithm on 8 doubles (expf_c_library.h), |x| ≥ 88 lanes by expf ----
ENERGON_AVX512 inline __m256 expf8(__m256 x) {
  namespace L = expf_c_library;
  const __m512d xd = _mm512_cvtps_pd(x);
  const __m512d inv = _mm512_set1_pd(L::kInvLn2N), shift = _mm512_set1_pd(L::kShift);
  __m512d kd = _mm512_fmadd_pd(inv, xd, shift);
  const __m512i ki = _mm512_castpd_si512(kd);
  kd = _mm512_sub_pd(kd, shift);
  const __m512d r = _mm512_fmsub_pd(inv, xd, kd);
  const __m512i index = _mm512_and_si512(ki, _mm512_set1_epi64(31));
  const __m512i t = _mm512_add_epi64(_mm512_i64gather_epi64(index, L::kTable, 8), _mm512_slli_epi64(ki, 47));
  const __m512d z = _mm512_fmadd_pd(r, _mm512_set1_pd(L::kC0), _mm512_set1_pd(L::kC1));
  const __m512d r2 = _mm512_mul_pd(r, r);
  __m512d y = _mm512_fmadd_pd(r, _mm512_set1_pd(L::kC2), _mm512_set1_pd(1.0));
  y = _mm512_fmadd_pd(z, r2, y);
  return _mm512_cvtpd_ps(_mm512_mul_pd(y, _mm512_castsi512_pd(t)));
}

ENERGON_AVX512 void exp_vector(float* x, uint32_t n) {
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff);
  const __m512i special = _mm512_set1_epi32(int32_t(expf_c_library::kSpecialAbsBits - 1));
  for (uint32_t j = 0; j < n; j += 16) {
    const __mmask16 live = n - j >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - j)) - 1);
    const __m512 v = _mm512_maskz_loadu_ps(live, x + j);
    const __mmask16 lanes =
        _mm512_mask_cmpgt_epi32_mask(live, _mm512_and_si512(_mm512_castps_si512(v), abs_mask), special);
    const __m256 lo = _mm512_castps512_ps256(v);
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    const __m512d e =
        _mm512_insertf64x4(_mm512_castpd256_pd512(_mm256_castps_pd(expf8(lo))), _mm256_castps_pd(expf8(hi)), 1);
    alignas(64) float in[16];
    if (lanes) _mm512_store_ps(in, v);
    _mm512_mask_storeu_ps(x + j, live, _mm512_castpd_ps(e));
    for (int l = 0; lanes && l < 16; ++l)
      if (lanes & (1u << l)) x[j + l] = std::exp(in[l]);
  }
}

bool exp_vectorized() {
  static const bool reproduces = expf_c_library::matches_library(exp_vector);
  return reproduces;
}

void exp_in_place(float* x, uint32_t n) { expf_c_library::exp_in_place(exp_vectorized(), exp_vector, x, n); }

// ---- row statistics: 8 lanes of min, max and sum; the tail lanes masked to s[0] (min, max) and 0 ----
ENERGON_AVX512 void min_max_sum(const int64_t* s, uint32_t n, int64_t* out) {
  const __m512i first = _mm512_set1_epi64(s[0]);
  __m512i mn = first, mx = first, sum = _mm512_setzero_si512();
  for (uint32_t j = 0; j < n; j += 8) {
    const __mmask8 m = n - j >= 8 ? __mmask8(0xff) : __mmask8((1u << (n - j)) - 1);
    const __m512i x = _mm512_mask_loadu_epi64(first, m, s + j);
    mn = _mm512_min_epi64(mn, x);
    mx = _mm512_max_epi64(mx, x);
    sum = _mm512_add_epi64(sum, _mm512_maskz_mov_epi64(m, x));
  }
  out[0] = _mm512_reduce_min_epi64(mn), out[1] = _mm512_reduce_max_epi64(mx), out[2] = _mm512_reduce_add_epi64(sum);
}

const KernelSet kAvx512{"avx512",     scores_int16,   scores_int8,     weighted_sum, softmax_shift,
                        exp_in_place, exp_vectorized, softmax_q16_out, min_max_sum,  keep_at_least_avx2};

}  // namespace

const KernelSet& avx512_set() { return kAvx512; }

}  // namespace energon::kernels

#pragma GCC diagnostic pop
