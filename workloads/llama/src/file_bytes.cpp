#include "file_bytes.h"

#include <cerrno>
#include <cstdio>
#include <memory>

namespace energon::llama::detail {

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ModelError(path, std::string("cannot open: ") + std::strerror(errno));
  if (std::fseek(f.get(), 0, SEEK_END) != 0) throw ModelError(path, "cannot seek");
  const long size = std::ftell(f.get());
  if (size < 0) throw ModelError(path, "cannot determine the file size");
  std::rewind(f.get());
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
    throw ModelError(path, "read error");
  return bytes;
}

}  // namespace energon::llama::detail
