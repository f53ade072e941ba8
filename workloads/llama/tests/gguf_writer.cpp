#include "gguf_writer.h"

namespace energon::llama::test {

void GgufWriter::put_string(std::vector<uint8_t>& out, const std::string& s) {
  put<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void GgufWriter::kv_raw(const std::string& key, GgufType type, const std::vector<uint8_t>& value) {
  put_string(kv_, key);
  put<uint32_t>(kv_, static_cast<uint32_t>(type));
  kv_.insert(kv_.end(), value.begin(), value.end());
  ++n_kv_;
}

void GgufWriter::kv_u32(const std::string& key, uint32_t v) {
  std::vector<uint8_t> b;
  put(b, v);
  kv_raw(key, GgufType::u32, b);
}

void GgufWriter::kv_f32(const std::string& key, float v) {
  std::vector<uint8_t> b;
  put(b, v);
  kv_raw(key, GgufType::f32, b);
}

void GgufWriter::kv_string(const std::string& key, const std::string& v) {
  std::vector<uint8_t> b;
  put_string(b, v);
  kv_raw(key, GgufType::string, b);
}

void GgufWriter::kv_strings(const std::string& key, const std::vector<std::string>& v) {
  std::vector<uint8_t> b;
  put<uint32_t>(b, static_cast<uint32_t>(GgufType::string));
  put<uint64_t>(b, v.size());
  for (const std::string& s : v) put_string(b, s);
  kv_raw(key, GgufType::array, b);
}

void GgufWriter::kv_f32s(const std::string& key, const std::vector<float>& v) {
  std::vector<uint8_t> b;
  put<uint32_t>(b, static_cast<uint32_t>(GgufType::f32));
  put<uint64_t>(b, v.size());
  for (float f : v) put(b, f);
  kv_raw(key, GgufType::array, b);
}

void GgufWriter::tensor(const std::string& name, const std::vector<uint64_t>& dims, uint32_t type,
                        const std::vector<uint8_t>& data) {
  tensors_.push_back({name, dims, type, data});
}

void GgufWriter::tensor_f32(const std::string& name, const std::vector<uint64_t>& dims, const std::vector<float>& v) {
  std::vector<uint8_t> b;
  for (float f : v) put(b, f);
  tensor(name, dims, 0, b);
}

std::vector<uint8_t> GgufWriter::bytes(uint32_t alignment) const {
  std::vector<uint8_t> out = {'G', 'G', 'U', 'F'};
  put<uint32_t>(out, 3);
  put<uint64_t>(out, tensors_.size());
  put<uint64_t>(out, n_kv_);
  out.insert(out.end(), kv_.begin(), kv_.end());
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    put_string(out, t.name);
    put<uint32_t>(out, static_cast<uint32_t>(t.dims.size()));
    for (uint64_t d : t.dims) put(out, d);
    put<uint32_t>(out, t.type);
    put<uint64_t>(out, offset);
    offset += (t.data.size() + alignment - 1) / alignment * alignment;
  }
  while (out.size() % alignment) out.push_back(0);
  for (const Tensor& t : tensors_) {
    out.insert(out.end(), t.data.begin(), t.data.end());
    while (out.size() % alignment) out.push_back(0);
  }
  return out;
}

}  // namespace energon::llama::test
