#include "dram_storage.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace energon::hw {

DramStorage::DramStorage(uint64_t size_bytes) : size_(size_bytes) {
  void* p = mmap(nullptr, size_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw std::runtime_error("DRAM: cannot reserve " + std::to_string(size_bytes) +
                             " bytes of address space: " + std::strerror(errno));
  base_ = static_cast<uint8_t*>(p);
}

DramStorage::~DramStorage() { munmap(base_, size_); }

void DramStorage::clear() {
  // Private anonymous pages read back as zeros after MADV_DONTNEED.
  if (madvise(base_, size_, MADV_DONTNEED) != 0) std::memset(base_, 0, size_);
}

}  // namespace energon::hw
