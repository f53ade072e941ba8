#include "file_bytes.h"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

namespace energon::llama::detail {

std::vector<uint8_t> read_file_bytes(const std::string& path, uint64_t max_bytes) {
  // What the path is and how big, from the file system, before a byte is read or allocated:
  // a folder, a device (/dev/zero) or an oversized file is refused by name.
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw ModelError(path, "cannot open: no such file");
  if (std::filesystem::is_directory(st)) throw ModelError(path, "is a folder, expected a model or tokenizer file");
  if (!std::filesystem::is_regular_file(st))
    throw ModelError(path, "not a regular file (expected a model or tokenizer file)");
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw ModelError(path, "cannot determine the file size: " + ec.message());
  if (size > max_bytes)
    throw ModelError(path, "is " + std::to_string(size) + " bytes, larger than the " + std::to_string(max_bytes) +
                               "-byte limit for this file kind");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ModelError(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
    throw ModelError(path, "read error");
  return bytes;
}

}  // namespace energon::llama::detail
