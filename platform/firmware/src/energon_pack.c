#include "energon/fw/energon_pack.h"

#include <math.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h> /* every x86-64 host; the scalar loops below are the whole code elsewhere */
#endif

float energon_tensor_scale(const float* x, size_t n) {
  float max_abs = 0.0f;
  size_t i = 0;
#if defined(__SSE2__)
  /* Four running maxima of |x|: max is exact and order-free on non-negative values, and MAXPS
   * keeps its second operand when the first is NaN, as the compare below does. */
  const __m128 magnitude = _mm_castsi128_ps(_mm_set1_epi32(0x7FFFFFFF));
  __m128 m = _mm_setzero_ps();
  for (; i + 4 <= n; i += 4) m = _mm_max_ps(_mm_and_ps(_mm_loadu_ps(x + i), magnitude), m);
  float lanes[4];
  _mm_storeu_ps(lanes, m);
  for (int j = 0; j < 4; ++j)
    if (lanes[j] > max_abs) max_abs = lanes[j];
#endif
  for (; i < n; ++i) {
    const float a = fabsf(x[i]);
    if (a > max_abs) max_abs = a;
  }
  return max_abs > 0.0f ? max_abs / 32767.0f : 1.0f;
}

int16_t energon_quantize(float x, float scale) {
  const float v = x / scale;
  if (v != v) return 0; /* NaN */
  /* Saturate before lrintf: out-of-range conversion is undefined. */
  if (v >= 32767.0f) return 32767;
  if (v <= -32768.0f) return -32768;
  return (int16_t)lrintf(v);
}

void energon_quantize_heads(const float* x, uint32_t heads, size_t per_head, int16_t* out, float* scales) {
  for (uint32_t h = 0; h < heads; ++h) {
    const float* xh = x + (size_t)h * per_head;
    int16_t* oh = out + (size_t)h * per_head;
    const float s = energon_tensor_scale(xh, per_head);
    scales[h] = s;
    size_t i = 0;
#if defined(__SSE2__)
    /* energon_quantize eight at a time: the same IEEE quotient (DIVPS), NaN to 0, saturation at
     * 32767 before the conversion, CVTPS2DQ rounding in the current mode as lrintf does (giving
     * INT32_MIN below the range) and PACKSSDW saturating at -32768. */
    const __m128 vs = _mm_set1_ps(s), top = _mm_set1_ps(32767.0f);
    for (; i + 8 <= per_head; i += 8) {
      __m128 lo = _mm_div_ps(_mm_loadu_ps(xh + i), vs);
      __m128 hi = _mm_div_ps(_mm_loadu_ps(xh + i + 4), vs);
      lo = _mm_min_ps(_mm_and_ps(lo, _mm_cmpord_ps(lo, lo)), top);
      hi = _mm_min_ps(_mm_and_ps(hi, _mm_cmpord_ps(hi, hi)), top);
      _mm_storeu_si128((__m128i*)(oh + i), _mm_packs_epi32(_mm_cvtps_epi32(lo), _mm_cvtps_epi32(hi)));
    }
#endif
    for (; i < per_head; ++i) oh[i] = energon_quantize(xh[i], s);
  }
}

size_t energon_plane_bytes(size_t rows, uint32_t d, uint32_t bits) { return rows * ((size_t)d * bits / 8u); }

uint32_t energon_planes_for_rounds(uint8_t policy, const energon_select_t* rounds, uint32_t n_rounds,
                                   uint8_t plane_bits[ENERGON_MAX_PLANES]) {
  memset(plane_bits, 0, ENERGON_MAX_PLANES);
  /* mpmrf: the rounds' k_bits; spatten: its MSB pass round[0].k_bits (MSB plane, then the LSBs). */
  if (policy != ENERGON_POLICY_MPMRF && policy != ENERGON_POLICY_SPATTEN) {
    plane_bits[0] = 16;
    return 1;
  }
  /* Plane boundaries are the distinct k_bits of the rounds, in increasing order. */
  uint32_t have = 0; /* bits covered so far */
  uint32_t n = 0;
  for (;;) {
    uint32_t next = 16;
    for (uint32_t r = 0; r < n_rounds; ++r)
      if (rounds[r].k_bits > have && rounds[r].k_bits < next) next = rounds[r].k_bits;
    if (n == ENERGON_MAX_PLANES) return 0;
    plane_bits[n++] = (uint8_t)(next - have);
    have = next;
    if (have == 16) return n;
  }
}

