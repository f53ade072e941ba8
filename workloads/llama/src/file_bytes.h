// Whole-file reads and a bounds-checked cursor over the bytes: every length read from a
// file is checked against what is left before anything is allocated.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "energon/llama/model_error.h"

namespace energon::llama::detail {

/// Size limits per file kind (docs/real-model.md): a model file holds its weights as float32 or
/// float16 and is read whole; 16 GiB is a 4-billion-parameter float32 model. A tokenizer of the
/// largest vocabularies is a few MB.
constexpr uint64_t kMaxModelFileBytes = uint64_t(16) << 30;
constexpr uint64_t kMaxTokenizerFileBytes = uint64_t(256) << 20;

/// Reads the whole regular file of at most max_bytes; ModelError naming the file when it is not a
/// regular file, is larger, or cannot be opened or read.
std::vector<uint8_t> read_file_bytes(const std::string& path, uint64_t max_bytes);

/// Little-endian reader; every read past the end throws ModelError naming the file and `what`.
class ByteCursor {
 public:
  ByteCursor(const std::string& file, const std::vector<uint8_t>& bytes) : file_(file), bytes_(bytes) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  size_t size() const { return bytes_.size(); }
  const std::string& file() const { return file_; }

  /// Throws "truncated" unless n more bytes are available.
  void require(uint64_t n, const std::string& what) const {
    if (n > remaining())
      throw ModelError(file_, "truncated file: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                                  std::to_string(pos_) + ", only " + std::to_string(remaining()) + " left");
  }
  template <typename T>
  T read(const std::string& what) {
    require(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string read_string(uint64_t n, const std::string& what) {
    require(n, what);
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  const uint8_t* take(uint64_t n, const std::string& what) {
    require(n, what);
    const uint8_t* p = bytes_.data() + pos_;
    pos_ += static_cast<size_t>(n);
    return p;
  }
  void seek(size_t pos, const std::string& what) {
    if (pos > bytes_.size())
      throw ModelError(file_, "truncated file: " + what + " at offset " + std::to_string(pos) + " is past the end (" +
                                  std::to_string(bytes_.size()) + " bytes)");
    pos_ = pos;
  }

 private:
  std::string file_;
  const std::vector<uint8_t>& bytes_;
  size_t pos_ = 0;
};

}  // namespace energon::llama::detail
