#include "energon/hw/datapath.h"

#include "energon/desc_fields.h"

#include <algorithm>
#include <stdexcept>
#include <cmath>
#include <cstring>

#include "energon/attention_job.h"
#include "energon/hw/attention_policy.h"
#include "energon/hw/key_runs.h"
#include "energon/kernels/kernels.h"

namespace energon::hw {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

/// One query row handed from the filter stage to the attention stage.
struct RowWork {
  bool end_of_job = false;
  uint32_t head = 0, query = 0;
  std::vector<int16_t> q;
  std::vector<uint32_t> keys;                              ///< kept keys, ascending
  std::shared_ptr<const std::vector<uint16_t>> head_bits;  ///< the kv head's candidate buffer: leading planes
  uint32_t planes_have = 0;
  uint64_t fu_memory_cycles = 0, fu_compute_cycles = 0;  ///< the filter stage's work on this row
  sc_time k_ready, v_ready;                              ///< the prefetch DMA's completion
  uint64_t dma_ticket = 0;  ///< accurate mode: the row's prefetch is done once the DMAs below it are
};

namespace {

/// Accurate mode: the transfers posted while it lives form one chain (FetchUnit::begin_dma_chain).
class DmaChain {
 public:
  explicit DmaChain(FetchUnit& f) : f_(f) { f_.begin_dma_chain(); }
  DmaChain(const DmaChain&) = delete;
  DmaChain& operator=(const DmaChain&) = delete;
  ~DmaChain() { f_.end_dma_chain(); }

