// Runs of consecutive keys in an ascending key list: the engines fetch a run of kept keys' rows
// as one burst, and decode stretches of rows they do not hold yet in one call.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace energon::hw {

/// End of the run of consecutive keys that starts at keys[c] (c < n), in a strictly ascending list.
/// There keys[j] − keys[c] ≥ j − c, equal exactly while the run lasts: a predicate that holds up to
/// the run's end and nowhere after, so after a few steps (short runs, the sparse lists) the end is
/// found by galloping and bisecting, in O(log length) (a dense row's one run of every key).
inline size_t key_run_end(const uint32_t* keys, size_t n, size_t c) {
  const uint32_t first = keys[c];
  const auto in_run = [&](size_t j) { return size_t(keys[j] - first) == j - c; };
  size_t e = c + 1;
  for (int step = 0; step < 4; ++step, ++e)
    if (e >= n || !in_run(e)) return e;
  size_t lo = e - 1, hi = n;  // keys[lo] is in the run; hi: not in it, or the list's end
  for (size_t stride = 8; lo + stride < n; stride *= 2) {
    if (!in_run(lo + stride)) {
      hi = lo + stride;
      break;
    }
    lo += stride;
  }
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    (in_run(mid) ? lo : hi) = mid;
  }
  return hi;
}

/// Calls f(first, end) for every maximal run keys[first..end) of consecutive keys (keys strictly
/// ascending).
template <typename F>
void for_each_key_run(const uint32_t* keys, size_t n, F&& f) {
  for (size_t c = 0; c < n;) {
    const size_t e = key_run_end(keys, n, c);
    f(c, e);
    c = e;
  }
}

/// Calls f(first, end) for every maximal run keys[first..end) of consecutive keys that all
/// satisfy want(key).
template <typename P, typename F>
void for_each_key_run_where(const uint32_t* keys, size_t n, P&& want, F&& f) {
  for (size_t r = 0; r < n;) {
    if (!want(keys[r])) {
      ++r;
      continue;
    }
    size_t e = r + 1;
    while (e < n && keys[e] == keys[e - 1] + 1 && want(keys[e])) ++e;
    f(r, e);
    r = e;
  }
}

/// The union of the key lists keys_of(item) of `items` (each strictly ascending), ascending without
/// repeats, into `out` (the keys of a query tile's rows: one stream for all of them). A list that
/// holds every key 0 .. the largest of all (a dense tile's rows) is the union; otherwise a bitmap
/// over the keys up to the largest: linear in the lists and in that key / 64, no sort.
template <typename Items, typename KeysOf>
void union_of_keys(const Items& items, KeysOf&& keys_of, std::vector<uint32_t>& out) {
  out.clear();
  size_t lists = 0, total = 0;
  uint32_t top = 0;
  const std::vector<uint32_t>* only = nullptr;
  const std::vector<uint32_t>* complete = nullptr;  // the longest list holding every key 0 .. its last
  for (const auto& item : items) {
    const std::vector<uint32_t>& k = keys_of(item);
    if (k.empty()) continue;
    ++lists, total += k.size(), only = &k;
    top = std::max(top, k.back());
    if (k.size() == size_t(k.back()) + 1 && (!complete || k.size() > complete->size())) complete = &k;
  }
  if (lists == 0) return;
  if (lists == 1 || (complete && complete->back() == top)) {
    const std::vector<uint32_t>& all = lists == 1 ? *only : *complete;
    out.assign(all.begin(), all.end());
    return;
  }
  thread_local std::vector<uint64_t> bits;
  const size_t words = size_t(top) / 64 + 1;
  bits.assign(words, 0);
  for (const auto& item : items)
    for (const uint32_t key : keys_of(item)) bits[key / 64] |= uint64_t(1) << (key % 64);
  out.resize(std::min<size_t>(total, size_t(top) + 1));  // room for the union, trimmed below: the
  uint32_t* o = out.data();                              // loop then stores without a capacity check
  for (size_t w = 0; w < words; ++w)
    for (uint64_t b = bits[w]; b != 0; b &= b - 1) *o++ = uint32_t(w * 64 + unsigned(__builtin_ctzll(b)));
  out.resize(size_t(o - out.data()));
}

}  // namespace energon::hw
