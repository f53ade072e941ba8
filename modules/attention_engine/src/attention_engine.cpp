#include "energon/hw/attention_engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "energon/hw/fetch_unit.h"
#include "energon/hw/key_runs.h"
#include "energon/kernels/kernels.h"

namespace energon::hw {

AttentionEngine::AttentionEngine(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name), cmd("cmd"), fetch("fetch"), config_(config), clock_(config), kernels_(kernels::active()) {
  cmd.bind(*this);
}

const uint32_t* AttentionEngine::identity_rows(size_t n) {
  while (identity_.size() < n) identity_.push_back(uint32_t(identity_.size()));
  return identity_.data();
}

void AttentionEngine::begin_job() {
  row_cache_.clear();
  row_decoded_.clear();
  v_cache_.clear();
  v_cached_.clear();
}

void AttentionEngine::reset() {
  begin_job();
  stats_ = AttentionEngineStats{};
}

void AttentionEngine::select_row_cache(const KPlaneLayout& l, uint32_t kv_head) {
  RowCacheTag tag;
  tag.kv_head = kv_head;
  tag.n_k = l.n_k;
  tag.d = l.d;
  tag.n_planes = l.n_planes;
  for (uint32_t p = 0; p < ENERGON_MAX_PLANES; ++p) {
    tag.addr[p] = l.addr[p];
    tag.bits[p] = l.bits[p];
  }
  if (!row_cache_.empty() && tag == cache_tag_) return;
  cache_tag_ = tag;
  row_cache_.clear();
  row_decoded_.clear();
  if (uint64_t(l.n_k) * l.d <= row_cache_limit_) {
    row_cache_.resize(size_t(l.n_k) * l.d);
    row_decoded_.assign(l.n_k, 0);
  }
}

bool AttentionEngine::select_v_cache(uint64_t v_addr, uint32_t kv_head, uint32_t n_k, uint32_t d) {
  const VCacheTag tag{v_addr, kv_head, n_k, d};
  if (!v_cached_.empty() && tag == v_tag_) return true;
  v_tag_ = tag;
  v_cache_.clear();
  v_cached_.clear();
  if (n_k == 0 || uint64_t(n_k) * d > row_cache_limit_) return false;
  v_cache_.resize(size_t(n_k) * d);
  v_cached_.assign(n_k, 0);
  return true;
}

uint64_t AttentionEngine::qk_cycles(uint32_t n, uint32_t d) const {
  return n == 0 ? 0 : ceil_div(uint64_t(n) * d, config_.au_qk_multipliers);
}

uint64_t AttentionEngine::softmax_v_cycles(uint32_t n, uint32_t d) const {
  if (n == 0) return config_.au_latency;  // a row with no allowed keys: write zeros
  // Softmax: three passes over the row (max, exp + sum, normalize + quantize) then ×V.
  return 3 * ceil_div(n, config_.softmax_lanes) + config_.softmax_latency +
         ceil_div(uint64_t(n) * d, config_.au_v_multipliers) + config_.au_latency;
}

void AttentionEngine::score_keys(AttendJob& job, sc_core::sc_time& delay) {
  const KPlaneLayout& l = *job.layout;
  const uint32_t d = l.d;
  const size_t n = job.keys.size();
  select_row_cache(l, job.kv_head);
  // Rows are rebuilt in the decoded-row cache (indexed by key) when it is on, else in key_bits.
  const bool cached = !row_cache_.empty() && job.planes_have < l.n_planes;
  if (!cached && job.key_bits.size() != n * d) job.key_bits.resize(n * d);
  if (cached && job.planes_have > 0)  // the filter engine's leading planes of rows not yet rebuilt
    for (size_t c = 0; c < n; ++c)
      if (!decoded(job.keys[c]))
        std::memcpy(row_cache_.data() + size_t(job.keys[c]) * d, job.key_bits.data() + c * d, d * 2);
  const auto row_out = [&](size_t c) {
    return cached ? row_cache_.data() + size_t(job.keys[c]) * d : job.key_bits.data() + c * d;
  };
  const sc_core::sc_time mem_start = BlockClock::local(delay);
  uint64_t stream_cycles = 0;
  for (uint32_t p = job.planes_have; p < l.n_planes; ++p) {  // per plane one gathered request of the key runs
    const uint32_t rb = l.row_bytes(p);
    if (staging_.size() < n * rb) staging_.resize(n * rb);
    runs_.clear();
    const auto is_decoded = [&](uint32_t key) { return decoded(key); };
    for_each_key_run(job.keys.data(), n, [&](size_t c, size_t e) {
      const bool all_decoded = std::all_of(job.keys.begin() + c, job.keys.begin() + e, is_decoded);
      runs_.push_back(
          {l.row_addr(p, job.kv_head, job.keys[c]), staging_.data() + c * rb, uint32_t(e - c) * rb, !all_decoded});
    });
    stream_cycles +=
        fetch_gather(fetch, payloads_, runs_, Traffic(uint8_t(Traffic::k0) + p), int64_t(job.kv_head), delay);
    // Decode only rows the model has not decoded before.
    for_each_key_run_where(
        job.keys.data(), n, [&](uint32_t key) { return !decoded(key); },
        [&](size_t r, size_t e) {
          unpack_plane_rows(staging_.data() + r * rb, uint32_t(e - r), d, l.bits[p], l.shift(p), row_out(r), p == 0);
        });
  }
  if (cached)
    for (const uint32_t key : job.keys) row_decoded_[key] = 1;
  job.planes_have = l.n_planes;
  job.memory_cycles += clock_.to_cycles(BlockClock::local(delay) - mem_start);
  // INT16 Q·K of the n rows (bits of INT16 values), exact 64-bit sums.
  job.acc.resize(n);
  if (cached)
    kernels_.scores_int16(job.q, reinterpret_cast<const int16_t*>(row_cache_.data()), job.keys.data(), uint32_t(n), d,
                          job.acc.data());
  else
    kernels_.scores_int16(job.q, reinterpret_cast<const int16_t*>(job.key_bits.data()), identity_rows(n), uint32_t(n),
                          d, job.acc.data());
  job.stats = RowStats{};
  for (size_t c = 0; c < n; ++c) job.stats.add(job.acc[c]);
  // Resident K rows stream from the on-chip buffer into the multipliers as they compute.
  const uint64_t cycles = std::max(qk_cycles(uint32_t(n), d), stream_cycles);
  job.compute_cycles += cycles;
  stats_.busy_cycles += cycles;
  stats_.qk_macs += uint64_t(n) * d;
  trace_busy(trace_, TraceTrack::attention_engine, "q.k", delay, clock_.cycles(cycles), cycles);
  clock_.spend(cycles, delay);
}

void AttentionEngine::finish_row(AttendJob& job, sc_core::sc_time& delay) {
  const uint32_t d = job.layout->d;
  const uint32_t n_k = job.layout->n_k;
  const size_t n = job.keys.size();
  if (job.acc.size() != n) score_keys(job, delay);

  // Softmax unit, float32 in ascending key order (spec §1.3): x_j − max, expf and the sum one key
  // at a time, then p16 = min(65535, lrintf(e_j / Z · 65536)).
  p16_.resize(n);
  if (n > 0) {
    exps_.resize(n);
    if (!kernels_.softmax_shift(job.acc.data(), uint32_t(n), job.c, exps_.data()))
      kernels::scalar().softmax_shift(job.acc.data(), uint32_t(n), job.c, exps_.data());
    float z = 0.0f;
    for (size_t j = 0; j < n; ++j) {
      exps_[j] = expf(exps_[j]);
      z += exps_[j];
    }
    kernels_.softmax_q16_out(exps_.data(), uint32_t(n), z, p16_.data());
  }

  // V rows of the kept keys, one request per run of consecutive keys, into the V row cache
  // (indexed by key) when it is on, else packed in vrows_.
  const bool cached = select_v_cache(job.v_addr, job.kv_head, n_k, d);
  const sc_core::sc_time mem_start = BlockClock::local(delay);
  uint64_t stream_cycles = 0;
  if (!cached && vrows_.size() < n * d) vrows_.resize(n * d);
  const uint32_t vrb = d * 2;
  runs_.clear();
  // A run the model already holds still crosses the fetch unit (timing, traffic); its bytes go
  // to staging_ (sized for every run), where nothing reads them.
  if (staging_.size() < n * vrb) staging_.resize(n * vrb);
  for_each_key_run(job.keys.data(), n, [&](size_t c, size_t e) {
    const bool all_cached =
        cached && std::all_of(job.keys.begin() + c, job.keys.begin() + e, [&](uint32_t key) { return v_cached_[key]; });
    uint8_t* dst = all_cached ? staging_.data() + c * vrb
                   : cached   ? reinterpret_cast<uint8_t*>(v_cache_.data() + size_t(job.keys[c]) * d)
                              : reinterpret_cast<uint8_t*>(vrows_.data() + c * d);
    runs_.push_back(
        {job.v_addr + (uint64_t(job.kv_head) * n_k + job.keys[c]) * vrb, dst, uint32_t(e - c) * vrb, !all_cached});
  });
  stream_cycles += fetch_gather(fetch, payloads_, runs_, Traffic::v, int64_t(job.kv_head), delay);
  if (cached)
    for (const uint32_t key : job.keys) v_cached_[key] = 1;
  job.memory_cycles += clock_.to_cycles(BlockClock::local(delay) - mem_start);

  // ×V: Σ_j p16_j·v_j exact in 64 bits, then round half away from zero and saturate.
  job.out.resize(d);
  sums_.resize(d);
  if (cached)
    kernels_.weighted_sum(p16_.data(), job.keys.data(), uint32_t(n), v_cache_.data(), d, sums_.data());
  else
    kernels_.weighted_sum(p16_.data(), identity_rows(n), uint32_t(n), vrows_.data(), d, sums_.data());
  for (uint32_t t = 0; t < d; ++t) {
    const int64_t s = sums_[t];
    const int64_t r = s >= 0 ? (s + 32768) >> 16 : -((-s + 32768) >> 16);
    job.out[t] = static_cast<int16_t>(std::clamp<int64_t>(r, INT16_MIN, INT16_MAX));
  }
  // V rows stream from the buffer during the softmax and ×V phases.
  const uint64_t cycles = std::max(softmax_v_cycles(uint32_t(n), d), stream_cycles);
  job.compute_cycles += cycles;
  stats_.busy_cycles += cycles;
  ++stats_.rows;
  stats_.softmax_elems += n;
  stats_.v_macs += uint64_t(n) * d;
  trace_busy(trace_, TraceTrack::attention_engine, "softmax, xV", delay, clock_.cycles(cycles), cycles);
  clock_.spend(cycles, delay);

  if (job.write_back) {
    const sc_core::sc_time wr_start = BlockClock::local(delay);
    write_rows(job.out_addr, job.out.data(), 1, d, delay);
    job.memory_cycles += clock_.to_cycles(BlockClock::local(delay) - wr_start);
  }
}

void AttentionEngine::write_rows(uint64_t addr, const int16_t* rows, uint32_t n_rows, uint32_t d,
                                 sc_core::sc_time& delay) {
  // The payload's data pointer is non-const by TLM convention; a write does not modify it.
  fetch_transfer(fetch, payloads_, tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<uint8_t*>(const_cast<int16_t*>(rows)),
                 n_rows * d * 2, Traffic::out, -1, delay);
}

}  // namespace energon::hw
