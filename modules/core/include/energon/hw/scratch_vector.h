// A vector whose resize() leaves new elements uninitialised: for a block's per-row buffer that a
// kernel writes before anything reads it (a row's Q·K scores, AttendJob::acc; the selector's
// compare-and-emit output). A plain std::vector zero-fills on every resize after a clear(), which
// for the score buffer was as many bytes as the scores themselves (docs/architecture.md
// "Simulation speed").
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace energon::hw {

/// std::allocator, except that value-initialisation (construct with no arguments) is
/// default-initialisation: trivial types are left as they are.
template <typename T>
class DefaultInitAllocator : public std::allocator<T> {
 public:
  using std::allocator<T>::allocator;
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// A buffer written before it is read: resize() does not clear what it adds.
template <typename T>
using ScratchVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace energon::hw
