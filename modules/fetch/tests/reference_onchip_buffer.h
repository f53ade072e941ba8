// Test-only reference for OnChipBuffer: the map-based implementation the fetch unit used before the
// flat arena (one std::vector per resident chunk, merged with its address neighbours). Kept
// verbatim in behaviour so that onchip_buffer_test.cpp can check the flat buffer against it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <vector>

#include "energon/hw/onchip_buffer.h"

namespace energon::test {

class ReferenceOnChipBuffer {
 public:
  using Span = hw::OnChipBuffer::Span;
  explicit ReferenceOnChipBuffer(uint64_t capacity) : capacity_(capacity) {}
  void clear() {
    chunks_.clear();
    used_ = 0;
  }
  void read(uint64_t addr, uint32_t len, uint8_t* dst, std::vector<Span>& missing) const {
    missing.clear();
    uint64_t covered = 0;  // offsets relative to addr: addr + len may wrap to 0
    auto it = chunks_.upper_bound(addr);
    if (it != chunks_.begin()) {
      auto prev = std::prev(it);
      if (prev->second.size() > addr - prev->first) it = prev;
    }
    for (; it != chunks_.end(); ++it) {
      const uint64_t c0 = it->first;
      const uint64_t skip = c0 < addr ? addr - c0 : 0;
      const uint64_t rel0 = c0 < addr ? 0 : c0 - addr;
      if (rel0 >= len) break;
      const uint64_t rel1 = std::min<uint64_t>(len, rel0 + (it->second.size() - skip));
      if (rel0 > covered) missing.push_back({addr + covered, uint32_t(rel0 - covered)});
      const uint64_t s0 = std::max(covered, rel0);
      if (rel1 > s0 && dst) std::memcpy(dst + s0, it->second.data() + skip + (s0 - rel0), rel1 - s0);
      covered = std::max(covered, rel1);
    }
    if (covered < len) missing.push_back({addr + covered, uint32_t(len - covered)});
  }
  void fill(uint64_t addr, uint32_t len, const uint8_t* src) {
    std::vector<Span> missing;
    read(addr, len, nullptr, missing);
    for (const Span& s : missing) {
      if (used_ + s.len > capacity_) continue;
      insert_piece(s.addr, s.len, src + (s.addr - addr));
    }
  }
  uint64_t used() const { return used_; }

 private:
  void insert_piece(uint64_t addr, uint32_t len, const uint8_t* src) {
    used_ += len;
    auto next = chunks_.lower_bound(addr);
    if (next != chunks_.begin()) {
      auto prev = std::prev(next);
      if (prev->first + prev->second.size() == addr) {
        prev->second.insert(prev->second.end(), src, src + len);
        if (next != chunks_.end() && next->first == addr + len) {
          prev->second.insert(prev->second.end(), next->second.begin(), next->second.end());
          chunks_.erase(next);
        }
        return;
      }
    }
    std::vector<uint8_t> bytes(src, src + len);
    if (next != chunks_.end() && next->first == addr + len) {
      bytes.insert(bytes.end(), next->second.begin(), next->second.end());
      chunks_.erase(next);
    }
    chunks_.emplace(addr, std::move(bytes));
  }
  uint64_t capacity_;
  uint64_t used_ = 0;
  std::map<uint64_t, std::vector<uint8_t>> chunks_;
};

}  // namespace energon::test
