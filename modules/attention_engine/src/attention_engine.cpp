#include "energon/hw/attention_engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

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

AttentionEngineStats& AttentionEngineStats::operator+=(const AttentionEngineStats& o) {
  busy_cycles += o.busy_cycles, qk_busy_cycles += o.qk_busy_cycles, exp_busy_cycles += o.exp_busy_cycles;
  xv_busy_cycles += o.xv_busy_cycles, score_buffer_stalls += o.score_buffer_stalls;
  score_buffer_stall_cycles += o.score_buffer_stall_cycles, v_wait_cycles += o.v_wait_cycles;
  recomputed_rows += o.recomputed_rows, recomputed_keys += o.recomputed_keys, tiles += o.tiles;
  rows += o.rows, qk_macs += o.qk_macs, softmax_elems += o.softmax_elems, v_macs += o.v_macs;
  return *this;
}

AttentionEngineStats& AttentionEngineStats::operator-=(const AttentionEngineStats& o) {
  busy_cycles -= o.busy_cycles, qk_busy_cycles -= o.qk_busy_cycles, exp_busy_cycles -= o.exp_busy_cycles;
  xv_busy_cycles -= o.xv_busy_cycles, score_buffer_stalls -= o.score_buffer_stalls;
  score_buffer_stall_cycles -= o.score_buffer_stall_cycles, v_wait_cycles -= o.v_wait_cycles;
  recomputed_rows -= o.recomputed_rows, recomputed_keys -= o.recomputed_keys, tiles -= o.tiles;
  rows -= o.rows, qk_macs -= o.qk_macs, softmax_elems -= o.softmax_elems, v_macs -= o.v_macs;
  return *this;
}

void AttentionEngineStats::describe(stats::Group& g) const {
  g.set("busy_cycles", busy_cycles, "cycles", "Cycles with a row in the engine (PERF_BUSY_ATTN)");
  g.set("qk_busy_cycles", qk_busy_cycles, "cycles", "Q·K unit busy (K streaming included)");
  g.set("exp_busy_cycles", exp_busy_cycles, "cycles", "Softmax exp + sum pass busy");
  g.set("xv_busy_cycles", xv_busy_cycles, "cycles", "Normalize + ×V unit busy (V streaming included)");
  g.set("score_buffer_stalls", score_buffer_stalls, "", "Rows the Q·K unit held back for score-buffer space");
  g.set("score_buffer_stall_cycles", score_buffer_stall_cycles, "cycles", "Cycles the Q·K unit waited for space");
  g.set("v_wait_cycles", v_wait_cycles, "cycles", "Cycles the ×V unit waited for V rows from memory");
  g.set("recomputed_rows", recomputed_rows, "", "Rows longer than the score buffer (scores recomputed)");
  g.set("recomputed_keys", recomputed_keys, "", "Keys whose Q·K was recomputed, per pass");
  g.set("tiles", tiles, "", "Query tiles (rows sharing one K and one V stream)");
  g.set("rows", rows, "", "Query rows finished");
  g.set("qk_macs", qk_macs, "MACs", "INT16 Q·K multiply-accumulates (top-k scoring and recompute included)");
  g.set("softmax_elems", softmax_elems, "", "Kept keys through the float32 softmax");
  g.set("v_macs", v_macs, "MACs", "Q0.16 × INT16 probability × V multiply-accumulates");
}

