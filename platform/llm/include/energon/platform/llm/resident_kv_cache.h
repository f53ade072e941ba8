// The K/V cache of one (layer, kv head) kept resident in shared DRAM for generation: K as the
// descriptor's bit planes, V as INT16, capacity for the whole context, appended row by row.
// Quantization follows the golden model's quantize_layer on the cache prefix exactly (scale =
// max|x| / 32767 over the rows so far): the float rows stay on the host, and when a new row
// changes the head's scale the whole head is requantized and repacked.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/platform/host_cpu.h"

namespace energon::platform::llm {

/// Traffic and work of keeping caches up to date, summed over heads.
struct KvCacheStats {
  uint64_t rows_appended = 0;  ///< K/V rows quantized and written for the first time
  uint64_t k_requantized = 0;  ///< times a head's K scale changed and its cache was repacked
  uint64_t v_requantized = 0;  ///< same for V
  uint64_t rows_repacked = 0;  ///< rows rewritten by those requantizations (K and V counted apart)
  uint64_t append_bytes = 0;   ///< bytes written to DRAM for new rows (K planes + V)
  uint64_t repack_bytes = 0;   ///< bytes rewritten by requantizations
  uint64_t truncations = 0;    ///< times the cache was cut back (a step rewrote earlier positions)
  KvCacheStats& operator+=(const KvCacheStats& o);
};

class ResidentKvHead {
 public:
  /// `plane_bits` are the K plane widths (MSB plane first, summing to 16); d a multiple of 8.
  ResidentKvHead(uint32_t d, uint32_t capacity, const std::vector<uint8_t>& plane_bits);

  /// Reserves the K planes and V region in shared DRAM; std::runtime_error when it runs out.
  void allocate(HostCpu& cpu);
  bool allocated() const { return v_addr_ != 0; }

  /// Makes the cache hold rows [0, n_k) of `k` and `v` (float [n_k][d] of this head) where rows
  /// [0, keep) must be the ones cached already: cuts back to `keep`, appends the rest, and
  /// requantizes when a scale changes. Host work is charged to `cpu`; traffic goes to `stats`.
  /// std::logic_error when a kept row differs from the cached one (the caller broke the contract).
  void update(HostCpu& cpu, const float* k, const float* v, uint32_t keep, uint32_t n_k, KvCacheStats& stats);
  /// Forgets every row (a new text); DRAM regions stay reserved.
  void clear();

  uint32_t rows() const { return rows_; }
  float k_scale() const { return k_scale_; }
  float v_scale() const { return v_scale_; }
  uint64_t k_plane_addr(uint32_t p) const { return k_addr_.at(p); }
  uint64_t v_addr() const { return v_addr_; }
  const std::vector<uint8_t>& plane_bits() const { return bits_; }

 private:
  enum class Part : uint8_t { k, v };
  void write_rows(HostCpu& cpu, Part part, uint32_t first, uint32_t end, uint32_t old_rows, KvCacheStats& stats);

  uint32_t d_, capacity_;
  std::vector<uint8_t> bits_;
  std::vector<uint64_t> k_addr_;
  uint64_t v_addr_ = 0;
  std::vector<float> k_rows_, v_rows_;  ///< host copy of the float rows, [capacity][d]
  uint32_t rows_ = 0;
  float k_max_ = 0, v_max_ = 0;
  float k_scale_ = 1, v_scale_ = 1;  ///< scales of the INT16 data in DRAM
  std::vector<int16_t> scratch_;
  std::vector<std::vector<uint8_t>> planes_;
};

}  // namespace energon::platform::llm
