#include "energon/hw/filter_engine.h"

#include <algorithm>

#include "energon/hw/fetch_unit.h"
#include "energon/hw/key_runs.h"
#include "energon/kernels/kernels.h"

namespace energon::hw {

RowStats row_stats(const kernels::KernelSet& ks, const int64_t* scores, size_t n) {
  RowStats st;
  if (n == 0) return st;
  int64_t mms[3];
  ks.min_max_sum(scores, uint32_t(n), mms);
  st.min = mms[0], st.max = mms[1], st.sum = mms[2], st.count = uint32_t(n);
  return st;
}

FilterEngine::FilterEngine(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name), cmd("cmd"), fetch("fetch"), config_(config), clock_(config), kernels_(kernels::active()) {
  cmd.bind(*this);
}

void FilterEngine::begin_job() {
  planes_decoded_.clear();
  for (auto& r : slice_ready_) r.clear();
  tracked_buffer_ = nullptr;
}

void FilterEngine::reset() {
  begin_job();
  stats_ = FilterEngineStats{};
}

FilterEngineStats& FilterEngineStats::operator+=(const FilterEngineStats& o) {
  busy_cycles += o.busy_cycles, rounds += o.rounds, keys_scored += o.keys_scored, low_bit_macs += o.low_bit_macs;
  for (size_t r = 0; r < round_keys.size(); ++r) round_keys[r] += o.round_keys[r], round_macs[r] += o.round_macs[r];
  return *this;
}

FilterEngineStats& FilterEngineStats::operator-=(const FilterEngineStats& o) {
  busy_cycles -= o.busy_cycles, rounds -= o.rounds, keys_scored -= o.keys_scored, low_bit_macs -= o.low_bit_macs;
  for (size_t r = 0; r < round_keys.size(); ++r) round_keys[r] -= o.round_keys[r], round_macs[r] -= o.round_macs[r];
  return *this;
}

void FilterEngineStats::describe(stats::Group& g) const {
  g.set("busy_cycles", busy_cycles, "cycles", "Scoring cycles (PERF_BUSY_FILTER)");
  g.set("row_rounds", rounds, "", "Query rows scored, summed over the rounds");
  g.set("keys_scored", keys_scored, "keys", "Low-bit scores computed");
  g.set("low_bit_macs", low_bit_macs, "MACs", "q_bits x k_bits multiply-accumulates");
  for (size_t r = 0; r < round_keys.size(); ++r) {
    if (round_keys[r] == 0) continue;
    const std::string n = std::to_string(r + 1);
    g.set("round" + n + "_keys", round_keys[r], "keys", "Keys scored in round " + n);
    g.set("round" + n + "_macs", round_macs[r], "MACs", "Low-bit MACs of round " + n);
  }
}

void FilterEngine::track_candidate_buffer(const FilterRoundJob& job) {
  const KPlaneLayout& l = *job.layout;
  bool same = tracked_buffer_ == job.key_bits && tracked_kv_head_ == job.kv_head && planes_decoded_.size() == l.n_k &&
              tracked_layout_.d == l.d && tracked_layout_.n_planes == l.n_planes;
  for (uint32_t p = 0; same && p < ENERGON_MAX_PLANES; ++p)
    same = tracked_layout_.addr[p] == l.addr[p] && tracked_layout_.bits[p] == l.bits[p];
  if (same) return;
  tracked_buffer_ = job.key_bits;
  tracked_kv_head_ = job.kv_head;
  tracked_layout_ = l;
  planes_decoded_.assign(l.n_k, 0);
  keys_with_plane_.fill(0);
  for (auto& r : slice_ready_) r.clear();  // slices are sized on first use per width
}

uint64_t FilterEngine::round_cycles(uint32_t n, uint32_t d, uint32_t q_bits, uint32_t k_bits) const {
  if (n == 0) return 0;
  // The multipliers are 4b×4b; wider operands take one pass per 4-bit digit pair.
  const uint64_t passes = ceil_div(q_bits, 4) * ceil_div(k_bits, 4);
  const uint64_t per_lane = config_.fu_multipliers / config_.fu_lanes;
  const uint64_t cycles_per_key = ceil_div(uint64_t(d) * passes, per_lane);
  return ceil_div(n, config_.fu_lanes) * cycles_per_key + config_.fu_latency;
}

void FilterEngine::score_round(FilterRoundJob& job, sc_core::sc_time& delay) {
  const KPlaneLayout& l = *job.layout;
  const uint32_t d = l.d;
  const std::vector<uint32_t>& cand = *job.candidates;
  std::vector<uint16_t>& kb = *job.key_bits;
  track_candidate_buffer(job);
  const sc_core::sc_time mem_start = BlockClock::local(delay);
  uint64_t stream_cycles = 0;
  // Fetch the new planes of the candidates: per plane one gathered request of the runs of
  // consecutive keys (staged at the candidates' positions), then decode. The candidates an
  // earlier row of the query tile read in this round come from that read (their rows are
  // decoded already); should one not be, every candidate is read.
  const size_t tile_read = size_t(std::lower_bound(cand.begin(), cand.end(), job.tile_read_end) - cand.begin());
  for (uint32_t p = job.plane_begin; p < job.plane_end; ++p) {
    const uint32_t rb = l.row_bytes(p);
    if (staging_.size() < cand.size() * rb) staging_.resize(cand.size() * rb);
    runs_.clear();
    decode_runs_.clear();
    const bool every_key_has_plane = keys_with_plane_[p] == l.n_k;
    const auto has_plane = [&](uint32_t key) { return planes_decoded_[key] > p; };
    const size_t from = every_key_has_plane || std::all_of(cand.begin(), cand.begin() + ptrdiff_t(tile_read), has_plane)
                            ? tile_read
                            : 0;
    // One pass: the runs of the request and, within them, the stretches of rows to decode.
    for_each_key_run(cand.data() + from, cand.size() - from, [&](size_t c, size_t e) {
      c += from, e += from;
      const size_t decodes_before = decode_runs_.size();
      if (!every_key_has_plane)
        for_each_key_run_where(
            cand.data() + c, e - c, [&](uint32_t key) { return !has_plane(key); },
            [&](size_t r, size_t x) {
              decode_runs_.push_back({c + r, c + x});
            });
      const bool all_decoded = decode_runs_.size() == decodes_before;
      runs_.push_back(
          {l.row_addr(p, job.kv_head, cand[c]), staging_.data() + c * rb, uint32_t(e - c) * rb, !all_decoded});
    });
    stream_cycles +=
        fetch_gather(fetch, payloads_, runs_, Traffic(uint8_t(Traffic::k0) + p), int64_t(job.kv_head), delay);
    // Decode only rows whose plane p the buffer does not hold yet.
    for (const auto& [r, e] : decode_runs_)
      unpack_plane_rows(staging_.data() + r * rb, uint32_t(e - r), d, l.bits[p], l.shift(p),
                        kb.data() + size_t(cand[r]) * d, p == 0);
  }
  job.memory_cycles = clock_.to_cycles(BlockClock::local(delay) - mem_start);

  q_low_.resize(d);
  {
    // Locals, not the job's and vector's fields: a byte store may alias them, which kept the loop
    // scalar with every field reloaded per element.
    const int16_t* q = job.q;
    int8_t* q_low = q_low_.data();
    const unsigned q_shift = 16 - job.q_bits;
    for (uint32_t t = 0; t < d; ++t) q_low[t] = int8_t(int32_t(q[t]) >> q_shift);
  }
  std::vector<int8_t>& slices = slices_[job.k_bits];
  std::vector<uint8_t>& ready = slice_ready_[job.k_bits];
  if (ready.size() != l.n_k) {
    ready.assign(l.n_k, 0);
    slices_ready_count_[job.k_bits] = 0;
    slices.resize(size_t(l.n_k) * d);
  }
  job.scores.resize(cand.size());
  job.stats = RowStats{};
  const uint32_t plane_end = job.plane_end;
  if (plane_end > 0 && keys_with_plane_[plane_end - 1] < l.n_k) {
    for (const uint32_t key : cand) {
      const uint32_t had = planes_decoded_[key];
      if (had >= plane_end) continue;
      for (uint32_t p = had; p < plane_end; ++p) ++keys_with_plane_[p];
      planes_decoded_[key] = uint8_t(plane_end);
    }
  }
  uint32_t& slices_ready = slices_ready_count_[job.k_bits];
  if (slices_ready < l.n_k) {
    // This round's planes of the candidates are decoded by now; a stretch of consecutive keys is
    // one contiguous block of rows, sliced in one loop.
    const uint32_t kshift = 16 - job.k_bits;
    for_each_key_run_where(
        cand.data(), cand.size(), [&](uint32_t key) { return !ready[key]; },
        [&](size_t r, size_t e) {
          const size_t first = cand[r], n = size_t(e - r) * d;
          int8_t* kq = slices.data() + first * d;
          const uint16_t* row = kb.data() + first * d;
          for (size_t t = 0; t < n; ++t) kq[t] = int8_t(int32_t(int16_t(row[t])) >> kshift);
          std::fill_n(ready.begin() + ptrdiff_t(first), e - r, uint8_t(1));
          slices_ready += uint32_t(e - r);
        });
  }
  // q_bits × k_bits scores, |q_b·k_b| ≤ 2^14 with 8-bit operands, d ≤ 256: exact in any kernel set.
  kernels_.scores_int8(q_low_.data(), slices.data(), cand.data(), uint32_t(cand.size()), d, job.scores.data());
  job.stats = row_stats(kernels_, job.scores.data(), job.scores.size());
  // Resident plane rows stream from the on-chip buffer while the lanes score them.
  job.compute_cycles = std::max(round_cycles(uint32_t(cand.size()), d, job.q_bits, job.k_bits), stream_cycles);
  stats_.busy_cycles += job.compute_cycles;
  ++stats_.rounds;
  stats_.keys_scored += cand.size();
  stats_.low_bit_macs += uint64_t(cand.size()) * d;
  if (job.round < ENERGON_MAX_ROUNDS) {
    stats_.round_keys[job.round] += cand.size();
    stats_.round_macs[job.round] += uint64_t(cand.size()) * d;
  }
  static const char* const kRound[ENERGON_MAX_ROUNDS] = {"round 1", "round 2", "round 3", "round 4"};
  trace_busy(trace_, TraceTrack::filter_engine, kRound[job.round % ENERGON_MAX_ROUNDS], delay,
             clock_.cycles(job.compute_cycles), job.compute_cycles);
  clock_.spend(job.compute_cycles, delay);
}

}  // namespace energon::hw