static int planes_valid(uint32_t d, const uint8_t* plane_bits, uint32_t n_planes) {
  uint32_t sum = 0;
  if (d % 8u != 0 || n_planes == 0 || n_planes > ENERGON_MAX_PLANES) return 0;
  for (uint32_t p = 0; p < n_planes; ++p) {
    if (plane_bits[p] == 0) return 0;
    sum += plane_bits[p];
  }
  return sum == 16;
}

/* The fewest fields of b bits that fill whole bytes: 8 / gcd(b, 8). */
static uint32_t fields_per_group(uint32_t b) {
  const uint32_t low_bit = b & (0u - b);
  return 8u / (low_bit < 8u ? low_bit : 8u);
}

/* The fields of b bits (bits shift .. shift + b − 1 of each of `fields` values) as one bit stream,
 * group by group (d % 8 == 0, so a group never straddles a row): each group gathered in a 64-bit
 * register from bit 0 up and stored a byte at a time. For every b with a group of at most 64 bits
 * (all but 9, 11, 13 and 15). */
static inline void pack_plane(const int16_t* x, size_t fields, uint32_t b, uint32_t shift, uint8_t* dst) {
  const uint32_t mask = (1u << b) - 1u;
  const uint32_t group = fields_per_group(b);
  const uint32_t group_bytes = group * b / 8u;
  for (size_t i = 0, n = fields / group; i < n; ++i, x += group, dst += group_bytes) {
    uint64_t bits = 0;
    for (uint32_t j = 0; j < group; ++j) bits |= (uint64_t)(((uint32_t)(uint16_t)x[j] >> shift) & mask) << (j * b);
    for (uint32_t j = 0; j < group_bytes; ++j) dst[j] = (uint8_t)(bits >> (8u * j));
  }
}

/* pack_plane with the plane widths of the shipped policies (2, 2, 12 for mpmrf's default rounds;
 * 4 and 8 for others; 16 for dense) as constants, so that its loops unroll; other widths run the
 * same code with b in a register. */
static void pack_plane_by_width(const int16_t* x, size_t fields, uint32_t b, uint32_t shift, uint8_t* dst) {
  switch (b) {
    case 2:
      pack_plane(x, fields, 2, shift, dst);
      break;
    case 4:
      pack_plane(x, fields, 4, shift, dst);
      break;
    case 8:
      pack_plane(x, fields, 8, shift, dst);
      break;
    case 12:
      pack_plane(x, fields, 12, shift, dst);
      break;
    case 16:
      pack_plane(x, fields, 16, shift, dst);
      break;
    default:
      pack_plane(x, fields, b, shift, dst);
  }
}

/* b = 9, 11, 13 or 15 (a group wider than 64 bits): the fields of each row one after the other from
 * bit 0, gathered in acc and stored a whole byte at a time (d × b is a whole number of bytes).
 * held < 8 before a field of b ≤ 16 bits is added: acc stays below 2^24. */
static void pack_plane_rows(const int16_t* k, size_t rows, uint32_t d, uint32_t b, uint32_t shift, uint8_t* dst) {
  const uint32_t mask = (1u << b) - 1u;
  for (size_t r = 0; r < rows; ++r) {
    const int16_t* row = k + r * d;
    uint32_t acc = 0, held = 0;
    for (uint32_t t = 0; t < d; ++t) {
      acc |= (((uint32_t)(uint16_t)row[t] >> shift) & mask) << held;
      held += b;
      while (held >= 8u) {
        *dst++ = (uint8_t)acc;
        acc >>= 8;
        held -= 8u;
      }
    }
  }
}

int energon_pack_k_planes(const int16_t* k, size_t rows, uint32_t d, const uint8_t* plane_bits, uint32_t n_planes,
                          uint8_t* const* planes) {
  if (!planes_valid(d, plane_bits, n_planes)) return -1;
  uint32_t top = 16; /* bit above the current plane's field */
  for (uint32_t p = 0; p < n_planes; ++p) {
    const uint32_t b = plane_bits[p];
    const uint32_t shift = top - b;
    if (fields_per_group(b) * b <= 64u)
      pack_plane_by_width(k, rows * d, b, shift, planes[p]);
    else
      pack_plane_rows(k, rows, d, b, shift, planes[p]);
    top = shift;
  }
  return 0;
}

