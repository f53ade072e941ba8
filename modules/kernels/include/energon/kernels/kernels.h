// The attention arithmetic's inner kernels (Q·K scores, the ×V weighted sum, the softmax's
// vectorisable passes), in several instruction sets chosen at run time. Every kernel returns
// exactly what the scalar one returns, for every input the types allow (docs/numerics.md
// "Kernels"); the choice changes speed, never a bit. Plain C++, no SystemC: the golden model and
// the hardware engines (attention engine, filter engine) both compute with them, so the
// platform runs its arithmetic as fast as the reference does. Neither depends on the other.
#pragma once

#include <cstdint>
#include <vector>

namespace energon::kernels {

/// One set of kernels. `rows` are key indices: row j of a head's K or V starts at base + rows[j]·d.
struct KernelSet {
  const char* name;  ///< "scalar", "avx2", "avx512"
  /// out[j] = Σ_t q[t]·k[rows[j]·d + t], exact (INT16 operands, d ≤ 256).
  void (*scores_int16)(const int16_t* q, const int16_t* k, const uint32_t* rows, uint32_t n, uint32_t d, int64_t* out);
  /// Same on INT8 operands (the MP-MRF rounds' MSB slices).
  void (*scores_int8)(const int8_t* q, const int8_t* k, const uint32_t* rows, uint32_t n, uint32_t d, int64_t* out);
  /// sum[t] = Σ_j p16[j]·v[rows[j]·d + t] for t < d, exact 64-bit (sum is overwritten; n ≤ 65536).
  void (*weighted_sum)(const uint16_t* p16, const uint32_t* rows, uint32_t n, const int16_t* v, uint32_t d,
                       int64_t* sum);
  /// Softmax, first pass: xm[j] = float(acc[j])·c − m with m = max_j float(acc[j])·c (n ≥ 1).
  /// A vector set returns false, writing nothing the caller uses, when it cannot promise the
  /// scalar bits (a NaN among the x_j, or |acc| ≥ 2^51); the caller then runs the scalar one.
  bool (*softmax_shift)(const int64_t* acc, uint32_t n, float c, float* xm);
  /// Softmax, middle pass: x[j] = expf(x[j]) for j < n, the C library's bits. A vector set
  /// reproduces the library's algorithm and uses it only once it has checked itself against the
  /// library's expf in this process; otherwise, and for |x| ≥ 88, it calls expf.
  void (*exp_in_place)(float* x, uint32_t n);
  /// True when exp_in_place runs the vector reproduction (checked once, on first call), false
  /// when it calls expf for every element (the scalar set, or a check that failed).
  bool (*exp_vectorized)();
  /// Softmax, last pass: p16[j] = min(65535, lrintf((e[j] / z) · 65536)).
  void (*softmax_q16_out)(const float* e, uint32_t n, float z, uint16_t* p16);
  /// A row's statistics (the selector's threshold, the reports): out = {min, max, sum} of s[0..n),
  /// n ≥ 1, the sum modulo 2^64.
  void (*min_max_sum)(const int64_t* s, uint32_t n, int64_t* out);
  /// The selector's compare-and-emit pass: writes rows[j] for every j < n with s[j] ≥ t to out, in
  /// order, and returns how many. `out` has room for n (entries past the count are scratch).
  uint32_t (*keep_at_least)(const int64_t* s, const uint32_t* rows, uint32_t n, int64_t t, uint32_t* out);
};

/// The portable reference kernels (the definitions of spec §1.3, one term at a time).
const KernelSet& scalar();
/// Every kernel set this build has and this CPU can run, scalar first, fastest last.
std::vector<const KernelSet*> available();
/// The set the golden model and the engines use: the fastest available one, chosen once, unless
/// the environment variable ENERGON_KERNELS names another available set (scalar, avx2, avx512).
const KernelSet& active();
/// Makes `set` (one of available()) the active set, e.g. for a before/after benchmark.
void set_active(const KernelSet& set);
/// The available set called `name`, or nullptr.
const KernelSet* find(const char* name);

// ---- building blocks shared by the vector kernels (portable code) ----

/// The ×V kernels' plan of one row: each key's p16 split into parts of at most 32767 (signed
/// 16-bit multipliers), the parts paired (pmaddwd takes two), the pairs cut into blocks whose
/// weights sum to at most 65535, so that a block's 32-bit partial sums cannot overflow.
struct WsumPlan {
  struct Pair {
    uint32_t weight;  ///< w_a | w_b << 16, each w ≤ 32767
    uint32_t row_a, row_b;
  };
  std::vector<Pair> pairs;  ///< the first n_pairs are valid (storage is reused)
  uint32_t n_pairs = 0;
  std::vector<uint32_t> block_end;  ///< one past the last pair of each block, ascending
  void build(const uint16_t* p16, const uint32_t* rows, uint32_t n);

 private:
  std::vector<uint32_t> part_weight_, part_row_;  ///< the parts in key order (storage is reused)
};

}  // namespace energon::kernels
