#include "energon/hw/onchip_buffer.h"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace energon::hw {

// Every offset below is relative to the request's `addr`, never addr + len: a request may end at the
// top of the address space (its last byte 2^64 − 1, which the field checks allow), where addr + len
// wraps to 0. An entry's end is likewise never formed where it could be 2^64: `a − e.addr < e.len`
// says a is inside e.

namespace {

/// Index of the first entry of `v` (sorted by addr, disjoint) holding a byte at or after `addr`: the
/// one holding `addr` if any, else the first starting after it (v.size() if none).
template <typename Entry>
size_t first_from(const std::vector<Entry>& v, uint64_t addr) {
  auto it = std::upper_bound(v.begin(), v.end(), addr, [](uint64_t a, const Entry& e) { return a < e.addr; });
  if (it != v.begin()) {
    auto prev = std::prev(it);  // prev->addr <= addr
    if (addr - prev->addr < prev->len) it = prev;
  }
  return size_t(it - v.begin());
}

/// Where entry e lies in the request [addr, addr + len): [rel0, rel1) relative to addr, skip = bytes
/// of e before addr. rel0 >= len: e starts after the request.
struct Overlap {
  uint64_t rel0, rel1, skip;
};
template <typename Entry>
Overlap overlap(const Entry& e, uint64_t addr, uint64_t len) {
  const uint64_t skip = e.addr < addr ? addr - e.addr : 0;
  const uint64_t rel0 = e.addr < addr ? 0 : e.addr - addr;
  return {rel0, rel0 >= len ? rel0 : std::min<uint64_t>(len, rel0 + (e.len - skip)), skip};
}

}  // namespace

void OnChipBuffer::clear() {
  extents_.clear();  // clear() keeps a vector's storage
  pieces_.clear();
  used_ = 0;
}

size_t OnChipBuffer::find_extent_beyond_hint(uint64_t addr) const {
  // A gathered request walks its runs upwards: the next extent is the usual second guess.
  if (hint_ + 1 < extents_.size() && addr - extents_[hint_ + 1].addr < extents_[hint_ + 1].len) return ++hint_;
  hint_ = first_from(extents_, addr);
  return hint_;
}

void OnChipBuffer::list_gaps(size_t i, uint64_t addr, uint32_t len, std::vector<Span>& missing) const {
  uint64_t covered = 0;  // bytes [0, covered) of the request are accounted for
  for (; i < extents_.size(); ++i) {
    const Overlap o = overlap(extents_[i], addr, len);
    if (o.rel0 >= len) break;
    if (o.rel0 > covered) missing.push_back({addr + covered, uint32_t(o.rel0 - covered)});
    covered = o.rel1;  // extents are disjoint and sorted: rel0 >= covered
  }
  if (covered < len) missing.push_back({addr + covered, uint32_t(len - covered)});
}

void OnChipBuffer::copy_pieces(uint64_t addr, uint32_t len, uint8_t* dst) const {
  // The piece holding addr (or the first after it): the last one found, or the next, or a search.
  size_t k = piece_hint_;
  const auto holds = [&](size_t i) { return i < pieces_.size() && addr - pieces_[i].addr < pieces_[i].len; };
  if (!holds(k)) k = holds(k + 1) ? k + 1 : first_from(pieces_, addr);
  piece_hint_ = k;
  for (; k < pieces_.size(); ++k) {
    const Piece& p = pieces_[k];
    const Overlap o = overlap(p, addr, len);
    if (o.rel0 >= len) break;
    std::memcpy(dst + o.rel0, arena_.data() + p.offset + o.skip, o.rel1 - o.rel0);
  }
}

void OnChipBuffer::read(uint64_t addr, uint32_t len, uint8_t* dst, std::vector<Span>& missing) const {
  missing.clear();
  const size_t i = find_extent(addr);
  // The usual case first: one extent holds the whole request, nothing is missing.
  if (!holds_whole(i, addr, len)) list_gaps(i, addr, len, missing);
  if (!dst || (missing.size() == 1 && missing[0].len == len)) return;  // nothing to copy
  copy_pieces(addr, len, dst);
}

// The same walk as read()'s, storing each gap as it is found instead of listing it: a stored gap
// changes neither the later gaps nor whether they fit beyond what used() records, so the result is
// that of listing the missing spans first (what another requester already filled is not stored
// twice) and storing them in address order, each if used() + its length <= capacity().
void OnChipBuffer::fill(uint64_t addr, uint32_t len, const uint8_t* src) {
  uint64_t covered = 0;
  size_t i = find_extent(addr);
  while (covered < len) {
    Overlap o{len, len, 0};  // the next extent within the request, or none
    if (i < extents_.size()) {
      const Overlap e = overlap(extents_[i], addr, len);
      if (e.rel0 < len) o = e;
    }
    if (o.rel0 > covered) i = size_t(std::ptrdiff_t(i) + store(i, addr + covered, o.rel0 - covered, src + covered));
    covered = o.rel1;
    ++i;
  }
}

int OnChipBuffer::store(size_t at, uint64_t addr, uint64_t len, const uint8_t* src) {
  if (used_ + len > capacity_) return 0;
  const uint64_t offset = used_;
  if (arena_.size() < offset + len) {  // first fills after construction only: the arena is kept
    arena_.resize(std::min(capacity_, std::max(offset + len, 2 * uint64_t(arena_.size()))));
  }
  std::memcpy(arena_.data() + offset, src, len);
  used_ += len;

  // The piece: continues the one before it in memory and in the arena (a run of rows fetched in
  // address order) or is a new entry. The one after it cannot continue it in the arena: its bytes
  // were stored before, below offset. prev.addr + prev.len does not wrap: prev lies below addr.
  const size_t p = first_from(pieces_, addr);  // the first piece after the gap
  if (p > 0 && pieces_[p - 1].addr + pieces_[p - 1].len == addr &&
      pieces_[p - 1].offset + pieces_[p - 1].len == offset) {
    pieces_[p - 1].len += len;
  } else {
    pieces_.insert(pieces_.begin() + std::ptrdiff_t(p), Piece{addr, len, offset});
  }

  // The extent: the gap lies between extents_[at − 1] and extents_[at]; joins either or both.
  const bool joins_prev = at > 0 && extents_[at - 1].addr + extents_[at - 1].len == addr;
  const bool joins_next = at < extents_.size() && extents_[at].addr - addr == len;  // extents_[at] is above addr
  if (joins_prev && joins_next) {
    extents_[at - 1].len += len + extents_[at].len;
    extents_.erase(extents_.begin() + std::ptrdiff_t(at));
    return -1;
  }
  if (joins_prev) {
    extents_[at - 1].len += len;
    return 0;
  }
  if (joins_next) {
    extents_[at].addr = addr;
    extents_[at].len += len;
    return 0;
  }
  extents_.insert(extents_.begin() + std::ptrdiff_t(at), Range{addr, len});
  return 1;
}

}  // namespace energon::hw
