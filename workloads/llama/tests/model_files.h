// Test helpers: paths of the real model data shared outside the repo (tests skip when it is
// absent), the known greedy story, and temporary copies of (corrupted) files.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace energon::llama::test {

inline std::string model_dir() { return std::string(ENERGON_SHARED_DIR) + "/models"; }
inline std::string checkpoint_path() { return model_dir() + "/stories260K.bin"; }
inline std::string tokenizer_path() { return model_dir() + "/tok512.bin"; }
inline std::string gguf_path() { return model_dir() + "/stories260K.gguf"; }

inline bool model_files_present() {
  return std::ifstream(checkpoint_path()).good() && std::ifstream(tokenizer_path()).good() &&
         std::ifstream(gguf_path()).good();
}

/// The greedy story of stories260K from BOS, as the llama2.c documentation prints it.
inline const char* known_story() {
  return "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
         "park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.";
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

/// A file under the temp directory holding `bytes`, removed when this goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& name, const std::vector<uint8_t>& bytes) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/energon_llama_" + std::to_string(::getpid()) + "_" + name;
    std::ofstream f(path_, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

template <typename T>
void poke(std::vector<uint8_t>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

}  // namespace energon::llama::test

#define ENERGON_REQUIRE_MODEL_FILES()                                                  \
  do {                                                                                 \
    if (!energon::llama::test::model_files_present()) {                                \
      WARN("skipped: model files not found in " << energon::llama::test::model_dir()); \
      return;                                                                          \
    }                                                                                  \
  } while (0)
