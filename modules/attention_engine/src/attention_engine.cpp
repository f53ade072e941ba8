#include "energon/hw/attention_engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "energon/hw/fetch_unit.h"

namespace energon::hw {

AttentionEngine::AttentionEngine(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name), cmd("cmd"), fetch("fetch"), config_(config), clock_(config) {
  cmd.bind(*this);
}

void AttentionEngine::begin_job() {
  row_cache_.clear();
  row_decoded_.clear();
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
  if (uint64_t(l.n_k) * l.d <= kRowCacheElems) {
    row_cache_.resize(size_t(l.n_k) * l.d);
    row_decoded_.assign(l.n_k, 0);
  }
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
  job.key_bits.resize(n * d);
  select_row_cache(l, job.kv_head);
  const sc_core::sc_time mem_start = BlockClock::local(delay);
  uint64_t stream_cycles = 0;
  for (uint32_t p = job.planes_have; p < l.n_planes; ++p) {
    const uint32_t rb = l.row_bytes(p);
    for (size_t c = 0; c < n;) {
      size_t e = c + 1;
      while (e < n && job.keys[e] == job.keys[e - 1] + 1) ++e;
      const uint32_t rows = uint32_t(e - c);
      staging_.resize(size_t(rows) * rb);
      stream_cycles +=
          fetch_transfer(fetch, tlm::TLM_READ_COMMAND, l.row_addr(p, job.kv_head, job.keys[c]), staging_.data(),
                         rows * rb, Traffic(uint8_t(Traffic::k0) + p), int64_t(job.kv_head), delay);
      for (size_t r = c; r < e;) {  // decode only rows the model has not decoded before
        if (decoded(job.keys[r])) {
          ++r;
          continue;
        }
        size_t r2 = r + 1;
        while (r2 < e && !decoded(job.keys[r2])) ++r2;
        unpack_plane_rows(staging_.data() + (r - c) * rb, uint32_t(r2 - r), d, l.bits[p], l.shift(p),
                          job.key_bits.data() + r * d, p == 0);
        r = r2;
      }
      c = e;
    }
  }
  if (!row_cache_.empty() && job.planes_have < l.n_planes) {
    for (size_t c = 0; c < n; ++c) {
      uint16_t* row = job.key_bits.data() + c * d;
      uint16_t* cached = row_cache_.data() + size_t(job.keys[c]) * d;
      if (decoded(job.keys[c])) {
        std::memcpy(row, cached, d * 2);
      } else {
        std::memcpy(cached, row, d * 2);
        row_decoded_[job.keys[c]] = 1;
      }
    }
  }
  job.planes_have = l.n_planes;
  job.memory_cycles += clock_.to_cycles(BlockClock::local(delay) - mem_start);
  job.acc.resize(n);
  job.stats = RowStats{};
  for (size_t c = 0; c < n; ++c) {
    const uint16_t* k = job.key_bits.data() + c * d;
    int64_t s = 0;
    for (uint32_t t = 0; t < d; ++t) s += int32_t(job.q[t]) * int32_t(int16_t(k[t]));  // each product fits int32
    job.acc[c] = s;
    job.stats.add(s);
  }
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

  // Softmax unit, float32 in ascending key order (spec §1.3).
  std::vector<uint16_t> p16(n);
  if (n > 0) {
    std::vector<float> x(n);
    float m = 0.0f;
    for (size_t j = 0; j < n; ++j) {
      x[j] = static_cast<float>(job.acc[j]) * job.c;
      if (j == 0 || x[j] > m) m = x[j];
    }
    float z = 0.0f;
    for (size_t j = 0; j < n; ++j) {
      x[j] = expf(x[j] - m);
      z += x[j];
    }
    for (size_t j = 0; j < n; ++j) {
      const float p = x[j] / z;
      const long q = lrintf(p * 65536.0f);
      p16[j] = static_cast<uint16_t>(std::min<long>(65535, q));
    }
  }

  // V rows of the kept keys, one request per run of consecutive keys.
  const sc_core::sc_time mem_start = BlockClock::local(delay);
  uint64_t stream_cycles = 0;
  vrows_.resize(n * d);
  const uint32_t vrb = d * 2;
  for (size_t c = 0; c < n;) {
    size_t e = c + 1;
    while (e < n && job.keys[e] == job.keys[e - 1] + 1) ++e;
    const uint64_t addr = job.v_addr + (uint64_t(job.kv_head) * n_k + job.keys[c]) * vrb;
    stream_cycles +=
        fetch_transfer(fetch, tlm::TLM_READ_COMMAND, addr, reinterpret_cast<uint8_t*>(vrows_.data() + c * d),
                       uint32_t(e - c) * vrb, Traffic::v, int64_t(job.kv_head), delay);
    c = e;
  }
  job.memory_cycles += clock_.to_cycles(BlockClock::local(delay) - mem_start);

  job.out.assign(d, 0);
  sums_.assign(d, 0);
  for (size_t j = 0; j < n; ++j) {
    const int32_t p = p16[j];
    const int16_t* v = vrows_.data() + j * d;
    for (uint32_t t = 0; t < d; ++t) sums_[t] += int64_t(p * int32_t(v[t]));  // |p·v| < 2^31
  }
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
  fetch_transfer(fetch, tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<uint8_t*>(const_cast<int16_t*>(rows)),
                 n_rows * d * 2, Traffic::out, -1, delay);
}

}  // namespace energon::hw
