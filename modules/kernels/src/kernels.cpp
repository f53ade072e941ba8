// Scalar reference kernels, the ×V plan shared by the vector kernels, and the run-time choice of
// kernel set (CPU features via __builtin_cpu_supports; no -march flag anywhere in the build).
#include "energon/kernels/kernels.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace energon::kernels {

#if defined(__x86_64__) || defined(__i386__)
// Defined in kernels_avx2.cpp and kernels_avx512.cpp (compiled for x86 only).
const KernelSet& avx2_set();
const KernelSet& avx512_set();
#endif

namespace {

void scores_int16_scalar(const int16_t* q, const int16_t* k, const uint32_t* rows, uint32_t n, uint32_t d,
                         int64_t* out) {
  for (uint32_t j = 0; j < n; ++j) {
    const int16_t* kr = k + size_t(rows[j]) * d;
    int64_t acc = 0;
    for (uint32_t t = 0; t < d; ++t) acc += int32_t(q[t]) * int32_t(kr[t]);  // |q·k| ≤ 2^30 fits int32
    out[j] = acc;
  }
}

void scores_int8_scalar(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d, int64_t* out) {
  for (uint32_t j = 0; j < n; ++j) {
    const int8_t* kr = k + size_t(rows[j]) * d;
    int32_t acc = 0;  // |q_b·k_b| ≤ 2^14, d ≤ 256: |Σ| ≤ 2^22
    for (uint32_t t = 0; t < d; ++t) acc += int32_t(q[t]) * int32_t(kr[t]);
    out[j] = acc;
  }
}

void weighted_sum_scalar(const uint16_t* p16, const uint32_t* rows, uint32_t n, const int16_t* v, uint32_t d,
                         int64_t* sum) {
  for (uint32_t t = 0; t < d; ++t) sum[t] = 0;
  for (uint32_t j = 0; j < n; ++j) {
    const int16_t* vr = v + size_t(rows[j]) * d;
    const int32_t p = p16[j];
    for (uint32_t t = 0; t < d; ++t) sum[t] += int64_t(p * int32_t(vr[t]));  // |p·v| < 2^31
  }
}

bool softmax_shift_scalar(const int64_t* acc, uint32_t n, float c, float* xm) {
  float m = static_cast<float>(acc[0]) * c;
  for (uint32_t j = 1; j < n; ++j) m = std::fmax(m, static_cast<float>(acc[j]) * c);
  for (uint32_t j = 0; j < n; ++j) xm[j] = static_cast<float>(acc[j]) * c - m;
  return true;
}

void exp_in_place_scalar(float* x, uint32_t n) {
  for (uint32_t j = 0; j < n; ++j) x[j] = std::exp(x[j]);
}

bool exp_vectorized_scalar() { return false; }

void softmax_q16_out_scalar(const float* e, uint32_t n, float z, uint16_t* p16) {
  for (uint32_t j = 0; j < n; ++j) {
    const long q = std::lrint((e[j] / z) * 65536.0f);
    p16[j] = static_cast<uint16_t>(q > 65535 ? 65535 : q);
  }
}

void min_max_sum_scalar(const int64_t* s, uint32_t n, int64_t* out) {
  int64_t mn = s[0], mx = s[0];
  uint64_t sum = 0;
  for (uint32_t j = 0; j < n; ++j) {
    mn = s[j] < mn ? s[j] : mn;
    mx = s[j] > mx ? s[j] : mx;
    sum += uint64_t(s[j]);
  }
  out[0] = mn, out[1] = mx, out[2] = int64_t(sum);
}

uint32_t keep_at_least_scalar(const int64_t* s, const uint32_t* rows, uint32_t n, int64_t t, uint32_t* out) {
  uint32_t m = 0;
  for (uint32_t j = 0; j < n; ++j) {
    out[m] = rows[j];  // written always, kept when s[j] ≥ t: no branch
    m += s[j] >= t ? 1 : 0;
  }
  return m;
}

const KernelSet kScalar{"scalar",
                        scores_int16_scalar,
                        scores_int8_scalar,
                        weighted_sum_scalar,
                        softmax_shift_scalar,
                        exp_in_place_scalar,
                        exp_vectorized_scalar,
                        softmax_q16_out_scalar,
                        min_max_sum_scalar,
                        keep_at_least_scalar};

struct Registry {
  std::vector<const KernelSet*> sets;
  std::atomic<const KernelSet*> current{&kScalar};

  Registry() {
    sets.push_back(&kScalar);
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) sets.push_back(&avx2_set());
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) sets.push_back(&avx512_set());
#endif
    const KernelSet* choice = sets.back();
    if (const char* want = std::getenv("ENERGON_KERNELS"); want && *want) {
      const KernelSet* named = nullptr;
      for (const KernelSet* s : sets)
        if (std::strcmp(s->name, want) == 0) named = s;
      if (named)
        choice = named;
      else {
        std::string names;
        for (const KernelSet* s : sets) names += std::string(names.empty() ? "" : ", ") + s->name;
        std::fprintf(stderr,
                     "energon kernels: ENERGON_KERNELS='%s' is not a kernel set this CPU runs (expected %s); "
                     "using %s\n",
                     want, names.c_str(), choice->name);
      }
    }
    current.store(choice);
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

const KernelSet& scalar() { return kScalar; }
std::vector<const KernelSet*> available() { return registry().sets; }
const KernelSet& active() { return *registry().current.load(std::memory_order_relaxed); }
void set_active(const KernelSet& set) { registry().current.store(&set); }

const KernelSet* find(const char* name) {
  for (const KernelSet* s : registry().sets)
    if (std::strcmp(s->name, name) == 0) return s;
  return nullptr;
}

void WsumPlan::build(const uint16_t* p16, const uint32_t* rows, uint32_t n) {
  // Parts in key order: p = 32767 + 32767 + 1 at most (p ≤ 65535), each part a signed int16 ≥ 0;
  // at most 3n parts (+ 1 to pad an odd count), so at most (3n + 1) / 2 pairs. Zero weights
  // contribute nothing and are dropped; the common p ≤ 32767 is one part, written without a
  // branch (the slot is kept only when p ≠ 0).
  const size_t most_parts = size_t(3) * n + 2;
  if (part_weight_.size() < most_parts) part_weight_.resize(most_parts), part_row_.resize(most_parts);
  uint32_t* w = part_weight_.data();
  uint32_t* r = part_row_.data();
  uint32_t m = 0;
  for (uint32_t j = 0; j < n; ++j) {
    uint32_t p = p16[j];
    if (p > 32767) {
      for (; p > 32767; p -= 32767) w[m] = 32767, r[m++] = rows[j];
    }
    w[m] = p;
    r[m] = rows[j];
    m += p != 0;
  }
  if (m & 1) w[m] = 0, r[m] = r[m - 1], ++m;  // the last part's pair partner weighs nothing
  const size_t most = size_t(m) / 2 + 1;
  if (pairs.size() < most) pairs.resize(most);
  block_end.clear();
  Pair* out = pairs.data();
  uint32_t count = 0, block_weight = 0;
  for (uint32_t k = 0; k < m; k += 2) {
    const uint32_t pair_weight = w[k] + w[k + 1];  // ≤ 65534: always fits an empty block
    if (block_weight + pair_weight > 65535) {
      block_end.push_back(count);
      block_weight = 0;
    }
    block_weight += pair_weight;
    out[count++] = Pair{w[k] | (w[k + 1] << 16), r[k], r[k + 1]};
  }
  n_pairs = count;
  if (count) block_end.push_back(count);
}

}  // namespace energon::kernels
