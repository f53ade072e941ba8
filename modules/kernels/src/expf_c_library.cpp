// The check a vector expf passes before a kernel set uses it (expf_c_library.h).
#include "expf_c_library.h"

#include <cmath>
#include <cstring>

namespace energon::kernels::expf_c_library {

static float from_bits(uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

static uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

const std::vector<float>& probe_inputs() {
  static const std::vector<float> inputs = [] {
    std::vector<float> v = {0.0f, -0.0f, 88.0f * 0.999999f, -87.99999f};
    constexpr int kSteps = 1 << 16;
    for (int i = 0; i <= kSteps; ++i) v.push_back(-88.0f + 176.0f * float(i) / float(kSteps + 1));
    for (uint32_t b = 1; b <= 4096; ++b) v.push_back(from_bits(b)), v.push_back(from_bits(b | 0x80000000u));
    uint64_t state = 0x9e3779b97f4a7c15ull;  // xorshift64*: a fixed stream of bit patterns
    while (v.size() < (size_t(1) << 18)) {
      state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
      const uint32_t b = uint32_t((state * 0x2545f4914f6cdd1dull) >> 32);
      if ((b & 0x7fffffffu) < kSpecialAbsBits) v.push_back(from_bits(b));
    }
    return v;
  }();
  return inputs;
}

bool matches_library(void (*vector_exp)(float* x, uint32_t n)) {
  const std::vector<float>& in = probe_inputs();
  std::vector<float> got(in);
  vector_exp(got.data(), uint32_t(got.size()));
  for (size_t i = 0; i < in.size(); ++i) {
    if (bits_of(std::exp(in[i])) != bits_of(got[i])) return false;
  }
  return true;
}

void exp_in_place(bool reproduces, void (*vector_exp)(float* x, uint32_t n), float* x, uint32_t n) {
  if (reproduces) return vector_exp(x, n);
  for (uint32_t j = 0; j < n; ++j) x[j] = std::exp(x[j]);
}

}  // namespace energon::kernels::expf_c_library
