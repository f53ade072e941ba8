// The accelerator as the network's attention backend: runs inside the HostCpu program thread
// and offloads every attend() through the firmware driver (energon_submit / energon_wait /
// result read-back), bit-exact with the golden model's quantize → attention → dequantize.
//   per_job  — each call quantizes and places Q, K, V (place_job), one causal descriptor per
//              layer, releases the buffers afterwards (whole-sequence mode).
//   resident — the K/V cache lives in shared DRAM (ResidentKvHead per layer and kv head),
//              appended every step; one descriptor per kv head (its query heads, kv_heads = 1),
//              all of a layer behind one doorbell and one wait (generation mode).
#pragma once

#include <systemc>

#include <cstdint>
#include <map>
#include <vector>

#include "energon/attention_job.h"
#include "energon/layer_filters.h"
#include "energon/fw/energon_fw.h"
#include "energon/llama/attention_backend.h"
#include "energon/platform/host_cpu.h"
#include "energon/platform/llm/resident_kv_cache.h"

namespace energon::platform::llm {

enum class KvPlacement : uint8_t { per_job, resident };
const char* to_string(KvPlacement p);

/// Marks a record of a descriptor that covers every kv head of its layer.
constexpr uint32_t kAllKvHeads = UINT32_MAX;

/// One descriptor the backend ran.
struct OffloadRecord {
  uint64_t step = 0;  ///< forward step (counts layer-0 calls)
  uint32_t layer = 0;
  uint32_t kv_head = kAllKvHeads;      ///< resident: the kv head (its query heads); per_job: all
  uint32_t first_head = 0, heads = 0;  ///< query heads of the descriptor
  uint32_t n_q = 0, n_k = 0;
  energon_result_t result{};              ///< the descriptor's result block
  sc_core::sc_time submitted, completed;  ///< doorbell of its batch, end of the batch's wait
};

class AcceleratorAttention : public llama::AttentionBackend {
 public:
  /// `dev` must be initialised, probed and have its queue set up (energon_queue_setup) on
  /// `cpu`'s HAL. `context` is the resident cache capacity in positions. `filters` gives each
  /// layer's rounds (one FilterConfig converts: the same for every layer).
  AcceleratorAttention(HostCpu& cpu, energon_dev_t& dev, const LayerFilters& filters, uint32_t context,
                       uint32_t timeout_us = 1000000);

  /// Throws std::runtime_error when the driver or a job fails (message names the layer and error).
  void attend(uint32_t layer, const FloatLayer& qkv, float* out) override;

  void set_placement(KvPlacement p) { placement_ = p; }
  KvPlacement placement() const { return placement_; }
  /// Forgets the resident cache rows (before a new text); DRAM stays reserved.
  void clear_cache();

  const FilterConfig& filter() const { return filters_.base; }
  const LayerFilters& filters() const { return filters_; }
  const std::vector<OffloadRecord>& records() const { return records_; }
  const KvCacheStats& cache_stats() const { return cache_stats_; }
  /// Host time charged inside attend(): quantize, pack, copy, descriptors, MMIO, interrupt entry.
  sc_core::sc_time host_time() const { return host_time_; }
  /// Simulated time attend() spent waiting for interrupts.
  sc_core::sc_time wait_time() const { return wait_time_; }
  uint64_t batches() const { return batches_; }

 private:
  void attend_per_job(uint32_t layer, const FloatLayer& qkv, float* out);
  void attend_resident(uint32_t layer, const FloatLayer& qkv, float* out);
  /// Submits `descs` (in ring-sized chunks), waits, fills the records' result blocks.
  void run_batch(const std::vector<energon_desc_t>& descs, size_t first_record);
  ResidentKvHead& cache(uint32_t layer, uint32_t kv_head, uint32_t kv_heads, uint32_t d);

  /// What the descriptors of one filter configuration carry.
  struct DescFilter {
    std::vector<energon_select_t> rounds;
    energon_select_t topk{};
    uint8_t policy = 0;
    std::vector<uint8_t> plane_bits;
  };
  static DescFilter desc_filter(const FilterConfig& f);
  const DescFilter& layer_filter(uint32_t layer) const;

  HostCpu& cpu_;
  energon_dev_t& dev_;
  LayerFilters filters_;
  uint32_t context_, timeout_us_;
  KvPlacement placement_ = KvPlacement::per_job;
  DescFilter base_;
  std::map<uint32_t, DescFilter> layers_;
  std::vector<std::vector<ResidentKvHead>> caches_;  ///< [layer][kv head]
  std::vector<OffloadRecord> records_;
  KvCacheStats cache_stats_;
  sc_core::sc_time host_time_ = sc_core::SC_ZERO_TIME, wait_time_ = sc_core::SC_ZERO_TIME;
  uint64_t step_ = 0, batches_ = 0;
  bool first_call_ = true;
  std::vector<int16_t> q16_, out16_;
};

}  // namespace energon::platform::llm