void AttentionEngine::begin_job() {
  row_cache_.clear();
  row_decoded_.clear();
  v_cache_.clear();
  v_cached_.clear();
  slots_.clear();
  slot_head_ = 0;
  slots_used_ = 0;
  row_open_ = false;
  qk_free_ = exp_free_ = xv_free_ = busy_until_ = sc_core::SC_ZERO_TIME;
  if (xv_count_ > 0) throw std::logic_error("AttentionEngine::begin_job with a ×V pass not completed");
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

uint64_t AttentionEngine::exp_cycles(uint32_t n) const { return ceil_div(n, config_.softmax_lanes); }

uint64_t AttentionEngine::xv_cycles(uint32_t n, uint32_t d) const {
  return std::max(ceil_div(n, config_.softmax_lanes), ceil_div(uint64_t(n) * d, config_.au_v_multipliers));
}

void AttentionEngine::advance_to(const sc_core::sc_time& t, sc_core::sc_time& delay) const {
  const sc_core::sc_time now = BlockClock::local(delay);
  if (t <= now) return;
  delay += t - now;
  if (config_.timing == TimingMode::accurate) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
}

sc_core::sc_time AttentionEngine::reserve_scores(uint32_t entries, sc_core::sc_time t, sc_core::sc_time& delay) {
  while (slot_head_ < slots_.size()) {
    const bool full = slots_used_ + entries > config_.au_score_buffer_keys;
    // A row whose ×V pass waits for its V stream holds its entries until it is timed.
    while (full && xv_count_ > 0 && xv_[xv_head_].slot <= slot_head_) complete_oldest(delay);
    if (!(slots_[slot_head_].release <= t || full)) break;
    t = std::max(t, slots_[slot_head_].release);
    slots_used_ -= slots_[slot_head_].entries;
    ++slot_head_;
  }
  if (slot_head_ == slots_.size()) slots_.clear(), slot_head_ = 0;
  slots_.push_back({sc_core::SC_ZERO_TIME, entries});
  open_slot_ = slots_.size() - 1;
  slots_used_ += entries;
  return t;
}

uint64_t AttentionEngine::fetch_k_rows(AttendJob& job, size_t first, uint32_t plane_begin, bool decode,
                                       sc_core::sc_time& delay) {
  const KPlaneLayout& l = *job.layout;
  const uint32_t d = l.d;
  const size_t n = job.keys.size();
  const bool cached = !row_cache_.empty();
  const auto row_out = [&](size_t c) {
    return cached ? row_cache_.data() + size_t(job.keys[c]) * d : job.key_bits.data() + c * d;
  };
  uint64_t stream_cycles = 0;
  for (uint32_t p = plane_begin; p < l.n_planes; ++p) {  // per plane one gathered request of the key runs
    const uint32_t rb = l.row_bytes(p);
    if (staging_.size() < n * rb) staging_.resize(n * rb);
    runs_.clear();
    const auto is_decoded = [&](uint32_t key) { return !decode || decoded(key); };
    for_each_key_run(job.keys.data() + first, n - first, [&](size_t c, size_t e) {
      c += first, e += first;
      const bool all_decoded = std::all_of(job.keys.begin() + c, job.keys.begin() + e, is_decoded);
      runs_.push_back(
          {l.row_addr(p, job.kv_head, job.keys[c]), staging_.data() + c * rb, uint32_t(e - c) * rb, !all_decoded});
    });
    // The re-stream of a recompute (decode false) runs alongside the Q·K unit: decoupled.
    stream_cycles +=
        fetch_gather(fetch, payloads_, runs_, Traffic(uint8_t(Traffic::k0) + p), int64_t(job.kv_head), delay, !decode);
    if (!decode) continue;
    // Decode only rows the model has not decoded before.
    for_each_key_run_where(
        job.keys.data(), n, [&](uint32_t key) { return !decoded(key); },
        [&](size_t r, size_t e) {
          unpack_plane_rows(staging_.data() + r * rb, uint32_t(e - r), d, l.bits[p], l.shift(p), row_out(r), p == 0);
        });
  }
  return stream_cycles;
}

sc_core::sc_time AttentionEngine::enter_qk(uint64_t entries, const sc_core::sc_time& k_ready, uint64_t& memory_cycles,
                                           sc_core::sc_time& delay) {
  // Rows (tiles) enter the Q·K unit when it is free, the score buffer has room for their scores
  // and their prefetched K rows are in.
  const sc_core::sc_time free = std::max(BlockClock::local(delay), qk_free_);
  sc_core::sc_time start = reserve_scores(uint32_t(entries), free, delay);
  if (start > free) {
    ++stats_.score_buffer_stalls;
    stats_.score_buffer_stall_cycles += clock_.to_cycles(start - free);
  }
  if (k_ready > start) {
    memory_cycles += clock_.to_cycles(k_ready - start);
    start = k_ready;
  }
  advance_to(start, delay);
  row_open_ = true;
  return start;
}

const uint16_t* AttentionEngine::head_rows(const AttendJob& job) {
  if (!job.head_bits || job.head_bits->size() < size_t(job.layout->n_k) * job.layout->d)
    throw std::logic_error("AttentionEngine: a row with leading planes holds neither key_bits nor head_bits");
  return job.head_bits->data();
}

void AttentionEngine::take_leading_planes(const AttendJob& job) {
  const uint32_t d = job.layout->d;
  if (job.planes_have == 0 || job.planes_have >= job.layout->n_planes) return;
  const bool own = job.key_bits.size() == job.keys.size() * d;  // else by key in the head's buffer
  const uint16_t* head = own ? nullptr : head_rows(job);
  for (size_t c = 0; c < job.keys.size(); ++c)  // the filter engine's planes of rows not yet rebuilt
    if (!decoded(job.keys[c]))
      std::memcpy(row_cache_.data() + size_t(job.keys[c]) * d,
                  own ? job.key_bits.data() + c * d : head + size_t(job.keys[c]) * d, d * 2);
}

uint64_t AttentionEngine::stream_v(const AttendJob& job, const std::vector<uint32_t>& keys, bool cached,
                                   sc_core::sc_time& delay, FetchCompletion* completion) {
  // One request of the runs of consecutive keys, into the V row cache (indexed by key) when it is
  // on, else packed in vrows_. A run the model already holds still crosses the fetch unit
  // (timing, traffic); its bytes go to staging_, where nothing reads them.
  const uint32_t d = job.layout->d, n_k = job.layout->n_k, vrb = d * 2;
  const size_t n = keys.size();
  if (!cached && vrows_.size() < n * d) vrows_.resize(n * d);
  if (staging_.size() < n * vrb) staging_.resize(n * vrb);
  runs_.clear();
  for_each_key_run(keys.data(), n, [&](size_t c, size_t e) {
    const bool all_cached =
        cached && std::all_of(keys.begin() + c, keys.begin() + e, [&](uint32_t key) { return v_cached_[key]; });
    uint8_t* dst = all_cached ? staging_.data() + c * vrb
                   : cached   ? reinterpret_cast<uint8_t*>(v_cache_.data() + size_t(keys[c]) * d)
                              : reinterpret_cast<uint8_t*>(vrows_.data() + c * d);
    runs_.push_back(
        {job.v_addr + (uint64_t(job.kv_head) * n_k + keys[c]) * vrb, dst, uint32_t(e - c) * vrb, !all_cached});
  });
  const uint64_t stream =
      fetch_gather(fetch, payloads_, runs_, Traffic::v, int64_t(job.kv_head), delay, true, false, completion);
  if (cached)
    for (const uint32_t key : keys) v_cached_[key] = 1;
  return stream;
}

void AttentionEngine::leave(size_t slot, const sc_core::sc_time& started, const sc_core::sc_time& done) {
  slots_[slot].release = xv_free_;  // the scores are read until the end of the ×V pass
  // Busy: the union over rows of [Q·K start, output ready] (both are in row order).
  const sc_core::sc_time from = std::max(started, busy_until_);
  if (done > from) stats_.busy_cycles += clock_.to_cycles(done - from);
  busy_until_ = std::max(busy_until_, done);
}

void AttentionEngine::score_keys(AttendJob& job, sc_core::sc_time& delay) {
  const KPlaneLayout& l = *job.layout;
  const uint32_t d = l.d;
  const size_t n = job.keys.size();
  // A row longer than the score buffer waits for all of it and recomputes the rest (finish_row).
  job.started = enter_qk(std::min<uint64_t>(n, config_.au_score_buffer_keys), job.k_ready, job.memory_cycles, delay);
  select_row_cache(l, job.kv_head);
  // Rows are rebuilt in the decoded-row cache (indexed by key) when it is on, else in key_bits.
  const bool cached = !row_cache_.empty() && job.planes_have < l.n_planes;
  if (!cached && job.key_bits.size() != n * d) {  // the rows are rebuilt in key_bits
    const uint16_t* head = job.planes_have > 0 ? head_rows(job) : nullptr;
    job.key_bits.resize(n * d);
    if (head)  // the leading planes from the head's buffer, in key order
      for (size_t c = 0; c < n; ++c) std::memcpy(job.key_bits.data() + c * d, head + size_t(job.keys[c]) * d, d * 2);
  }
  if (cached) take_leading_planes(job);
  const sc_core::sc_time mem_start = BlockClock::local(delay);
  const uint64_t stream_cycles = job.planes_have < l.n_planes ? fetch_k_rows(job, 0, job.planes_have, true, delay) : 0;
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
  job.stats = row_stats(kernels_, job.acc.data(), n);
  // Resident K rows stream from the on-chip buffer into the multipliers as they compute; the
  // comparator at the adder tree's output keeps the row maximum (the softmax's max pass).
  const uint64_t cycles = std::max(qk_cycles(uint32_t(n), d), stream_cycles);
  job.compute_cycles += cycles;
  stats_.qk_busy_cycles += cycles;
  stats_.qk_macs += uint64_t(n) * d;
  trace_busy(trace_, TraceTrack::attention_engine, "q.k", delay, clock_.cycles(cycles), cycles);
  clock_.spend(cycles, delay);
  qk_free_ = BlockClock::local(delay);
}

void AttentionEngine::finish_row(AttendJob& job, sc_core::sc_time& delay) {
  const uint32_t d = job.layout->d;
  const uint32_t n_k = job.layout->n_k;
  const size_t n = job.keys.size();
  if (job.acc.size() != n) {
    score_keys(job, delay);
  } else if (!row_open_) {  // scores given by the caller: the row only takes its score-buffer entries
    job.started = enter_qk(std::min<uint64_t>(n, config_.au_score_buffer_keys), job.k_ready, job.memory_cycles, delay);
  }
  row_open_ = false;

  softmax_row(job);

  // The scores (and, for top-k, the selection) are ready now. A row longer than the score buffer
  // kept only its first au_score_buffer_keys scores: the exp and the normalize pass each recompute
  // the rest, re-reading those K rows (the model holds their bits: nothing is decoded again).
  const sc_core::sc_time ready = std::max(BlockClock::local(delay), job.scores_ready);
  const size_t held = std::min<size_t>(n, config_.au_score_buffer_keys);
  const uint32_t over = uint32_t(n - held);
  uint64_t recompute_stream[2] = {0, 0};
  sc_core::sc_time recompute_ready[2] = {ready, ready};
  if (over > 0) {
    ++stats_.recomputed_rows;
    for (int pass = 0; pass < 2; ++pass) {
      sc_core::sc_time kdelay = ready - sc_core::sc_time_stamp();
      recompute_stream[pass] = fetch_k_rows(job, held, 0, false, kdelay);
      recompute_ready[pass] = BlockClock::local(kdelay);
      stats_.recomputed_keys += over;
      stats_.qk_macs += uint64_t(over) * d;
    }
  }

  // V rows of the kept keys, one request per run of consecutive keys, into the V row cache
  // (indexed by key) when it is on, else packed in vrows_. Issued now; they stream in while the
  // exp pass runs, and the ×V unit waits for them if they come later.
  const bool cached = select_v_cache(job.v_addr, job.kv_head, n_k, d);
  sc_core::sc_time vdelay = ready - sc_core::sc_time_stamp();  // issued when the kept keys are known
  AttendJob* const row = &job;
  XvPass& pass = begin_xv(&row, 1, ready);
  const uint64_t v_stream = stream_v(job, job.keys, cached, vdelay, v_completion(pass));
  const sc_core::sc_time v_ready = std::max(BlockClock::local(vdelay), job.v_ready);
  complete(delay);  // the previous rows' ×V passes are timed before this one's

  if (cached)
    weigh_row(job, v_cache_.data(), job.keys.data());
  else
    weigh_row(job, vrows_.data(), identity_rows(n));

  // The row's passes on the softmax and ×V units (docs/attention-engine.md "Cycle model").
  const uint64_t recompute_qk = qk_cycles(over, d);
  sc_core::sc_time xv_start = std::max(ready, xv_free_);
  if (n > 0) {
    const sc_core::sc_time exp_start = std::max({ready, exp_free_, recompute_ready[0]});
    const uint64_t exp_pass = std::max({exp_cycles(uint32_t(n)), recompute_qk, recompute_stream[0]});
    exp_free_ = exp_start + clock_.cycles(exp_pass);
    stats_.exp_busy_cycles += exp_pass;
    trace_busy(trace_, TraceTrack::attention_engine, "exp", exp_start - sc_core::sc_time_stamp(),
               clock_.cycles(exp_pass), exp_pass);
    const sc_core::sc_time z_ready = exp_free_ + clock_.cycles(config_.softmax_latency);
    xv_start = std::max({z_ready, xv_free_, recompute_ready[1]});
  }
  pass.xv_start = xv_start;
  pass.v_ready = v_ready;
  pass.cycles = n == 0 ? 0 : std::max({xv_cycles(uint32_t(n), d), v_stream, recompute_qk, recompute_stream[1]});
  ++stats_.rows;
  stats_.softmax_elems += n;
  stats_.v_macs += uint64_t(n) * d;
  end_xv(pass);

  if (job.write_back) {
    complete(delay);                                                // the write is issued when the output is ready
    sc_core::sc_time wdelay = job.done - sc_core::sc_time_stamp();  // done is never before now
    write_rows(job.out_addr, job.out.data(), 1, d, wdelay);
    job.done = BlockClock::local(wdelay);
  }
}

void AttentionEngine::softmax_row(AttendJob& job) {
  // Softmax unit, float32 in ascending key order (spec §1.3): x_j − max, expf and the sum one key
  // at a time, then p16 = min(65535, lrintf(e_j / Z · 65536)).
  const size_t n = job.keys.size();
  p16_.resize(n);
  if (n == 0) return;
  exps_.resize(n);
  if (!kernels_.softmax_shift(job.acc.data(), uint32_t(n), job.c, exps_.data()))
    kernels::scalar().softmax_shift(job.acc.data(), uint32_t(n), job.c, exps_.data());
  kernels_.exp_in_place(exps_.data(), uint32_t(n));
  float z = 0.0f;
  for (size_t j = 0; j < n; ++j) z += exps_[j];
  kernels_.softmax_q16_out(exps_.data(), uint32_t(n), z, p16_.data());
}

void AttentionEngine::weigh_row(AttendJob& job, const int16_t* v_rows, const uint32_t* v_index) {
  // ×V: Σ_j p16_j·v_j exact in 64 bits, then round half away from zero and saturate.
  const uint32_t d = job.layout->d;
  job.out.resize(d);
  sums_.resize(d);
  kernels_.weighted_sum(p16_.data(), v_index, uint32_t(job.keys.size()), v_rows, d, sums_.data());
  for (uint32_t t = 0; t < d; ++t) {
    const int64_t s = sums_[t];
    const int64_t r = s >= 0 ? (s + 32768) >> 16 : -((-s + 32768) >> 16);
    job.out[t] = static_cast<int16_t>(std::clamp<int64_t>(r, INT16_MIN, INT16_MAX));
  }
  if (job.importance) {  // the importance adders beside the ×V unit: no cycles of their own
    for (size_t c = 0; c < job.keys.size(); ++c) job.importance->token[job.keys[c]] += p16_[c];
    uint64_t magnitude = 0;
    for (uint32_t t = 0; t < d; ++t) magnitude += uint64_t(job.out[t] < 0 ? -int32_t(job.out[t]) : int32_t(job.out[t]));
    job.importance->head[job.head] += magnitude;
  }
}

void AttentionEngine::tile_union(const std::vector<AttendJob*>& rows) {
  union_of_keys(
      rows, [](const AttendJob* r) -> const std::vector<uint32_t>& { return r->keys; }, tile_job_.keys);
  tile_counts_.clear();
  for (const AttendJob* r : rows) tile_counts_.emplace_back(r, r->keys.size());
}

bool AttentionEngine::tile_union_holds(const std::vector<AttendJob*>& rows) const {
  if (rows.size() != tile_counts_.size()) return false;
  for (size_t i = 0; i < rows.size(); ++i)
    if (tile_counts_[i].first != rows[i] || tile_counts_[i].second != rows[i]->keys.size()) return false;
  return true;
}

void AttentionEngine::score_tile(std::vector<AttendJob*>& rows, sc_core::sc_time& delay) {
  if (rows.empty()) return;
  const KPlaneLayout& l = *rows.front()->layout;
  const uint32_t d = l.d;
  const uint32_t kv_head = rows.front()->kv_head;
  if (!can_tile(l.n_k, d)) throw std::logic_error("AttentionEngine::score_tile: the kv head exceeds the row caches");
  uint64_t entries = 0, qk = 0;
  uint32_t planes_have = l.n_planes;
  sc_core::sc_time k_ready;
  for (const AttendJob* r : rows) {
    entries += r->keys.size();
    qk += qk_cycles(uint32_t(r->keys.size()), d);
    k_ready = std::max(k_ready, r->k_ready);
    if (r->keys.empty()) continue;
    if (planes_have != l.n_planes && r->planes_have != planes_have)
      throw std::logic_error("AttentionEngine::score_tile: rows hold different leading planes");
    planes_have = r->planes_have;
  }
  if (entries > config_.au_score_buffer_keys)
    throw std::logic_error("AttentionEngine::score_tile: the tile's scores exceed the score buffer");
  const sc_core::sc_time start = enter_qk(entries, k_ready, rows.front()->memory_cycles, delay);
  select_row_cache(l, kv_head);
  for (AttendJob* r : rows) {
    r->started = start;
    take_leading_planes(*r);
  }
  // One stream of the union of the rows' K rows, double-buffered in key blocks: the pass ends
  // when both the Q·K of every row and the stream have.
  tile_union(rows);
  tile_job_.layout = &l;
  tile_job_.kv_head = kv_head;
  uint64_t stream_cycles = 0;
  sc_core::sc_time kdelay = delay;
  if (planes_have < l.n_planes && !tile_job_.keys.empty())
    stream_cycles = fetch_k_rows(tile_job_, 0, planes_have, true, kdelay);
  const sc_core::sc_time k_arrived = BlockClock::local(kdelay);
  for (const uint32_t key : tile_job_.keys) row_decoded_[key] = 1;
  for (AttendJob* r : rows) {
    const size_t n = r->keys.size();
    r->planes_have = l.n_planes;
    r->acc.resize(n);
    kernels_.scores_int16(r->q, reinterpret_cast<const int16_t*>(row_cache_.data()), r->keys.data(), uint32_t(n), d,
                          r->acc.data());
    r->stats = row_stats(kernels_, r->acc.data(), n);
    stats_.qk_macs += uint64_t(n) * d;
  }
  const uint64_t cycles = std::max(qk, stream_cycles);
  const sc_core::sc_time end = std::max(start + clock_.cycles(cycles), k_arrived);
  rows.front()->memory_cycles += clock_.to_cycles(end - start) - cycles;
  rows.front()->compute_cycles += cycles;
  stats_.qk_busy_cycles += cycles;
  ++stats_.tiles;
  trace_busy(trace_, TraceTrack::attention_engine, "q.k", start - sc_core::sc_time_stamp(), clock_.cycles(cycles),
             cycles);
  advance_to(end, delay);
  qk_free_ = BlockClock::local(delay);
}

void AttentionEngine::finish_tile(std::vector<AttendJob*>& rows, sc_core::sc_time& delay) {
  if (rows.empty()) return;
  if (!row_open_) throw std::logic_error("AttentionEngine::finish_tile without score_tile");
  row_open_ = false;
  const KPlaneLayout& l = *rows.front()->layout;
  const uint32_t d = l.d;
  const uint32_t kv_head = rows.front()->kv_head;
  const uint64_t v_addr = rows.front()->v_addr;
  // The scores (and any selection) are ready; the V stream of the union of the kept keys is
  // issued now and streams in during the exp passes.
  sc_core::sc_time ready = BlockClock::local(delay), v_prefetched;
  uint64_t exp_pass = 0, xv = 0;
  for (const AttendJob* r : rows) {
    ready = std::max(ready, r->scores_ready);
    v_prefetched = std::max(v_prefetched, r->v_ready);
    exp_pass += exp_cycles(uint32_t(r->keys.size()));
    xv += r->keys.empty() ? 0 : xv_cycles(uint32_t(r->keys.size()), d);
  }
  if (!select_v_cache(v_addr, kv_head, l.n_k, d))
    throw std::logic_error("AttentionEngine::finish_tile: the kv head exceeds the V row cache");
  if (!tile_union_holds(rows)) tile_union(rows);  // a selection since score_tile dropped keys
  tile_counts_.clear();                           // this tile's: the next finish_tile needs its score_tile
  sc_core::sc_time vdelay = ready - sc_core::sc_time_stamp();
  XvPass& pass = begin_xv(rows.data(), rows.size(), ready);
  const uint64_t v_stream = stream_v(*rows.front(), tile_job_.keys, true, vdelay, v_completion(pass));
  const sc_core::sc_time v_ready = std::max(BlockClock::local(vdelay), v_prefetched);
  complete(delay);  // the previous tile's ×V pass is timed before this one's
  for (AttendJob* r : rows) {
    softmax_row(*r);
    weigh_row(*r, v_cache_.data(), r->keys.data());
    stats_.softmax_elems += r->keys.size();
    stats_.v_macs += uint64_t(r->keys.size()) * d;
  }
  // The rows' exp passes one after the other, then one ×V pass over the V stream for all rows.
  const sc_core::sc_time exp_start = std::max(ready, exp_free_);
  exp_free_ = exp_start + clock_.cycles(exp_pass);
  stats_.exp_busy_cycles += exp_pass;
  if (exp_pass > 0)
    trace_busy(trace_, TraceTrack::attention_engine, "exp", exp_start - sc_core::sc_time_stamp(),
               clock_.cycles(exp_pass), exp_pass);
  pass.xv_start = std::max(exp_pass > 0 ? exp_free_ + clock_.cycles(config_.softmax_latency) : ready, xv_free_);
  pass.v_ready = v_ready;
  pass.cycles = std::max(xv, v_stream);
  stats_.rows += rows.size();
  end_xv(pass);
}

void AttentionEngine::write_rows(uint64_t addr, const int16_t* rows, uint32_t n_rows, uint32_t d,
                                 sc_core::sc_time& delay) {
  // The payload's data pointer is non-const by TLM convention; a write does not modify it.
  fetch_transfer(fetch, payloads_, tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<uint8_t*>(const_cast<int16_t*>(rows)),
                 n_rows * d * 2, Traffic::out, -1, delay, true, true);  // the write-back DMA: decoupled
}

}  // namespace energon::hw
