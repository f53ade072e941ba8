// Backing memory of the DRAM: one anonymous MAP_NORESERVE mapping of the full size. The
// kernel allocates (zeroed) pages on first touch, so a 2 GiB DRAM costs only what is written,
// and one contiguous pointer serves b_transport, debug transport and DMI alike.
#pragma once

#include <cstddef>
#include <cstdint>

namespace energon::hw {

class DramStorage {
 public:
  explicit DramStorage(uint64_t size_bytes);
  ~DramStorage();
  DramStorage(const DramStorage&) = delete;
  DramStorage& operator=(const DramStorage&) = delete;

  uint8_t* data() { return base_; }
  uint64_t size() const { return size_; }
  /// Zeroes everything and returns the pages to the kernel; the pointer stays valid.
  void clear();

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace energon::hw