int energon_unpack_k_planes(const uint8_t* const* planes, size_t rows, uint32_t d, const uint8_t* plane_bits,
                            uint32_t n_planes, int16_t* k) {
  if (!planes_valid(d, plane_bits, n_planes)) return -1;
  for (size_t i = 0; i < rows * d; ++i) k[i] = 0;
  uint32_t top = 16;
  for (uint32_t p = 0; p < n_planes; ++p) {
    const uint32_t b = plane_bits[p];
    const uint32_t shift = top - b;
    const uint32_t mask = (1u << b) - 1u;
    const size_t row_bytes = (size_t)d * b / 8u;
    for (size_t r = 0; r < rows; ++r) {
      const uint8_t* src = planes[p] + r * row_bytes;
      for (uint32_t t = 0; t < d; ++t) {
        const size_t bit = (size_t)t * b;
        uint32_t wide = src[bit / 8u];
        if (bit % 8u + b > 8u) wide |= (uint32_t)src[bit / 8u + 1] << 8;
        if (bit % 8u + b > 16u) wide |= (uint32_t)src[bit / 8u + 2] << 16;
        const uint32_t field = (wide >> (bit % 8u)) & mask;
        k[r * d + t] = (int16_t)(uint16_t)((uint16_t)k[r * d + t] | (uint16_t)(field << shift));
      }
    }
    top = shift;
  }
  return 0;
}

void energon_job_sizes(const energon_job_shape_t* s, const uint8_t* plane_bits, uint32_t n_planes,
                       energon_job_sizes_t* sizes) {
  memset(sizes, 0, sizeof(*sizes));
  const size_t kv_rows = (size_t)s->kv_heads * s->n_k;
  sizes->q = (size_t)s->heads * s->n_q * s->d * 2u;
  for (uint32_t p = 0; p < n_planes && p < ENERGON_MAX_PLANES; ++p)
    sizes->k_plane[p] = energon_plane_bytes(kv_rows, s->d, plane_bits[p]);
  sizes->v = kv_rows * s->d * 2u;
  sizes->scale = ((size_t)s->heads + s->kv_heads) * sizeof(float);
  sizes->out = sizes->q;
}

void energon_pack_scales(const float* q_scales, uint32_t heads, const float* k_scales, uint32_t kv_heads,
                         float* table) {
  memcpy(table, q_scales, heads * sizeof(float));
  memcpy(table + heads, k_scales, kv_heads * sizeof(float));
}

void energon_desc_build(energon_desc_t* desc, const energon_job_shape_t* shape, uint8_t policy,
                        const energon_select_t* rounds, uint32_t n_rounds, const energon_select_t* topk,
                        const uint8_t* plane_bits, uint32_t n_planes, const energon_job_buffers_t* buffers) {
  memset(desc, 0, sizeof(*desc));
  desc->magic = ENERGON_DESC_MAGIC;
  desc->heads = (uint16_t)shape->heads;
  desc->kv_heads = (uint16_t)shape->kv_heads;
  desc->n_q = shape->n_q;
  desc->n_k = shape->n_k;
  desc->valid_len = shape->valid_len;
  desc->d = (uint16_t)shape->d;
  desc->policy = policy;
  desc->flags = shape->causal ? ENERGON_DESC_FLAG_CAUSAL : 0u;
  desc->n_rounds = (uint8_t)n_rounds;
  for (uint32_t r = 0; r < n_rounds && r < ENERGON_MAX_ROUNDS; ++r) desc->round[r] = rounds[r];
  if (topk) desc->topk = *topk;
  desc->n_planes = (uint8_t)n_planes;
  for (uint32_t p = 0; p < n_planes && p < ENERGON_MAX_PLANES; ++p) {
    desc->plane_bits[p] = plane_bits[p];
    desc->k_plane_addr[p] = buffers->k_plane[p];
  }
  desc->q_addr = buffers->q;
  desc->v_addr = buffers->v;
  desc->scale_addr = buffers->scale;
  desc->out_addr = buffers->out;
}
