// The AVX2 compare-and-emit pass (kernels_avx2.cpp), also the AVX-512 set's: every AVX-512 CPU
// runs it, and an AVX-512 version could only be checked on a machine that has AVX-512 (the
// kernel-equivalence test runs each set this CPU has; docs/numerics.md "Kernels").
#pragma once

#include <cstdint>

namespace energon::kernels {

uint32_t keep_at_least_avx2(const int64_t* s, const uint32_t* rows, uint32_t n, int64_t t, uint32_t* out);

}  // namespace energon::kernels
