// Host-side work counters: what each operation of the network costs the host CPU, counted
// per forward step so a host CPU timing model can turn it into simulated time
// (docs/real-model.md, "Host cost model").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace energon::llama {

/// Work of one operation. A multiply-accumulate counts once in `macs` (not in elementwise).
struct HostWork {
  uint64_t macs = 0;            ///< float multiply-accumulates (matmuls, dot products)
  uint64_t elementwise = 0;     ///< other float add/mul/div/compare
  uint64_t transcendental = 0;  ///< expf, sinf, cosf, powf, sqrtf calls
  uint64_t bytes = 0;           ///< bytes read + written (weights, activations, caches)

  HostWork& operator+=(const HostWork& o) {
    macs += o.macs;
    elementwise += o.elementwise;
    transcendental += o.transcendental;
    bytes += o.bytes;
    return *this;
  }
  bool operator==(const HostWork& o) const {
    return macs == o.macs && elementwise == o.elementwise && transcendental == o.transcendental && bytes == o.bytes;
  }
};

/// Host-side operations of the network. `attention` is the float reference's cost: a host
/// model that offloads attention to the accelerator leaves it out (it keeps `kv_gather`,
/// the packing of the job's tensors).
enum class HostOp : uint8_t {
  embedding,          ///< token embedding row copy
  rmsnorm,            ///< attention, FFN and final RMSNorm
  qkv_projection,     ///< wq, wk, wv matmuls
  rotary,             ///< RoPE on q and k
  kv_gather,          ///< packing q and the K/V cache prefix into the attention job
  attention,          ///< float attention (scores, softmax, weighted V)
  output_projection,  ///< wo matmul
  residual,           ///< the two residual adds per layer
  ffn,                ///< w1, w3, SiLU·gate, w2
  classifier,         ///< final vocab matmul
  sampling,           ///< argmax or temperature sampling
  count
};
constexpr size_t kHostOpCount = static_cast<size_t>(HostOp::count);
const char* to_string(HostOp op);

/// Work per operation, accumulated over forward steps.
class HostWorkLedger {
 public:
  void add(HostOp op, const HostWork& w) { ops_[static_cast<size_t>(op)] += w; }
  const HostWork& op(HostOp op) const { return ops_[static_cast<size_t>(op)]; }
  /// Sum over all operations.
  HostWork total() const;
  /// Sum over all operations except `excluded` (e.g. attention when it is offloaded).
  HostWork total_except(HostOp excluded) const;
  /// Forward calls (one per generated token, one per whole-sequence call) counted so far.
  uint64_t forward_steps = 0;
  /// Token positions processed so far (n per whole-sequence call).
  uint64_t tokens = 0;

  HostWorkLedger& operator+=(const HostWorkLedger& o);
  void reset() { *this = HostWorkLedger(); }

 private:
  std::array<HostWork, kHostOpCount> ops_{};
};

}  // namespace energon::llama
