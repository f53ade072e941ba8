// What every fuzz target shares: the input as text or as a file (for loaders that take a path),
// and the rule that a parser may only refuse input with its own documented error type. Any other
// exception escapes LLVMFuzzerTestOneInput and libFuzzer reports it as a crash.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace energon::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// Writes the input to a file of this process (in /dev/shm when it exists) and returns its path.
inline std::string file_of(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  const std::string path = dir + "/energon-fuzz-" + std::to_string(getpid()) + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}

/// Runs `parse`; the parser's own error (a refusal with a message) is a correct outcome.
template <class Error, class F>
void refusing_only(F&& parse) {
  try {
    parse();
  } catch (const Error& e) {
    if (e.what()[0] == '\0') __builtin_trap();  // a refusal must say why
  }
}

}  // namespace energon::fuzz
