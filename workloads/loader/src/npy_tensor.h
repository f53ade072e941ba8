// One Q, K or V tensor of a layer from an .npy file, in the FloatLayer layout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "energon/workload/npy.h"

namespace energon::workload::detail {

/// Empty when `h`'s shape holds `heads` heads of `n` rows of `d` as [heads, n, d],
/// [1, heads, n, d] or [n, heads·d]; else a sentence saying what was expected.
std::string npy_shape_problem(const NpyHeader& h, uint32_t heads, uint32_t n, uint32_t d);

/// Reads `path` into [heads][n][d] floats. '<i2' data is multiplied by int16_scale,
/// which must then be > 0. Throws WorkloadError naming the file.
std::vector<float> read_npy_tensor(const std::string& path, uint32_t heads, uint32_t n, uint32_t d, float int16_scale);

}  // namespace energon::workload::detail
