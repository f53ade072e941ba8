// Runs of consecutive keys in an ascending key list: the engines fetch a run of kept keys' rows
// as one burst, and decode stretches of rows they do not hold yet in one call.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace energon::hw {

/// Calls f(first, end) for every maximal run keys[first..end) of consecutive keys.
template <typename F>
void for_each_key_run(const uint32_t* keys, size_t n, F&& f) {
  for (size_t c = 0; c < n;) {
    size_t e = c + 1;
    while (e < n && keys[e] == keys[e - 1] + 1) ++e;
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

/// The union of the key lists keys_of(item) of `items`, ascending without repeats, into `out`
/// (the keys of a query tile's rows: one stream for all of them).
template <typename Items, typename KeysOf>
void union_of_keys(const Items& items, KeysOf&& keys_of, std::vector<uint32_t>& out) {
  out.clear();
  for (const auto& item : items) {
    const std::vector<uint32_t>& k = keys_of(item);
    out.insert(out.end(), k.begin(), k.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace energon::hw