 private:
  FetchUnit& f_;
};

}  // namespace

struct Datapath::Job {
  energon_desc_t desc{};
  RowSchedule schedule;  ///< the policy's work on every row (modules/policy)
  AttentionShape shape;
  KPlaneLayout layout;
  KPlaneLayout msb_layout;  ///< spatten: the layout's MSB planes alone (its first pass)
  std::vector<float> c;     ///< softmax scale per query head
  PruneMask prune;          ///< flag PRUNE: the heads and tokens the job leaves out
  Importance importance;    ///< flag IMPORTANCE: the table the ×V unit adds to, written at the end
  uint8_t error = ENERGON_ERR_NONE;
  uint64_t allowed = 0, final_kept = 0;
  std::array<uint64_t, ENERGON_MAX_ROUNDS> kept{}, candidates{};
  sc_time start, filter_end, attention_end;
  sc_time memory_bound, attention_bound;
};

Datapath::Datapath(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name),
      job("job"),
      mem("mem"),
      config_(config),
      clock_(config),
      fetch_(std::make_unique<FetchUnit>("fetch", config)),
      filter_(std::make_unique<FilterEngine>("filter_engine", config)),
      selector_(std::make_unique<Selector>("selector", config)),
      search_(std::make_unique<CandidateSearchUnit>("candidate_search", config)),
      attention_(std::make_unique<AttentionEngine>("attention_engine", config)),
      seq_fetch_("seq_fetch"),
      filter_port_("filter_port"),
      selector_port_("selector_port"),
      search_port_("search_port"),
      attention_port_("attention_port"),
      row_buffer_("row_buffer", int(config.fifo_depth)) {
  const std::string err = validate(config);
  if (!err.empty()) throw ConfigError(std::string(this->name()) + ": " + err);
  job.bind(*this);
  fetch_->mem.bind(mem);
  filter_->fetch.bind(fetch_->req);
  attention_->fetch.bind(fetch_->req);
  seq_fetch_.bind(fetch_->req);
  filter_port_.bind(filter_->cmd);
  selector_port_.bind(selector_->cmd);
  search_port_.bind(search_->cmd);
  attention_port_.bind(attention_->cmd);
  if (tlm_utils::tlm_quantumkeeper::get_global_quantum() == SC_ZERO_TIME)
    tlm_utils::tlm_quantumkeeper::set_global_quantum(clock_.cycles(config.lt_quantum_cycles));
  SC_HAS_PROCESS(Datapath);
  SC_THREAD(attention_stage);
}

Datapath::~Datapath() = default;

void Datapath::set_trace(ActivityTrace* trace) {
  trace_ = trace;
  fetch_->set_trace(trace);
  filter_->set_trace(trace);
  selector_->set_trace(trace);
  attention_->set_trace(trace);
}

void Datapath::reset() {
  fetch_->reset();
  filter_->reset();
  selector_->reset();
  search_->reset();
  attention_->reset();
  stats_ = totals_ = DatapathStats{};
}

DatapathStats& DatapathStats::operator+=(const DatapathStats& o) {
  cycles += o.cycles;
  filter_bound_cycles += o.filter_bound_cycles, attention_bound_cycles += o.attention_bound_cycles;
  memory_bound_cycles += o.memory_bound_cycles;
  filter_stalls += o.filter_stalls, filter_stall_cycles += o.filter_stall_cycles;
  attention_stalls += o.attention_stalls, attention_stall_cycles += o.attention_stall_cycles;
  rows += o.rows;
  pq_rows += o.pq_rows, pq_recomputed_rows += o.pq_recomputed_rows, pq_softmax_elems += o.pq_softmax_elems;
  for (size_t r = 0; r < round_kept.size(); ++r)
    round_candidates[r] += o.round_candidates[r], round_kept[r] += o.round_kept[r];
  fetch += o.fetch;
  filter += o.filter;
  selector += o.selector;
  candidate_search += o.candidate_search;
  attention += o.attention;
  jobs += o.jobs;
  return *this;
}

void DatapathStats::describe(stats::Group& g) const {
  g.set("jobs", jobs, "", "Jobs the datapath ran");
  g.set("cycles", cycles, "cycles", "Job cycles, first fetch to last write");
  stats::Group& p = g.group("pipeline", "FU → AU pipeline");
  p.set("filter_bound_cycles", filter_bound_cycles, "cycles", "Cycles the filter engine bounded");
  p.set("attention_bound_cycles", attention_bound_cycles, "cycles", "Cycles the attention engine bounded");
  p.set("memory_bound_cycles", memory_bound_cycles, "cycles", "Cycles DRAM bounded");
  p.set("filter_stalls", filter_stalls, "", "Times the FU found the row buffer full");
  p.set("filter_stall_cycles", filter_stall_cycles, "cycles", "Cycles the FU waited on a full row buffer");
  p.set("attention_stalls", attention_stalls, "", "Times the AU found the row buffer empty");
  p.set("attention_stall_cycles", attention_stall_cycles, "cycles", "Cycles the AU waited for rows");
  p.set("rows", rows, "", "Query rows through the pipeline");
  p.set("pq_rows", pq_rows, "", "spatten: rows scored on the MSB planes first");
  p.set("pq_recomputed_rows", pq_recomputed_rows, "", "spatten: rows recomputed with their LSB planes");
  p.set("pq_softmax_elems", pq_softmax_elems, "", "spatten: approximate scores through the decision softmax");
  fetch.describe(g.group("fetch", "Fetch unit and on-chip K/V buffer"));
  filter.describe(g.group("filter_engine", "Low-bit filter engine (FU)"));
  selector.describe(g.group("selector", "Threshold / top-k selector"));
  candidate_search.describe(g.group("candidate_search", "Candidate-search unit (a3): key sorter and greedy search"));
  attention.describe(g.group("attention_engine", "INT16 attention engine (AU)"));
}

void Datapath::settle(tlm_utils::tlm_quantumkeeper& qk, const sc_time& delay) {
  qk.set(delay);
  if (config_.timing == TimingMode::accurate || qk.need_sync()) qk.sync();
}

JobOutcome Datapath::run_job(const energon_desc_t& desc) {
  // The job's figures are the blocks' counters over the job: nothing is cleared for them.
  fetch_->begin_job();
  filter_->begin_job();
  attention_->begin_job();
  stats_ = DatapathStats{};
  const FetchStats fetch0 = fetch_->stats();
  const FilterEngineStats filter0 = filter_->stats();
  const SelectorStats selector0 = selector_->stats();
  const CandidateSearchStats search0 = search_->stats();
  const AttentionEngineStats attention0 = attention_->stats();
  Job j;
  j.desc = desc;
  j.shape.heads = desc.heads;
  j.shape.kv_heads = desc.kv_heads;
  j.shape.n_q = desc.n_q;
  j.shape.n_k = desc.n_k;
  j.shape.d = desc.d;
  j.shape.causal = (desc.flags & ENERGON_DESC_FLAG_CAUSAL) != 0;
  j.shape.valid_len = desc.valid_len;
  j.layout = KPlaneLayout::from_desc(desc);
  j.msb_layout = j.layout;
  // The controller's checks passed this descriptor, so its policy has a schedule; a job given
  // to the datapath directly with one that has none ends with ERR_POLICY, rows untouched.
  try {
    j.schedule = policy_by_id(desc.policy).schedule(desc);
  } catch (const std::invalid_argument&) {
    j.error = ENERGON_ERR_POLICY;
  }
  if (j.schedule.progressive.enabled) j.msb_layout.n_planes = j.schedule.progressive.msb_planes;
  if (desc.flags & ENERGON_DESC_FLAG_IMPORTANCE) j.importance.clear(desc.heads, desc.n_k);
  j.start = sc_core::sc_time_stamp();

  tlm_utils::tlm_quantumkeeper qk;
  qk.reset();
  job_ = &j;
  attention_busy_ = true;
  attention_start_.notify(SC_ZERO_TIME);
  filter_selector_free_ = SC_ZERO_TIME;
  // The filter rounds' planes of a kv head keep their share of the on-chip buffer (up to half of
  // a half), so the attention engine's streams do not push them out at long sequences.
  const uint32_t filter_planes = j.schedule.filter_planes();
  uint64_t filter_bytes = 0;
  for (uint32_t p = 0; p < filter_planes; ++p) filter_bytes += uint64_t(j.layout.n_k) * j.layout.row_bytes(p);
  fetch_->set_filter_reserve(filter_planes, std::min(filter_bytes, config_.sram_bytes / 4));
  filter_stage(j, qk);
  qk.sync();
  j.filter_end = sc_core::sc_time_stamp();
  if (attention_busy_) sc_core::wait(attention_done_);
  if (config_.timing == TimingMode::accurate) {  // the decoupled DMA (write-back, prefetches) ends the job
    fetch_->drain();
    j.attention_end = std::max(j.attention_end, sc_core::sc_time_stamp());
  }
  job_ = nullptr;

  JobOutcome out;
  out.error = j.error;
  const sc_time end = std::max(j.filter_end, j.attention_end);
  out.cycles = clock_.to_cycles(end - j.start);
  stats_.cycles = out.cycles;
  (stats_.fetch = fetch_->stats()) -= fetch0;
  (stats_.filter = filter_->stats()) -= filter0;
  (stats_.selector = selector_->stats()) -= selector0;
  (stats_.candidate_search = search_->stats()) -= search0;
  (stats_.attention = attention_->stats()) -= attention0;
  stats_.jobs = 1;
  stats_.round_candidates = j.candidates;
  stats_.round_kept = j.kept;
  out.busy_fetch = stats_.fetch.busy_cycles;
  out.busy_filter = stats_.filter.busy_cycles;
  out.busy_select = stats_.selector.busy_cycles;
  out.busy_attn = stats_.attention.busy_cycles;
  out.bytes = stats_.fetch.dram_bytes;
  out.allowed = j.allowed;
  out.kept = j.kept;
  out.final_kept = j.final_kept;
  // Cycle split: the attention stage's timeline decides (docs/datapath.md).
  stats_.memory_bound_cycles = std::min(out.cycles, clock_.to_cycles(j.memory_bound));
  stats_.attention_bound_cycles =
      std::min(out.cycles - stats_.memory_bound_cycles, clock_.to_cycles(j.attention_bound));
  stats_.filter_bound_cycles = out.cycles - stats_.memory_bound_cycles - stats_.attention_bound_cycles;
  totals_ += stats_;
  return out;
}

void Datapath::filter_stage(Job& j, tlm_utils::tlm_quantumkeeper& qk) {
  const AttentionShape& s = j.shape;
  const uint32_t d = s.d;
  try {
    // Scale table: heads Q scales then kv_heads K scales.
    std::vector<float> scales(size_t(s.heads) + s.kv_heads);
    sc_time delay = qk.get_local_time();
    const sc_time t0 = BlockClock::local(delay);
    fetch_transfer(seq_fetch_, seq_payloads_, tlm::TLM_READ_COMMAND, j.desc.scale_addr,
                   reinterpret_cast<uint8_t*>(scales.data()), uint32_t(scales.size() * 4), Traffic::scale, -1, delay);
    j.memory_bound += BlockClock::local(delay) - t0;  // nothing else runs during set-up
    settle(qk, delay);
    // A scale that is not a finite number above 0 would make the softmax undefined: refuse the job.
    for (const float x : scales)
      if (!(std::isfinite(x) && x > 0.0f)) j.error = ENERGON_ERR_SCALE;
    j.c.resize(s.heads);
    for (uint32_t h = 0; h < s.heads && j.error == ENERGON_ERR_NONE; ++h)
      j.c[h] = (scales[h] * scales[s.heads + s.kv_head_of(h)]) / sqrtf(float(d));
    if (j.desc.flags & ENERGON_DESC_FLAG_PRUNE) read_prune_mask(j, qk);
  } catch (const BusError&) {
    j.error = ENERGON_ERR_ADDRESS;
  }

  const std::vector<FilterRoundStep>& rounds = j.schedule.filter_rounds;
  std::shared_ptr<std::vector<uint16_t>> candidate_bits;  // the FU's candidate buffer [n_k][d], per kv head
  std::vector<uint32_t> cand;

  std::vector<int16_t> q_tile(size_t(config_.q_tile_rows) * d);
  const uint32_t tile = tile_rows(j);  // the attention engine's query tile
  filter_tile_.clear();
  for (uint32_t h = 0; h < s.heads && j.error == ENERGON_ERR_NONE; ++h) {
    const uint32_t g = s.kv_head_of(h);
    uint32_t tile_first = 0, tile_rows = 0, tile_read_end = 0;
    if (!rounds.empty() && (h == 0 || s.kv_head_of(h - 1) != g)) {
      candidate_bits = candidate_buffer(size_t(s.n_k) * d);  // the last head's stays with its rows
      try {  // the filter planes of the new kv head, in bulk, before its first round
        sc_time delay = qk.get_local_time();
        delay = prefetch_filter_planes(j, g, BlockClock::local(delay)) - sc_core::sc_time_stamp();
        settle(qk, delay);
      } catch (const BusError&) {
        j.error = ENERGON_ERR_ADDRESS;
        break;
      }
    }
    if (j.schedule.candidate_search.enabled && (h == 0 || s.kv_head_of(h - 1) != g)) {
      try {  // a3: the new kv head's K columns sorted before its first search
        sc_time delay = qk.get_local_time();
        delay = sort_search_keys(j, g, BlockClock::local(delay)) - sc_core::sc_time_stamp();
        settle(qk, delay);
      } catch (const BusError&) {
        j.error = ENERGON_ERR_ADDRESS;
        break;
      }
    }
    // Q rows arrive a tile at a time (q_tile_rows); the read's cycles go to the next row's work.
    uint64_t q_read_cycles = 0;
    const auto read_q_tile = [&](uint32_t first, tlm_utils::tlm_quantumkeeper& keeper) {
      tile_first = first;
      tile_rows = std::min(config_.q_tile_rows, s.n_q - first);
      sc_time delay = keeper.get_local_time();
      const sc_time t0 = BlockClock::local(delay);
      fetch_transfer(seq_fetch_, seq_payloads_, tlm::TLM_READ_COMMAND,
                     j.desc.q_addr + (uint64_t(h) * s.n_q + first) * d * 2, reinterpret_cast<uint8_t*>(q_tile.data()),
                     tile_rows * d * 2, Traffic::q, -1, delay);
      q_read_cycles += clock_.to_cycles(BlockClock::local(delay) - t0);
      settle(keeper, delay);
    };
    for (uint32_t i = 0; i < s.n_q && j.error == ENERGON_ERR_NONE; ++i) {
      std::shared_ptr<RowWork> w = take_row();
      w->head = h;
      w->query = i;
      w->q.resize(d);
      try {
        sc_time delay = qk.get_local_time();
        if (i >= tile_first + tile_rows) read_q_tile(i, qk);
        w->fu_memory_cycles += q_read_cycles;
        q_read_cycles = 0;
        std::memcpy(w->q.data(), q_tile.data() + size_t(i - tile_first) * d, d * 2);

        const uint32_t end = s.allowed_end(i);
        j.prune.allowed_keys(s, h, i, cand);  // [0, end) less the pruned tokens; none for a pruned row
        j.allowed += cand.size();
        // The filter engine's query tile: its first round reads the candidates' planes once for
        // au_query_tile consecutive rows of a head (the allowed keys of the tile's first row).
        if (i % config_.au_query_tile == 0) tile_read_end = 0;
        sc_time keys_ready = BlockClock::local(qk.get_local_time());
        if (j.schedule.candidate_search.enabled && !cand.empty()) {
          // a3: the candidate-search unit picks the keys the attention engine scores.
          CandidateSearchJob& cs = search_job_;
          cs.q = w->q.data();
          cs.allowed = &cand;
          cs.iterations = j.schedule.candidate_search.config.iterations(uint32_t(cand.size()));
          delay = qk.get_local_time();
          search_port_->search(cs, delay);
          settle(qk, delay);
          w->fu_compute_cycles += cs.cycles;
          j.candidates[0] += cand.size();
          j.kept[0] += cs.candidates.size();
          cand.swap(cs.candidates);
          keys_ready = BlockClock::local(qk.get_local_time());
        }
        if (!rounds.empty() && !cand.empty()) {
          uint32_t planes_have = 0;
          for (uint32_t r = 0; r < rounds.size(); ++r) {
            const FilterRoundStep& rd = rounds[r];
            FilterRoundJob& fj = round_job_;
            fj.layout = &j.layout;
            fj.kv_head = g;
            fj.q = w->q.data();
            fj.round = r;
            fj.q_bits = rd.q_bits;
            fj.k_bits = rd.k_bits;
            fj.plane_begin = planes_have;
            fj.plane_end = std::max(planes_have, uint32_t(rd.plane_end));
            fj.candidates = &cand;
            fj.key_bits = candidate_bits.get();
            fj.tile_read_end = r == 0 ? tile_read_end : 0;
            delay = qk.get_local_time();
            filter_port_->score_round(fj, delay);
            settle(qk, delay);
            planes_have = fj.plane_end;
            if (r == 0 && tile_read_end == 0) tile_read_end = end;
            w->fu_memory_cycles += fj.memory_cycles;
            w->fu_compute_cycles += fj.compute_cycles;

            SelectJob& sj = filter_select_;
            sj.rule = rd.rule;
            sj.scores = fj.scores.data();
            sj.candidates = cand.data();
            sj.n = uint32_t(cand.size());
            sj.stats = fj.stats;
            // The selector takes the row when it has finished the previous one. The last round's
            // selection runs alongside the filter engine's first round of the next row: the row
            // is handed on with its keys ready at the selection's end (k_ready, the prefetch).
            const bool last = r + 1 == rounds.size();
            const sc_time at = std::max(BlockClock::local(qk.get_local_time()), filter_selector_free_);
            sc_time sel_delay = at - sc_core::sc_time_stamp();
            sj.decoupled = true;
            selector_port_->select(sj, sel_delay);
            filter_selector_free_ = BlockClock::local(sel_delay);
            if (last) {
              keys_ready = filter_selector_free_;
            } else {
              delay = filter_selector_free_ - sc_core::sc_time_stamp();
              settle(qk, delay);
            }
            w->fu_compute_cycles += sj.cycles;
            j.candidates[r] += cand.size();
            j.kept[r] += sj.kept.size();
            cand.swap(sj.kept);
          }
          w->planes_have = planes_have;
          w->head_bits = candidate_bits;
        }
        w->keys.assign(cand.begin(), cand.end());
        w->k_ready = keys_ready;
        filter_tile_.push_back(std::move(w));
        // The row waits in the row buffer for its tile's prefetch descriptor (the trace's fill).
        if (trace_)
          trace_->value(TraceValue::row_buffer_fill, ++rows_buffered_, BlockClock::local(qk.get_local_time()));
        // The prefetch DMA takes the query tile's rows together (the engine runs them together):
        // one descriptor for their keys once the last row's selection is done.
        if ((i + 1) % tile != 0 && i + 1 != s.n_q) continue;
        // The next Q tile is read as the filter engine finishes this row (it needs it next, row
        // buffer space or not), before the prefetch descriptor that starts at the selection's end:
        // the two reach memory in time order.
        if (i + 1 < s.n_q && i + 1 >= tile_first + tile_rows) read_q_tile(i + 1, qk);
        prefetch_tile(j, filter_tile_, keys_ready);
      } catch (const BusError&) {
        j.error = ENERGON_ERR_ADDRESS;
        break;
      }
      for (std::shared_ptr<RowWork>& r : filter_tile_) {
        qk.sync();  // hand the row over at its true time
        if (row_buffer_.num_free() == 0) {
          const sc_time t0 = sc_core::sc_time_stamp();
          ++stats_.filter_stalls;
          row_buffer_.write(r);
          stats_.filter_stall_cycles += clock_.to_cycles(sc_core::sc_time_stamp() - t0);
        } else {
          row_buffer_.write(r);
        }
      }
      filter_tile_.clear();
    }
    filter_tile_.clear();  // after a failure: the rows not handed over are dropped
  }
  qk.sync();
  std::shared_ptr<RowWork> end = take_row();
  end->end_of_job = true;
  row_buffer_.write(end);
}

std::shared_ptr<RowWork> Datapath::take_row() {
  if (free_rows_.empty()) return std::make_shared<RowWork>();
  std::shared_ptr<RowWork> w = std::move(free_rows_.back());
  free_rows_.pop_back();
  w->end_of_job = false;
  w->keys.clear();
  w->planes_have = 0;
  w->head_bits.reset();
  w->fu_memory_cycles = w->fu_compute_cycles = 0;
  w->k_ready = w->v_ready = SC_ZERO_TIME;
  w->dma_ticket = 0;
  return w;
}

sc_time Datapath::sort_search_keys(Job& j, uint32_t g, const sc_time& at) {
  const KPlaneLayout& l = j.layout;
  const uint32_t n = j.shape.valid_len, d = j.shape.d;
  sc_time delay = at - sc_core::sc_time_stamp();
  search_keys_.assign(size_t(n) * d, 0);
  for (uint32_t p = 0; p < l.n_planes; ++p) {
    const uint32_t bytes = n * l.row_bytes(p);
    if (prefetch_scratch_.size() < bytes) prefetch_scratch_.resize(bytes);
    prefetch_runs_.assign(1, {l.row_addr(p, g, 0), prefetch_scratch_.data(), bytes});
    fetch_gather(seq_fetch_, seq_payloads_, prefetch_runs_, Traffic(uint8_t(Traffic::k0) + p), int64_t(g), delay);
    unpack_plane_rows(prefetch_scratch_.data(), n, d, l.bits[p], l.shift(p), search_keys_.data(), p == 0);
  }
  KeySortJob sort;
  sort.keys = reinterpret_cast<const int16_t*>(search_keys_.data());
  sort.n = n;
  sort.d = d;
  search_port_->sort_keys(sort, delay);
  return sc_core::sc_time_stamp() + delay;
}

sc_time Datapath::prefetch_filter_planes(Job& j, uint32_t g, const sc_time& at) {
  const KPlaneLayout& l = j.layout;
  sc_time delay = at - sc_core::sc_time_stamp();
  const uint32_t planes = j.schedule.filter_planes();
  if (config_.sram_bytes == 0 || j.shape.valid_len == 0) return at;
  DmaChain chain(*fetch_);  // accurate: the planes one after the other, as the delays chain in lt
  for (uint32_t p = 0; p < planes; ++p) {
    const uint32_t bytes = j.shape.valid_len * l.row_bytes(p);
    if (prefetch_scratch_.size() < bytes) prefetch_scratch_.resize(bytes);
    prefetch_runs_.assign(1, {l.row_addr(p, g, 0), prefetch_scratch_.data(), bytes});
    fetch_gather(seq_fetch_, seq_payloads_, prefetch_runs_, Traffic(uint8_t(Traffic::k0) + p), int64_t(g), delay, true,
                 true);
  }
  return sc_core::sc_time_stamp() + delay;
}

std::shared_ptr<std::vector<uint16_t>> Datapath::candidate_buffer(size_t elems) {
  for (auto& b : candidate_buffers_)
    if (b.use_count() == 1) {  // no row holds it any more
      b->resize(elems);
      return b;
    }
  candidate_buffers_.push_back(std::make_shared<std::vector<uint16_t>>(elems));
  return candidate_buffers_.back();
}

void Datapath::prefetch_tile(Job& j, const std::vector<std::shared_ptr<RowWork>>& rows, const sc_time& at) {
  if (config_.sram_bytes == 0 || rows.empty()) return;
  // The union of the rows' keys (each list ascending): in a causal tile the rows' new keys are
  // adjacent, so each plane's missing keys form one run instead of one short request per row.
  union_of_keys(
      rows, [](const std::shared_ptr<RowWork>& w) -> const std::vector<uint32_t>& { return w->keys; }, prefetch_keys_);
  uint32_t planes_have = 0;  // the same for every row with keys (the policy's filter rounds)
  for (const auto& w : rows)
    if (!w->keys.empty()) planes_have = w->planes_have;
  if (prefetch_keys_.empty()) return;
  const uint32_t* keys = prefetch_keys_.data();
  const size_t n = prefetch_keys_.size();
  const KPlaneLayout& l = j.layout;
  const uint32_t g = j.shape.kv_head_of(rows.front()->head);
  sc_time delay = at - sc_core::sc_time_stamp();  // decoupled: the filter stage goes on
  DmaChain chain(*fetch_);                        // accurate: K planes then V, one after the other
  // spatten's first pass reads the MSB planes only; the LSB planes come only for recomputed rows.
  const uint32_t k_end = j.schedule.progressive.enabled ? j.schedule.progressive.msb_planes : l.n_planes;
  for (uint32_t p = planes_have; p < k_end; ++p) {
    const uint32_t rb = l.row_bytes(p);
    if (prefetch_scratch_.size() < n * rb) prefetch_scratch_.resize(n * rb);
    prefetch_runs_.clear();
    for_each_key_run(keys, n, [&](size_t c, size_t e) {
      prefetch_runs_.push_back({l.row_addr(p, g, keys[c]), prefetch_scratch_.data() + c * rb, uint32_t(e - c) * rb});
    });
    fetch_gather(seq_fetch_, seq_payloads_, prefetch_runs_, Traffic(uint8_t(Traffic::k0) + p), int64_t(g), delay, true,
                 true);
  }
  const sc_time k_ready = sc_core::sc_time_stamp() + delay;
  uint64_t ticket = fetch_->dma_ticket();
  sc_time v_ready = SC_ZERO_TIME;
  if (!j.schedule.attention_select) {  // V of the kept keys only: known after the AU's selection
    const uint32_t vrb = j.shape.d * 2;
    if (prefetch_scratch_.size() < n * vrb) prefetch_scratch_.resize(n * vrb);
    prefetch_runs_.clear();
    for_each_key_run(keys, n, [&](size_t c, size_t e) {
      prefetch_runs_.push_back({j.desc.v_addr + (uint64_t(g) * j.shape.n_k + keys[c]) * vrb,
                                prefetch_scratch_.data() + c * vrb, uint32_t(e - c) * vrb});
    });
    fetch_gather(seq_fetch_, seq_payloads_, prefetch_runs_, Traffic::v, int64_t(g), delay, true, true);
    v_ready = sc_core::sc_time_stamp() + delay;
    ticket = fetch_->dma_ticket();
  }
  for (const auto& w : rows) {
    if (w->keys.empty()) continue;
    w->k_ready = std::max(w->k_ready, k_ready);
    w->v_ready = v_ready;
    w->dma_ticket = ticket;
  }
}

uint32_t Datapath::tile_rows(const Job& j) const {
  return attention_->can_tile(j.shape.n_k, j.shape.d) ? config_.au_query_tile : 1;
}

void Datapath::attention_stage() {
  tlm_utils::tlm_quantumkeeper qk;
  for (;;) {
    sc_core::wait(attention_start_);
    Job& j = *job_;
    qk.reset();
    out_tile_.assign(size_t(config_.q_tile_rows) * j.shape.d, 0);
    out_rows_ = 0;
    last_row_done_ = selector_free_ = pq_decided_ = SC_ZERO_TIME;
    const uint32_t tile_max = tile_rows(j);
    uint64_t tile_keys = 0;
    // The tile's rows go back to the free list once the tile is done, not earlier: attend() may
    // wait, and the filter stage must not refill them meanwhile.
    const auto give_back = [&] {
      for (auto& r : tile_) free_rows_.push_back(std::move(r));
      tile_.clear();
      tile_keys = 0;
    };
    const auto flush = [&] {
      if (tile_.empty()) return;
      if (j.error == ENERGON_ERR_NONE) {
        sc_time mem_time;
        const sc_time a0 = sc_core::sc_time_stamp() + qk.get_local_time();
        try {
          attend(j, tile_, qk, mem_time);
        } catch (const BusError&) {
          j.error = ENERGON_ERR_ADDRESS;
        }
        const sc_time elapsed = sc_core::sc_time_stamp() + qk.get_local_time() - a0;
        j.memory_bound += mem_time;
        if (elapsed > mem_time) j.attention_bound += elapsed - mem_time;
        stats_.rows += tile_.size();
      }
      give_back();
    };
    for (;;) {
      qk.sync();
      const sc_time t0 = sc_core::sc_time_stamp();
      std::shared_ptr<RowWork> w = row_buffer_.read();
      const sc_time starved = sc_core::sc_time_stamp() - t0;
      if (starved > SC_ZERO_TIME) {
        ++stats_.attention_stalls;
        stats_.attention_stall_cycles += clock_.to_cycles(starved);
      }
      if (w->end_of_job) {
        flush();
        free_rows_.push_back(std::move(w));
        break;
      }
      if (trace_) trace_->value(TraceValue::row_buffer_fill, --rows_buffered_, sc_core::sc_time_stamp());
      // Starved time goes to whichever part of the filter stage's work on this row was larger.
      const uint64_t fu_total = w->fu_memory_cycles + w->fu_compute_cycles;
      if (fu_total > 0) j.memory_bound += starved * (double(w->fu_memory_cycles) / double(fu_total));
      if (j.error != ENERGON_ERR_NONE) {  // drain the buffer after a failure
        free_rows_.push_back(std::move(w));
        continue;
      }
      // A tile: rows of one head while two tiles' scores fit the score buffer; a row longer than
      // half of it goes alone (the per-row pipeline, which recomputes beyond the buffer).
      const uint64_t keys = w->keys.size();
      if (!tile_.empty() && (w->head != tile_.front()->head || 2 * (tile_keys + keys) > config_.au_score_buffer_keys))
        flush();
      const bool last = w->query + 1 == j.shape.n_q;
      tile_.push_back(std::move(w));
      tile_keys += keys;
      if (tile_.size() >= tile_max || last || 2 * tile_keys > config_.au_score_buffer_keys) flush();
    }
    // Drain: the engine finishes its last rows, then the last tiles are written.
    sc_time last_mem, complete_delay = qk.get_local_time();
    if (attention_port_->complete(complete_delay)) settle(qk, complete_delay);
    collect_rows(j, 0, last_mem);
    j.memory_bound += last_mem;
    const sc_time local = sc_core::sc_time_stamp() + qk.get_local_time();
    sc_time end = std::max(local, last_row_done_);
    if (last_row_done_ > local) j.attention_bound += last_row_done_ - local;
    try {
      const sc_time written = write_tiles(SC_ZERO_TIME, true);
      if (written > end) j.memory_bound += written - end, end = written;
      if ((j.desc.flags & ENERGON_DESC_FLAG_IMPORTANCE) && j.error == ENERGON_ERR_NONE) {
        const sc_time noted = write_importance(j, end);
        if (noted > end) j.memory_bound += noted - end, end = noted;
      }
    } catch (const BusError&) {
      j.error = ENERGON_ERR_ADDRESS;
    }
    out_pending_.clear();
    qk.set(end - sc_core::sc_time_stamp());
    qk.sync();
    j.attention_end = sc_core::sc_time_stamp();
    attention_busy_ = false;
    attention_done_.notify(SC_ZERO_TIME);
  }
}

void Datapath::attend(Job& j, std::vector<std::shared_ptr<RowWork>>& tile, tlm_utils::tlm_quantumkeeper& qk,
                      sc_time& mem_time) {
  const AttentionShape& s = j.shape;
  const uint32_t d = s.d;
  const size_t n_rows = tile.size();
  if (config_.timing == TimingMode::accurate) {
    // The prefetch DMA returned at once (posted): the rows enter the engine once it is done, and
    // the wait is memory time.
    qk.sync();
    uint64_t ticket = 0;
    for (const auto& w : tile) ticket = std::max(ticket, w->dma_ticket);
    const sc_time t0 = sc_core::sc_time_stamp();
    fetch_->wait_dma(ticket);
    mem_time += sc_core::sc_time_stamp() - t0;
    for (const auto& w : tile) {
      w->k_ready = std::max(w->k_ready, sc_core::sc_time_stamp());
      if (w->v_ready > SC_ZERO_TIME) w->v_ready = std::max(w->v_ready, sc_core::sc_time_stamp());
    }
  }
  // The rows of the tile before the last are collected (their ×V pass is timed by now); this
  // tile's rows take the other set of attend jobs than the last tile's.
  if (attention_port_->completing() > 1) throw std::logic_error("Datapath: two ×V passes pending");
  attend_set_ ^= 1;
  std::vector<AttendJob>& jobs = attend_jobs_[attend_set_];
  if (jobs.size() < n_rows) jobs.resize(n_rows);
  attend_ptrs_.clear();
  for (size_t r = 0; r < n_rows; ++r) {
    RowWork& w = *tile[r];
    AttendJob& aj = jobs[r];
    aj.layout = &j.layout;
    aj.kv_head = s.kv_head_of(w.head);
    aj.v_addr = j.desc.v_addr;
    aj.out_addr = j.desc.out_addr + (uint64_t(w.head) * s.n_q + w.query) * d * 2;
    aj.q = w.q.data();
    aj.c = j.c[w.head];
    aj.head = w.head;
    aj.importance = (j.desc.flags & ENERGON_DESC_FLAG_IMPORTANCE) ? &j.importance : nullptr;
    aj.keys.swap(w.keys);  // the row's list moves in; the job's old buffer goes back with the row
    aj.key_bits.clear();   // the leading planes are in the head's buffer (its capacity is kept)
    aj.head_bits = std::move(w.head_bits);
    aj.planes_have = w.planes_have;
    aj.write_back = false;
    aj.acc.clear();  // not scored yet
    aj.compute_cycles = aj.memory_cycles = 0;
    aj.k_ready = w.k_ready;
    aj.v_ready = w.v_ready;
    aj.scores_ready = SC_ZERO_TIME;
    attend_ptrs_.push_back(&aj);
  }
  const bool tiled = n_rows > 1;
  write_tiles(sc_core::sc_time_stamp() + qk.get_local_time(), false);  // tiles finished by now
  sc_time delay = qk.get_local_time();
  if (j.schedule.attention_select) {
    // The policy selects on full-precision scores (topk: SpAtten-like): the AU scores every
    // remaining key, then the selector applies the policy's rule; its counts follow the FU rounds'.
    if (j.schedule.progressive.enabled) {
      progressive_scores(j, qk, delay);
    } else {
      if (tiled)
        attention_port_->score_tile(attend_ptrs_, delay);
      else if (!attend_ptrs_[0]->keys.empty())
        attention_port_->score_keys(*attend_ptrs_[0], delay);
      settle(qk, delay);
    }
    const size_t step = j.schedule.selection_steps() - 1;
    for (AttendJob* aj : attend_ptrs_) {
      if (aj->keys.empty()) continue;
      SelectJob& sj = attend_select_;
      sj.rule = j.schedule.attention_rule;
      if (j.schedule.candidate_search.enabled) sj.rule.margin = j.schedule.candidate_search.config.score_margin(aj->c);
      sj.scores = aj->acc.data();
      sj.candidates = aj->keys.data();
      sj.n = uint32_t(aj->keys.size());
      sj.stats = aj->stats;
      // The selector works on this row while the Q·K unit takes the next one.
      // (spatten: not before the softmax unit's decision pass over the approximate scores.)
      const sc_time scored = std::max(BlockClock::local(qk.get_local_time()), pq_decided_);
      sc_time sel_delay = std::max(scored, selector_free_) - sc_core::sc_time_stamp();
      sj.decoupled = true;
      selector_port_->select(sj, sel_delay);
      selector_free_ = BlockClock::local(sel_delay);
      aj->scores_ready = selector_free_;
      j.candidates[step] += aj->keys.size();
      j.kept[step] += sj.kept.size();
      // Compact the score buffer to the kept keys (both lists ascending).
      size_t o = 0;
      for (size_t c = 0, k = 0; c < aj->keys.size() && k < sj.kept.size(); ++c)
        if (aj->keys[c] == sj.kept[k]) {
          aj->acc[o++] = aj->acc[c];
          ++k;
        }
      aj->acc.resize(o);
      aj->keys.swap(sj.kept);
    }
    delay = qk.get_local_time();
  } else if (tiled) {
    attention_port_->score_tile(attend_ptrs_, delay);
    settle(qk, delay);
    delay = qk.get_local_time();
  }
  if (tiled)
    attention_port_->finish_tile(attend_ptrs_, delay);
  else
    attention_port_->finish_row(*attend_ptrs_[0], delay);
  settle(qk, delay);
  for (size_t r = 0; r < n_rows; ++r) finished_.push_back({tile[r]->head, tile[r]->query, &jobs[r]});
  finished_tiles_.push_back(n_rows);
  collect_rows(j, attention_port_->completing(), mem_time);
}

void Datapath::collect_rows(Job& j, unsigned keep, sc_time& mem_time) {
  const AttentionShape& s = j.shape;
  const uint32_t d = s.d;
  size_t n = 0, tiles = 0;
  for (; tiles + keep < finished_tiles_.size(); ++tiles) n += finished_tiles_[tiles];
  for (size_t i = 0; i < n; ++i) {
    const FinishedRow& f = finished_[i];
    const AttendJob& aj = *f.job;
    j.final_kept += aj.keys.size();
    mem_time += clock_.cycles(aj.memory_cycles);
    // Output rows leave a tile at a time (rows of one head are contiguous in memory).
    if (out_rows_ == 0) out_first_ = {f.head, f.query};
    std::memcpy(out_tile_.data() + size_t(out_rows_) * d, aj.out.data(), d * 2);
    ++out_rows_;
    last_row_done_ = std::max(last_row_done_, aj.done);
    if (out_rows_ == config_.q_tile_rows || f.query + 1 == s.n_q) {
      OutTile t;
      if (!out_spare_.empty()) {
        t = std::move(out_spare_.back());
        out_spare_.pop_back();
      }
      t.ready = aj.done;
      t.addr = j.desc.out_addr + (uint64_t(out_first_.first) * s.n_q + out_first_.second) * d * 2;
      t.rows = out_rows_;
      t.data.assign(out_tile_.begin(), out_tile_.begin() + ptrdiff_t(out_rows_) * d);
      out_pending_.push_back(std::move(t));
      out_rows_ = 0;
    }
  }
  finished_.erase(finished_.begin(), finished_.begin() + ptrdiff_t(n));
  finished_tiles_.erase(finished_tiles_.begin(), finished_tiles_.begin() + ptrdiff_t(tiles));
}

void Datapath::progressive_scores(Job& j, tlm_utils::tlm_quantumkeeper& qk, sc_time& delay) {
  const ProgressiveStep& pq = j.schedule.progressive;
  // Pass 1: Q·K on the MSB planes only (the engine rebuilds K from them, the LSBs zero).
  for (AttendJob* aj : attend_ptrs_) aj->layout = &j.msb_layout;
  if (attend_ptrs_.size() > 1)
    attention_port_->score_tile(attend_ptrs_, delay);
  else if (!attend_ptrs_[0]->keys.empty())
    attention_port_->score_keys(*attend_ptrs_[0], delay);
  settle(qk, delay);
  delay = qk.get_local_time();
  // The softmax unit's exp + sum pass over the approximate scores gives each row's p16_max
  // (spec §1.3 on those scores, the same kernels as the final softmax).
  const kernels::KernelSet& kern = kernels::active();
  recompute_ptrs_.clear();
  uint64_t exp_cycles = 0;
  // A row that is not recomputed keeps the MSB layout: the engine's later re-streams of its K rows
  // (rows longer than the score buffer) read its MSB planes only.
  for (AttendJob* aj : attend_ptrs_) {
    const uint32_t n = uint32_t(aj->keys.size());
    if (n == 0) continue;
    pq_exps_.resize(n);
    pq_p16_.resize(n);
    if (!kern.softmax_shift(aj->acc.data(), n, aj->c, pq_exps_.data()))
      kernels::scalar().softmax_shift(aj->acc.data(), n, aj->c, pq_exps_.data());
    kern.exp_in_place(pq_exps_.data(), n);
    float z = 0.0f;
    for (uint32_t c = 0; c < n; ++c) z += pq_exps_[c];  // ascending key order
    kern.softmax_q16_out(pq_exps_.data(), n, z, pq_p16_.data());
    const uint32_t p16_max = *std::max_element(pq_p16_.begin(), pq_p16_.end());
    ++stats_.pq_rows;
    stats_.pq_softmax_elems += n;
    exp_cycles += attention_->exp_cycles(n);
    if (p16_max < pq.threshold_q16) recompute_ptrs_.push_back(aj);
  }
  // The decision pass runs on the softmax unit while the Q·K unit takes the next tile; the
  // selection waits for it, and so does a recompute pass (it needs to know its rows).
  pq_decided_ = BlockClock::local(delay) + clock_.cycles(exp_cycles + config_.softmax_latency);
  if (recompute_ptrs_.empty()) return;
  const sc_time wait_decision = pq_decided_ - BlockClock::local(delay);
  clock_.spend(clock_.to_cycles(wait_decision), delay);
  settle(qk, delay);
  delay = qk.get_local_time();
  // Pass 2, rows under the threshold: every plane of their keys (the LSB planes from DRAM), exact scores.
  stats_.pq_recomputed_rows += recompute_ptrs_.size();
  for (AttendJob* aj : recompute_ptrs_) {
    aj->layout = &j.layout;
    aj->planes_have = 0;
    aj->acc.clear();
  }
  if (recompute_ptrs_.size() > 1)
    attention_port_->score_tile(recompute_ptrs_, delay);
  else
    attention_port_->score_keys(*recompute_ptrs_[0], delay);
  settle(qk, delay);
}

void Datapath::read_prune_mask(Job& j, tlm_utils::tlm_quantumkeeper& qk) {
  // The mask comes with the job's set-up tables (counted with the scale table's traffic).
  const AttentionShape& s = j.shape;
  std::vector<uint8_t> image(ENERGON_PRUNE_MASK_BYTES(s.heads, s.n_k));
  sc_time delay = qk.get_local_time();
  const sc_time t0 = BlockClock::local(delay);
  fetch_transfer(seq_fetch_, seq_payloads_, tlm::TLM_READ_COMMAND, j.desc.prune_mask_addr, image.data(),
                 uint32_t(image.size()), Traffic::scale, -1, delay);
  j.memory_bound += BlockClock::local(delay) - t0;
  settle(qk, delay);
  j.prune = PruneMask::decode(image.data(), s.heads, s.n_k);
}

sc_time Datapath::write_importance(Job& j, const sc_time& at) {
  // The importance table leaves after the last output rows (counted with the output's traffic).
  std::vector<uint8_t> image = j.importance.encode();
  const sc_time now = sc_core::sc_time_stamp();
  sc_time delay = at > now ? at - now : SC_ZERO_TIME;
  fetch_transfer(seq_fetch_, seq_payloads_, tlm::TLM_WRITE_COMMAND, j.desc.importance_addr, image.data(),
                 uint32_t(image.size()), Traffic::out, -1, delay);
  return now + delay;
}

sc_time Datapath::write_tiles(const sc_time& until, bool all) {
  sc_time end = SC_ZERO_TIME;
  size_t done = 0;
  for (; done < out_pending_.size() && (all || out_pending_[done].ready <= until); ++done) {
    OutTile& t = out_pending_[done];
    const sc_time now = sc_core::sc_time_stamp();
    sc_time delay = t.ready > now ? t.ready - now : SC_ZERO_TIME;
    attention_port_->write_rows(t.addr, t.data.data(), t.rows, job_->shape.d, delay);
    end = std::max(end, sc_core::sc_time_stamp() + delay);
  }
  for (size_t i = 0; i < done; ++i) out_spare_.push_back(std::move(out_pending_[i]));
  out_pending_.erase(out_pending_.begin(), out_pending_.begin() + ptrdiff_t(done));
  return end;
}

}  // namespace energon::hw
