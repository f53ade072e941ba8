// NumPy .npy reader and writer for the dtypes the workload loader accepts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace energon::workload {

enum class NpyDtype : uint8_t { f4, f2, i2 };  ///< '<f4', '<f2', '<i2'

const char* to_string(NpyDtype t);

/// What an .npy header says: element type, C-order shape, where the data starts.
struct NpyHeader {
  NpyDtype dtype = NpyDtype::f4;
  std::vector<uint64_t> shape;
  uint64_t data_offset = 0;
  uint64_t elements() const;
};

/// An .npy array with its values widened to float: f2 exactly, i2 as the integer values.
struct NpyArray {
  NpyHeader header;
  std::vector<float> data;
};

/// Reads and checks the header (format 1.0/2.0/3.0, little-endian <f4/<f2/<i2, C order,
/// file long enough for the data). Throws WorkloadError naming the file.
NpyHeader read_npy_header(const std::string& path);
/// Reads the whole array. Throws WorkloadError naming the file.
NpyArray read_npy(const std::string& path);

/// Writers (format 1.0, or 2.0 when the header needs it). Throw WorkloadError on I/O errors.
void write_npy(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<float>& data);
void write_npy_f2(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<uint16_t>& half_bits);
void write_npy_i2(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<int16_t>& data);

/// IEEE binary16 bits to float, exact (subnormals, infinities and NaN payloads kept).
float half_to_float(uint16_t h);

}  // namespace energon::workload
