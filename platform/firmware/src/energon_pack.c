#include "energon/fw/energon_pack.h"

#include <math.h>
#include <string.h>

float energon_tensor_scale(const float* x, size_t n) {
  float max_abs = 0.0f;
  for (size_t i = 0; i < n; ++i) {
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
    const float s = energon_tensor_scale(xh, per_head);
    scales[h] = s;
    for (size_t i = 0; i < per_head; ++i) out[(size_t)h * per_head + i] = energon_quantize(xh[i], s);
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

int energon_pack_k_planes(const int16_t* k, size_t rows, uint32_t d, const uint8_t* plane_bits, uint32_t n_planes,
                          uint8_t* const* planes) {
  if (!planes_valid(d, plane_bits, n_planes)) return -1;
  uint32_t top = 16; /* bit above the current plane's field */
  for (uint32_t p = 0; p < n_planes; ++p) {
    const uint32_t b = plane_bits[p];
    const uint32_t shift = top - b;
    const uint32_t mask = (1u << b) - 1u;
    const size_t row_bytes = (size_t)d * b / 8u;
    if (8u % b == 0) { /* 1, 2, 4 or 8 bits: whole fields per byte, 8 / b of them (d % 8 == 0) */
      const uint32_t per_byte = 8u / b;
      uint8_t* dst = planes[p];
      const int16_t* x = k;
      for (size_t i = 0, n = rows * d / per_byte; i < n; ++i, x += per_byte) {
        uint32_t byte = 0;
        for (uint32_t j = 0; j < per_byte; ++j) byte |= (((uint32_t)(uint16_t)x[j] >> shift) & mask) << (j * b);
        dst[i] = (uint8_t)byte;
      }
      top = shift;
      continue;
    }
    for (size_t r = 0; r < rows; ++r) {
      uint8_t* dst = planes[p] + r * row_bytes;
      const int16_t* row = k + r * d;
      /* The fields one after the other from bit 0 of the row, gathered in acc and stored a whole
       * byte at a time (d × b is a whole number of bytes). held < 8 before a field of b ≤ 16 bits
       * is added: acc stays below 2^24. */
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
