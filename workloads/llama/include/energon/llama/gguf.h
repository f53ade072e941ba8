// GGUF container reader (versions 2 and 3): header, typed metadata, tensor directory and
// float32 / float16 tensor data. Every length in the file is bounds-checked against the file
// size before use, so a corrupted file gives a ModelError, never a huge allocation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace energon::llama {

/// GGUF metadata value types (numbering of the GGUF specification).
enum class GgufType : uint32_t {
  u8 = 0,
  i8 = 1,
  u16 = 2,
  i16 = 3,
  u32 = 4,
  i32 = 5,
  f32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  u64 = 10,
  i64 = 11,
  f64 = 12,
};
const char* to_string(GgufType t);

/// One metadata value. Integers are widened into `u`/`i` (both set when representable),
/// floats into `f`; arrays hold their elements (all of `element_type`).
struct GgufValue {
  GgufType type = GgufType::u32;
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0.0;
  bool b = false;
  std::string str;
  GgufType element_type = GgufType::u32;  ///< arrays only
  std::vector<GgufValue> array;
};

/// GGML tensor element types this reader converts to float32; any other is rejected.
enum class GgmlType : uint32_t { f32 = 0, f16 = 1 };

/// One entry of the tensor directory.
struct GgufTensorInfo {
  std::string name;
  std::vector<uint64_t> dims;  ///< ne[0] is the innermost (contiguous) dimension
  uint32_t type = 0;           ///< raw GGML type id
  uint64_t offset = 0;         ///< relative to the start of the tensor data section
  uint64_t elements() const;
};

/// A parsed GGUF file (the bytes are kept for tensor reads).
class GgufFile {
 public:
  /// Parses `path`; throws ModelError on bad magic, unsupported version, truncation,
  /// corrupted lengths, duplicate keys/tensors or tensors outside the data section.
  static GgufFile read(const std::string& path);

  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  const std::map<std::string, GgufValue>& metadata() const { return metadata_; }
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }

  /// nullptr when the key is absent.
  const GgufValue* find(const std::string& key) const;
  /// Typed getters: ModelError naming the key when absent or of the wrong type.
  std::string get_string(const std::string& key) const;
  uint64_t get_uint(const std::string& key) const;  ///< any non-negative integer type
  double get_float(const std::string& key) const;   ///< f32 or f64
  /// Same, with a default when the key is absent (still an error when mistyped).
  uint64_t get_uint(const std::string& key, uint64_t fallback) const;
  double get_float(const std::string& key, double fallback) const;

  /// nullptr when no tensor has that name.
  const GgufTensorInfo* find_tensor(const std::string& name) const;
  /// The tensor converted to float32 (F32 or F16), checked against `expected_dims`
  /// (ne order); ModelError naming the tensor when missing, mistyped or misshaped.
  std::vector<float> tensor_as_float(const std::string& name, const std::vector<uint64_t>& expected_dims) const;

 private:
  std::string path_;
  std::vector<uint8_t> bytes_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::map<std::string, GgufValue> metadata_;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, size_t> tensor_index_;
};

/// IEEE binary16 to float32 (exact; handles subnormals, infinities and NaN).
float half_to_float(uint16_t h);

}  // namespace energon::llama
