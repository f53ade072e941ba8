// On-chip K/V row buffer of one half of the fetch unit (docs/fetch.md "On-chip buffer policy"):
// byte ranges of memory held on chip, filled on miss while there is room, no eviction, cleared as
// a whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace energon::hw {

/// Byte ranges of memory held on chip. Fill on miss while there is room, no eviction; cleared as
/// a whole. Ranges are [addr, addr + len) with addr + len ≤ 2^64: a range may end at the top of the
/// address space (last byte 2^64 − 1, where addr + len wraps to 0), it never passes it.
///
/// Layout (docs/fetch.md "The buffer's data structure"), three flat vectors reused across clear():
/// * the bytes in one arena, filled by bump allocation (a stored piece goes at offset used(), no
///   eviction leaves no holes): no allocation per fill;
/// * `pieces_`: where each stored piece lives in the arena, sorted by address; two pieces are one
///   entry where both their addresses and their arena offsets are contiguous (a run of rows fetched
///   in order), so that a read copies one memcpy per piece;
/// * `extents_`: the resident set as maximal address ranges (address-adjacent pieces coalesced
///   whatever their arena offsets) — exactly the chunks of the former map-based buffer. The
///   missing spans are the gaps between extents, so a lookup is one binary search and usually one
///   extent, also when the rows of a run were fetched out of order (the extent the previous
///   lookup found is tried before the binary search).
class OnChipBuffer {
 public:
  struct Span {
    uint64_t addr;
    uint32_t len;
  };
  explicit OnChipBuffer(uint64_t capacity) : capacity_(capacity) {}
  /// Forgets every byte; the three vectors keep their storage for the next job.
  void clear();
  /// Splits [addr, addr+len) into resident spans (copied to dst unless null, one memcpy per
  /// resident piece) and missing spans (the maximal non-resident runs, in address order).
  void read(uint64_t addr, uint32_t len, uint8_t* dst, std::vector<Span>& missing) const;
  /// The usual case of read(), without a list: if [addr, addr+len) (len ≥ 1) is resident as a
  /// whole, copies it to dst unless null and returns true; otherwise (len = 0 too) returns false
  /// and copies nothing.
  bool read_resident(uint64_t addr, uint32_t len, uint8_t* dst) const {  // inline: once per run of kept keys
    const bool whole = holds_whole(find_extent(addr), addr, len);
    if (whole && dst) copy_pieces(addr, len, dst);
    return whole;
  }
  /// Stores the parts of [addr, addr+len) not yet resident, each only if it fits entirely.
  void fill(uint64_t addr, uint32_t len, const uint8_t* src);
  uint64_t used() const { return used_; }
  uint64_t capacity() const { return capacity_; }

 private:
  /// Resident bytes [addr, addr + len).
  struct Range {
    uint64_t addr;
    uint64_t len;
  };
  /// Stored bytes [addr, addr + len), held at arena_[offset, offset + len).
  struct Piece {
    uint64_t addr;
    uint64_t len;
    uint64_t offset;
  };
  /// first_from(extents_, addr) (the extent holding addr, else the first after it), trying the
  /// extent the previous lookup found first (a kv head's requests mostly fall in the same extent),
  /// then the one after it (the runs of a gathered request ascend).
  size_t find_extent(uint64_t addr) const {
    // Any value of hint_ is safe: it is used only if it names an extent that holds addr.
    if (hint_ < extents_.size() && addr - extents_[hint_].addr < extents_[hint_].len) return hint_;
    return find_extent_beyond_hint(addr);
  }
  /// find_extent() where the hint's extent does not hold addr: the next extent, else a search.
  size_t find_extent_beyond_hint(uint64_t addr) const;
  /// Appends to `missing` the gaps of [addr, addr + len) between the extents from extents_[i] on
  /// (i = find_extent(addr)): the maximal non-resident runs, in address order.
  void list_gaps(size_t i, uint64_t addr, uint32_t len, std::vector<Span>& missing) const;
  /// extents_[i] (i = find_extent(addr)) holds all of [addr, addr + len), len ≥ 1.
  bool holds_whole(size_t i, uint64_t addr, uint32_t len) const {
    return len > 0 && i < extents_.size() && addr - extents_[i].addr < extents_[i].len &&
           extents_[i].len - (addr - extents_[i].addr) >= len;
  }
  /// Copies the resident bytes of [addr, addr + len) to dst: one memcpy per stored piece.
  void copy_pieces(uint64_t addr, uint32_t len, uint8_t* dst) const;
  /// Stores [addr, addr + len) from src, the gap just before extents_[at] (or at the end), if it
  /// fits entirely. Returns by how much the index of the extent that was at `at` moved: −1 (the
  /// gap joined it to the previous one), +1 (a new extent before it), 0 (extended or not stored).
  int store(size_t at, uint64_t addr, uint64_t len, const uint8_t* src);

  uint64_t capacity_;
  uint64_t used_ = 0;              ///< bytes resident, = arena bytes in use (no eviction, no holes)
  std::vector<Range> extents_;     ///< maximal resident ranges, sorted by addr
  std::vector<Piece> pieces_;      ///< stored pieces, sorted by addr, disjoint
  std::vector<uint8_t> arena_;     ///< grows on demand up to capacity_, never shrinks
  mutable size_t hint_ = 0;        ///< index find_extent() returned last; only a guess, checked before use
  mutable size_t piece_hint_ = 0;  ///< the piece copy_pieces() started at last; likewise a guess
};

}  // namespace energon::hw
