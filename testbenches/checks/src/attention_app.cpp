#include "energon/checks/attention_app.h"

#include <chrono>
#include <stdexcept>

#include "energon/fw/energon_cascade.h"
#include "energon/platform/job_placement.h"

namespace energon::checks {

using platform::HostCpu;
using platform::JobPruning;
using platform::place_job;
using platform::PlacedJob;
using platform::read_output;

bool AppResult::all_bit_exact() const {
  if (layers.empty()) return false;
  for (auto& l : layers)
    if (!l.checked || !l.bit_exact) return false;
  return true;
}

namespace {

/// The driver's cascade state (energon_cascade.h) for the jobs of one model run.
class Cascade {
 public:
  Cascade() = default;
  Cascade(const Cascade&) = delete;
  Cascade& operator=(const Cascade&) = delete;
  ~Cascade() {
    if (ready_) energon_cascade_free(&c_);
  }
  /// "" or why layer `l` of shape `s` cannot take part.
  std::string join(uint32_t l, const AttentionShape& s) {
    if (s.n_q != s.n_k)
      return "cascade pruning needs self-attention layers (n_q == n_k); layer " + std::to_string(l) + " has n_q " +
             std::to_string(s.n_q) + ", n_k " + std::to_string(s.n_k);
    if (!ready_) {
      if (energon_cascade_init(&c_, s.n_k, s.heads) != ENERGON_FW_OK) return "cascade pruning: out of memory";
      ready_ = true;
    } else if (s.n_k != c_.n_tokens || s.heads != c_.heads) {
      return "cascade pruning needs every layer's tokens and heads of layer 0 (" + std::to_string(c_.n_tokens) +
             " tokens, " + std::to_string(c_.heads) + " heads); layer " + std::to_string(l) + " has " +
             std::to_string(s.n_k) + " and " + std::to_string(s.heads);
    }
    return {};
  }
  /// Prunes to the layer's keep ratios into `mask` (driver time charged on `cpu`); the driver's status.
  int prune(HostCpu& cpu, uint32_t token_ppm, uint32_t head_ppm, PruneMask& mask) {
    const int rc = energon_cascade_prune(&c_, token_ppm, head_ppm);
    charge(cpu);
    mask.token.assign(c_.token_pruned, c_.token_pruned + c_.n_tokens);
    mask.head.assign(c_.head_pruned, c_.head_pruned + c_.heads);
    return rc;
  }
  void accumulate(HostCpu& cpu, const std::vector<uint8_t>& table) {
    energon_cascade_accumulate(&c_, table.data());
    cpu.spend_ns(cpu.config().cost.rank_ns_per_elem * double(c_.n_tokens + c_.heads));
  }
  uint32_t tokens_kept() const { return c_.tokens_kept; }
  uint32_t heads_kept() const { return c_.heads_kept; }

