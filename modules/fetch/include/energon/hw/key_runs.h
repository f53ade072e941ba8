// Runs of consecutive keys in an ascending key list: the engines fetch a run of kept keys' rows
// as one burst, and decode stretches of rows they do not hold yet in one call.
#pragma once

#include <cstddef>
#include <cstdint>

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

}  // namespace energon::hw
