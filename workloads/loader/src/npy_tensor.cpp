#include "npy_tensor.h"

#include <cmath>

#include "energon/workload/workload_error.h"

namespace energon::workload::detail {

namespace {

std::string tuple(const std::vector<uint64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

}  // namespace

std::string npy_shape_problem(const NpyHeader& h, uint32_t heads, uint32_t n, uint32_t d) {
  const std::vector<uint64_t> split{heads, n, d}, batched{1, heads, n, d}, flat{n, uint64_t(heads) * d};
  if (h.shape == split || h.shape == batched || h.shape == flat) return {};
  return "shape " + tuple(h.shape) + " does not match the workload: expected " + tuple(split) + " [heads, n, d], " +
         tuple(batched) + " or " + tuple(flat) + " [n, heads*d]";
}

std::vector<float> read_npy_tensor(const std::string& path, uint32_t heads, uint32_t n, uint32_t d, float int16_scale) {
  NpyArray a = read_npy(path);
  const std::string problem = npy_shape_problem(a.header, heads, n, d);
  if (!problem.empty()) throw WorkloadError(path + ": " + problem);
  if (a.header.dtype == NpyDtype::i2) {
    if (!(int16_scale > 0.0f))
      throw WorkloadError(path + ": holds int16 data, which needs data.int16_scale in the workload");
    for (float& x : a.data) x *= int16_scale;
  }
  for (size_t i = 0; i < a.data.size(); ++i)  // a NaN or an infinity would quantize to nonsense
    if (!std::isfinite(a.data[i]))
      throw WorkloadError(path + ": element " + std::to_string(i) + " is " +
                          (std::isnan(a.data[i]) ? "NaN" : "infinite") + "; tensors must be finite");
  if (a.header.shape.size() != 2 || heads == 1) return std::move(a.data);
  // [n, heads·d] (a projection's output before the head split) → [heads][n][d].
  std::vector<float> out(a.data.size());
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t h = 0; h < heads; ++h)
      for (uint32_t t = 0; t < d; ++t) out[(size_t(h) * n + i) * d + t] = a.data[(size_t(i) * heads + h) * d + t];
  return out;
}

}  // namespace energon::workload::detail
