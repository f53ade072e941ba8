// The C library's expf, reproduced for the vector kernels (internal to modules/kernels).
// glibc 2.28 and later compute expf(x) for |x| < 88 as exp2(x·32/ln2) with a 32-entry table of
// 2^(i/32) and a cubic polynomial, in double precision, rounded once to float (the algorithm of
// Arm's optimized-routines, Szabolcs Nagy 2017, MIT licence; its published constants are below).
// On CPUs with FMA glibc runs the variant built with -mfma (__expf_fma), whose multiply-adds are
// fused in this order:
//   kd = fma(x·32/ln2 + shift); ki = bits(kd); kd −= shift; r = fma(x·32/ln2 − kd);
//   s = bits⁻¹(T[ki mod 32] + ki·2^47); y = fma(fma(r·C0 + C1)·r² + fma(r·C2 + 1))·s; (float) y.
// A vector set uses it only after checking it against the library's expf (expf_probe_inputs(),
// once per process; docs/numerics.md "Kernels"): another C library or a CPU without FMA, where
// the library runs another variant, keeps the scalar expf.
#pragma once

#include <cstdint>
#include <vector>

namespace energon::kernels::expf_c_library {

inline constexpr double kInvLn2N = 0x1.71547652b82fep+5;  // 32 / ln 2
inline constexpr double kShift = 0x1.8p+52;               // rounds x·32/ln2 to an integer in the low bits
inline constexpr double kC0 = 0x1.c6af84b912394p-20;      // polynomial of 2^(r/32), scaled
inline constexpr double kC1 = 0x1.ebfce50fac4f3p-13;
inline constexpr double kC2 = 0x1.62e42ff0c52d6p-6;
/// |x| at or above 88 (top 12 bits of |x| ≥ those of 88.0f, 0x42b): the library's special
/// cases (overflow, underflow, inf, NaN); the vector kernels call expf for those lanes.
inline constexpr uint32_t kSpecialAbsBits = 0x42b00000;

/// T[i] = bits(2^(i/32)) − i·2^47.
alignas(64) inline constexpr uint64_t kTable[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51, 0x3fef72b83c7d517b,
    0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1, 0x3fef06fe0a31b715, 0x3feef1a7373aa9cb,
    0x3feedea64c123422, 0x3feece086061892d, 0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429,
    0x3feea47eb03a5585, 0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d, 0x3feee89f995ad3ad,
    0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069, 0x3fef5818dcfba487, 0x3fef7c97337b9b5f,
    0x3fefa4afa2a490da, 0x3fefd0765b6e4540};

/// The inputs a vector set's expf is checked on before it is used: 0, −0, evenly spaced values
/// over (−88, 88), the smallest magnitudes and a seeded stream of bit patterns below 88.
const std::vector<float>& probe_inputs();

/// True when `vector_exp` (x[j] = expf(x[j]) for j < n) gives the library's bits on every probe.
bool matches_library(void (*vector_exp)(float* x, uint32_t n));
/// x[j] = expf(x[j]): by `vector_exp` when it `reproduces` the library, else by the library.
void exp_in_place(bool reproduces, void (*vector_exp)(float* x, uint32_t n), float* x, uint32_t n);

}  // namespace energon::kernels::expf_c_library
