// Builds GGUF files in memory for the loader tests (synthetic models, every metadata type).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "energon/llama/gguf.h"

namespace energon::llama::test {

class GgufWriter {
 public:
  /// Raw metadata: key, type, and the already-encoded value bytes.
  void kv_raw(const std::string& key, GgufType type, const std::vector<uint8_t>& value);
  void kv_u32(const std::string& key, uint32_t v);
  void kv_f32(const std::string& key, float v);
  void kv_string(const std::string& key, const std::string& v);
  void kv_strings(const std::string& key, const std::vector<std::string>& v);
  void kv_f32s(const std::string& key, const std::vector<float>& v);
  /// A tensor with its data (already in the element type's encoding).
  void tensor(const std::string& name, const std::vector<uint64_t>& dims, uint32_t type,
              const std::vector<uint8_t>& data);
  void tensor_f32(const std::string& name, const std::vector<uint64_t>& dims, const std::vector<float>& v);

  std::vector<uint8_t> bytes(uint32_t alignment = 32) const;

  static void put_string(std::vector<uint8_t>& out, const std::string& s);
  template <typename T>
  static void put(std::vector<uint8_t>& out, T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  }

 private:
  struct Tensor {
    std::string name;
    std::vector<uint64_t> dims;
    uint32_t type;
    std::vector<uint8_t> data;
  };
  std::vector<uint8_t> kv_;
  uint64_t n_kv_ = 0;
  std::vector<Tensor> tensors_;
};

}  // namespace energon::llama::test
