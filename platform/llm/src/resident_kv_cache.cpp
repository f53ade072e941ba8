#include "energon/platform/llm/resident_kv_cache.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "energon/fw/energon_pack.h"

namespace energon::platform::llm {
namespace {

/// golden::tensor_scale on a running maximum: max|x| / 32767, 1 for an all-zero tensor.
float scale_of(float max_abs) { return max_abs > 0.0f ? max_abs / 32767.0f : 1.0f; }

float max_abs_of(const float* x, size_t n, float m) {
  for (size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(x[i]));
  return m;
}

}  // namespace

KvCacheStats& KvCacheStats::operator+=(const KvCacheStats& o) {
  rows_appended += o.rows_appended;
  k_requantized += o.k_requantized;
  v_requantized += o.v_requantized;
  rows_repacked += o.rows_repacked;
  append_bytes += o.append_bytes;
  repack_bytes += o.repack_bytes;
  truncations += o.truncations;
  return *this;
}

ResidentKvHead::ResidentKvHead(uint32_t d, uint32_t capacity, const std::vector<uint8_t>& plane_bits)
    : d_(d), capacity_(capacity), bits_(plane_bits), planes_(plane_bits.size()) {
  uint32_t sum = 0;
  for (uint8_t b : bits_) sum += b;
  if (d_ == 0 || d_ % 8 != 0 || capacity_ == 0 || bits_.empty() || bits_.size() > ENERGON_MAX_PLANES || sum != 16)
    throw std::invalid_argument(
        "resident K/V cache: needs d a multiple of 8, a capacity and K planes summing to 16 bits");
  k_rows_.resize(size_t(capacity_) * d_);
  v_rows_.resize(size_t(capacity_) * d_);
}

void ResidentKvHead::allocate(HostCpu& cpu) {
  if (allocated()) return;
  auto take = [&](size_t bytes, const char* what) {
    const uint64_t a = cpu.alloc(bytes, ENERGON_BUFFER_ALIGN);
    if (a == ENERGON_HAL_NO_MEMORY)
      throw std::runtime_error(std::string("shared DRAM exhausted reserving the resident ") + what + " cache (" +
                               std::to_string(bytes) + " bytes)");
    return a;
  };
  k_addr_.clear();
  for (uint8_t b : bits_) k_addr_.push_back(take(energon_plane_bytes(capacity_, d_, b), "K plane"));
  v_addr_ = take(size_t(capacity_) * d_ * sizeof(int16_t), "V");
}

void ResidentKvHead::clear() {
  rows_ = 0;
  k_max_ = v_max_ = 0.0f;
  k_scale_ = v_scale_ = 1.0f;
}

void ResidentKvHead::update(HostCpu& cpu, const float* k, const float* v, uint32_t keep, uint32_t n_k,
                            KvCacheStats& stats) {
  if (!allocated()) throw std::logic_error("resident K/V cache used before allocate()");
  if (keep > n_k || n_k > capacity_)
    throw std::invalid_argument("resident K/V cache: " + std::to_string(n_k) + " rows requested, capacity " +
                                std::to_string(capacity_));
  const size_t row = d_;
  const uint32_t same = std::min(rows_, keep);
  if (std::memcmp(k_rows_.data(), k, same * row * sizeof(float)) != 0 ||
      std::memcmp(v_rows_.data(), v, same * row * sizeof(float)) != 0)
    throw std::logic_error("resident K/V cache out of step with the network: a cached position changed");
  const double quantize_ns = cpu.config().cost.quantize_ns_per_elem;
  if (rows_ > keep) {
    rows_ = keep;
    ++stats.truncations;
    k_max_ = max_abs_of(k_rows_.data(), keep * row, 0.0f);
    v_max_ = max_abs_of(v_rows_.data(), keep * row, 0.0f);
    cpu.spend_ns(quantize_ns * double(2 * keep * row));  // the max pass over what is left
  }
  const uint32_t old_rows = rows_;
  const size_t fresh = size_t(n_k - old_rows) * row;
  std::memcpy(&k_rows_[old_rows * row], k + old_rows * row, fresh * sizeof(float));
  std::memcpy(&v_rows_[old_rows * row], v + old_rows * row, fresh * sizeof(float));
  k_max_ = max_abs_of(&k_rows_[old_rows * row], fresh, k_max_);
  v_max_ = max_abs_of(&v_rows_[old_rows * row], fresh, v_max_);
  rows_ = n_k;
  stats.rows_appended += n_k - old_rows;

  // A changed scale changes every INT16 value already in DRAM: rewrite the head.
  const float ks = scale_of(k_max_), vs = scale_of(v_max_);
  const bool k_repack = ks != k_scale_ && old_rows > 0;
  const bool v_repack = vs != v_scale_ && old_rows > 0;
  k_scale_ = ks;
  v_scale_ = vs;
  stats.k_requantized += k_repack;
  stats.v_requantized += v_repack;
  write_rows(cpu, Part::k, k_repack ? 0 : old_rows, n_k, old_rows, stats);
  write_rows(cpu, Part::v, v_repack ? 0 : old_rows, n_k, old_rows, stats);
}

void ResidentKvHead::write_rows(HostCpu& cpu, Part part, uint32_t first, uint32_t end, uint32_t old_rows,
                                KvCacheStats& stats) {
  if (first >= end) return;
  const HostCpuCost& cost = cpu.config().cost;
  const uint32_t m = end - first;
  const size_t elems = size_t(m) * d_;
  const float* src = (part == Part::k ? k_rows_.data() : v_rows_.data()) + size_t(first) * d_;
  const float scale = part == Part::k ? k_scale_ : v_scale_;
  scratch_.resize(elems);
  for (size_t i = 0; i < elems; ++i) scratch_[i] = energon_quantize(src[i], scale);
  cpu.spend_ns(cost.quantize_ns_per_elem * double(elems));

  auto account = [&](size_t bytes_per_row) {
    const uint32_t rewritten = first < old_rows ? std::min(end, old_rows) - first : 0;
    stats.rows_repacked += rewritten;
    stats.repack_bytes += rewritten * bytes_per_row;
    stats.append_bytes += (m - rewritten) * bytes_per_row;
  };
  if (part == Part::v) {
    const size_t row_bytes = size_t(d_) * sizeof(int16_t);
    if (!cpu.write_mem(v_addr_ + first * row_bytes, scratch_.data(), m * row_bytes))
      throw std::runtime_error("bus error writing the resident V cache");
    account(row_bytes);
    return;
  }
  std::vector<uint8_t*> ptrs(bits_.size());
  size_t packed = 0;
  for (size_t p = 0; p < bits_.size(); ++p) {
    planes_[p].resize(energon_plane_bytes(m, d_, bits_[p]));
    ptrs[p] = planes_[p].data();
    packed += planes_[p].size();
  }
  if (energon_pack_k_planes(scratch_.data(), m, d_, bits_.data(), uint32_t(bits_.size()), ptrs.data()) != 0)
    throw std::logic_error("K bit-plane packing refused the resident cache layout");
  cpu.spend_ns(cost.pack_ns_per_byte * double(packed));
  for (size_t p = 0; p < bits_.size(); ++p) {
    const size_t row_bytes = energon_plane_bytes(1, d_, bits_[p]);
    if (!cpu.write_mem(k_addr_[p] + first * row_bytes, planes_[p].data(), planes_[p].size()))
      throw std::runtime_error("bus error writing the resident K cache");
  }
  account(packed / m);
}

}  // namespace energon::platform::llm