 private:
  void charge(HostCpu& cpu) const {
    double levels = 1;
    for (uint32_t n = c_.n_tokens; n > 1; n = (n + 1) / 2) levels += 1;
    cpu.spend_ns(cpu.config().cost.rank_ns_per_elem * double(c_.n_tokens + c_.heads) * levels);
  }
  energon_cascade_t c_{};
  bool ready_ = false;
};

}  // namespace

AttentionApp::AttentionApp(uint32_t n_layers, LayerSource source, const AppConfig& config)
    : n_layers_(n_layers), source_(std::move(source)), config_(config) {
  // Layer l's prune mask needs layer l−1's importance: one layer in flight.
  if (config_.cascade.enabled()) config_.queue_depth = 1;
  if (config_.queue_depth == 0) config_.queue_depth = 1;
  if (config_.ring_entries <= config_.queue_depth) config_.ring_entries = config_.queue_depth + 1;
}

void AttentionApp::fail(int status, const std::string& what) {
  if (result_.status == ENERGON_FW_OK) {
    result_.status = status;
    result_.error = what + ": " + energon_strerror(status);
  }
}

void AttentionApp::operator()(platform::HostCpu& cpu) {
  energon_dev_t dev;
  int rc = energon_init(&dev, cpu.hal(), config_.reg_base);
  if (rc == ENERGON_FW_OK) rc = energon_probe(&dev);
  if (rc != ENERGON_FW_OK) return fail(rc, "bring-up");
  const uint64_t ring = cpu.alloc(size_t(config_.ring_entries) * ENERGON_DESC_BYTES, 256);
  if (ring == ENERGON_HAL_NO_MEMORY) return fail(ENERGON_FW_ENOMEM, "descriptor ring");
  if ((rc = energon_queue_setup(&dev, ring, config_.ring_entries)) != ENERGON_FW_OK) return fail(rc, "queue setup");
  energon_clear_counters(&dev);
  const uint64_t mark = cpu.alloc_mark();
  result_.start = cpu.now();
  Cascade cascade;
  const bool pruning = config_.cascade.enabled();

  for (uint32_t first = 0; first < n_layers_; first += config_.queue_depth) {
    const uint32_t count = std::min(config_.queue_depth, n_layers_ - first);
    std::vector<FloatLayer> layers;
    std::vector<PlacedJob> jobs;
    std::vector<uint32_t> index;
    // Submit each layer as soon as it is placed: the host packs layer i+1 while the
    // accelerator runs layer i.
    for (uint32_t l = first; l < first + count; ++l) {
      layers.push_back(source_(l));
      LayerResult r;
      r.layer = l;
      r.shape = layers.back().shape;
      JobPruning job_pruning;
      PruneMask mask;
      if (pruning) {
        if (const std::string e = cascade.join(l, r.shape); !e.empty()) return fail(ENERGON_FW_EINVAL, e);
        if (l > 0) {
          if ((rc = cascade.prune(cpu, config_.cascade.tokens_at(l), config_.cascade.heads_at(l), mask)) !=
              ENERGON_FW_OK)
            return fail(rc, "cascade pruning before layer " + std::to_string(l));
          job_pruning.mask = &mask;
        }
        job_pruning.importance = true;
        r.tokens_kept = cascade.tokens_kept();
        r.heads_kept = cascade.heads_kept();
      }
      jobs.push_back(place_job(cpu, layers.back(), config_.filter_at(l), job_pruning));
      uint32_t at = 0;
      if ((rc = energon_submit(&dev, &jobs.back().desc, 1, &at)) != ENERGON_FW_OK)
        return fail(rc, "submit layer " + std::to_string(l));
      r.submitted = cpu.now();
      index.push_back(at);
      result_.layers.push_back(r);
    }
    energon_wait_info_t info;
    rc = energon_wait(&dev, config_.timeout_us, &info);
    const sc_core::sc_time done = cpu.now();
    if (rc != ENERGON_FW_OK && rc != ENERGON_FW_EJOB) return fail(rc, "wait for layers from " + std::to_string(first));
    for (uint32_t i = 0; i < count; ++i) {
      LayerResult& r = result_.layers[first + i];
      r.completed = done;
      energon_read_result(&dev, index[i], &r.hw);
      if (!r.hw.done || r.hw.error != ENERGON_ERR_NONE) {
        fail(ENERGON_FW_EJOB, "layer " + std::to_string(r.layer) + " (" + energon_error_name(int(r.hw.error)) + ": " +
                                  energon_strerror(int(r.hw.error)) + ")");
        continue;
      }
      const std::vector<int16_t> out = read_output(cpu, jobs[i]);
      std::vector<uint8_t> importance;
      if (pruning) {
        importance = platform::read_importance(cpu, jobs[i]);
        cascade.accumulate(cpu, importance);
      }
      if (config_.check) check_layer(layers[i], jobs[i], out, pruning ? &importance : nullptr, r);
      if (config_.on_layer) config_.on_layer(first + i + 1);
    }
    cpu.release_to(mark);
  }
  result_.end = cpu.now();
  energon_read_counters(&dev, &result_.counters);
}

void AttentionApp::check_layer(const FloatLayer& layer, const PlacedJob& job, const std::vector<int16_t>& out,
                               const std::vector<uint8_t>* importance, LayerResult& r) {
  const auto t0 = std::chrono::steady_clock::now();
  QuantizedLayer q = golden::quantize_layer(layer);
  q.prune = job.quantized.prune;  // the mask the driver gave the job
  golden::AccuracyMeter meter(layer);
  const std::vector<int16_t> gold = golden::run_attention(q, config_.filter_at(r.layer), &r.golden, &meter);
  r.checked = true;
  r.mismatches = 0;
  for (size_t i = 0; i < gold.size() && i < out.size(); ++i) r.mismatches += gold[i] != out[i];
  if (gold.size() != out.size())
    r.mismatches += gold.size() > out.size() ? gold.size() - out.size() : out.size() - gold.size();
  if (importance)
    r.importance_match = Importance::decode(importance->data(), r.shape.heads, r.shape.n_k) == r.golden.importance;
  r.bit_exact = r.mismatches == 0 && r.importance_match;
  bool counts = r.hw.allowed == r.golden.allowed && r.hw.final_kept == r.golden.final_kept;
  for (size_t k = 0; k < r.golden.rounds.size() && k < ENERGON_MAX_ROUNDS; ++k)
    counts = counts && r.hw.kept[k] == r.golden.rounds[k].kept;
  r.counts_match = counts;
  r.accuracy = meter.finish(out, job.quantized.v.scale, q.prune);
  result_.check_wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace energon::checks
