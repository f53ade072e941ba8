// Portable random numbers for the synthetic generator: std::mt19937_64 (fully specified
// by the standard) plus our own uniform and Box-Muller normal, so that the same seed
// gives the same tensors with every standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace energon::workload::detail {

/// splitmix64 finaliser: decorrelates stream seeds built from (seed, layer, tag, index).
inline uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline uint64_t stream_seed(uint64_t seed, uint64_t layer, uint64_t tag, uint64_t index) {
  return mix64(mix64(mix64(mix64(seed) ^ layer) ^ tag) ^ index);
}

class RandomStream {
 public:
  explicit RandomStream(uint64_t seed) : gen_(seed) {}

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1p-53; }
  /// Uniform integer in [0, n), n ≥ 1 (modulo bias below 2^-47 for n ≤ 2^17).
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(gen_() % n); }
  /// Standard normal by the Marsaglia polar form of Box-Muller (only sqrt and log:
  /// fewer libm functions whose last bit could differ between platforms); pairs are cached.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  std::mt19937_64 gen_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace energon::workload::detail
