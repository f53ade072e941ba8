// A TLM-2.0 memory manager (tlm_mm_interface) that recycles generic payloads: a block issues
// every transaction on a payload from its pool instead of constructing one (the constructor
// allocates the extension array, the destructor frees it), so a transaction allocates nothing
// once the pool has warmed up. Payloads go back to the pool when their reference count drops
// to zero (release()), reset as the base protocol requires. One pool per issuing block; the
// simulation runs on one OS thread, so the pool needs no lock.
#pragma once

#include <tlm>

#include <vector>

namespace energon::hw {

class PayloadPool : public tlm::tlm_mm_interface {
 public:
  PayloadPool() = default;
  PayloadPool(const PayloadPool&) = delete;
  PayloadPool& operator=(const PayloadPool&) = delete;
  ~PayloadPool() override;

  /// A payload with reference count 1 and default attributes (address 0, no data, no byte
  /// enables, streaming width 0, TLM_INCOMPLETE_RESPONSE, DMI hint clear, no extension).
  tlm::tlm_generic_payload* allocate();
  /// tlm_mm_interface: called by tlm_generic_payload::release() at reference count 0.
  void free(tlm::tlm_generic_payload* p) override;
  /// Payloads ever constructed by this pool (in use + free).
  size_t constructed() const { return constructed_; }

 private:
  std::vector<tlm::tlm_generic_payload*> free_;
  size_t constructed_ = 0;
};

/// Holds one reference to a pooled payload for a scope (released on exit, also on exceptions).
class PooledPayload {
 public:
  explicit PooledPayload(PayloadPool& pool) : p_(pool.allocate()) {}
  PooledPayload(const PooledPayload&) = delete;
  PooledPayload& operator=(const PooledPayload&) = delete;
  ~PooledPayload() { p_->release(); }
  tlm::tlm_generic_payload& operator*() const { return *p_; }
  tlm::tlm_generic_payload* operator->() const { return p_; }

 private:
  tlm::tlm_generic_payload* p_;
};

}  // namespace energon::hw
