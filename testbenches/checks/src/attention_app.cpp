#include "energon/checks/attention_app.h"

#include <chrono>
#include <stdexcept>

#include "energon/platform/job_placement.h"

namespace energon::checks {

using platform::HostCpu;
using platform::place_job;
using platform::PlacedJob;
using platform::read_output;

bool AppResult::all_bit_exact() const {
  if (layers.empty()) return false;
  for (auto& l : layers)
    if (!l.checked || !l.bit_exact) return false;
  return true;
}

AttentionApp::AttentionApp(uint32_t n_layers, LayerSource source, const AppConfig& config)
    : n_layers_(n_layers), source_(std::move(source)), config_(config) {
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

  for (uint32_t first = 0; first < n_layers_; first += config_.queue_depth) {
    const uint32_t count = std::min(config_.queue_depth, n_layers_ - first);
    std::vector<FloatLayer> layers;
    std::vector<PlacedJob> jobs;
    std::vector<uint32_t> index;
    // Submit each layer as soon as it is placed: the host packs layer i+1 while the
    // accelerator runs layer i.
    for (uint32_t l = first; l < first + count; ++l) {
      layers.push_back(source_(l));
      jobs.push_back(place_job(cpu, layers.back(), config_.filter_at(l)));
      LayerResult r;
      r.layer = l;
      r.shape = layers.back().shape;
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
      if (config_.check) check_layer(layers[i], out, jobs[i].quantized.v.scale, r);
      if (config_.on_layer) config_.on_layer(first + i + 1);
    }
    cpu.release_to(mark);
  }
  result_.end = cpu.now();
  energon_read_counters(&dev, &result_.counters);
}

void AttentionApp::check_layer(const FloatLayer& layer, const std::vector<int16_t>& out,
                               const std::vector<float>& v_scale, LayerResult& r) {
  const auto t0 = std::chrono::steady_clock::now();
  const QuantizedLayer q = golden::quantize_layer(layer);
  golden::AccuracyMeter meter(layer);
  const std::vector<int16_t> gold = golden::run_attention(q, config_.filter_at(r.layer), &r.golden, &meter);
  r.checked = true;
  r.mismatches = 0;
  for (size_t i = 0; i < gold.size() && i < out.size(); ++i) r.mismatches += gold[i] != out[i];
  if (gold.size() != out.size())
    r.mismatches += gold.size() > out.size() ? gold.size() - out.size() : out.size() - gold.size();
  r.bit_exact = r.mismatches == 0;
  bool counts = r.hw.allowed == r.golden.allowed && r.hw.final_kept == r.golden.final_kept;
  for (size_t k = 0; k < r.golden.rounds.size() && k < ENERGON_MAX_ROUNDS; ++k)
    counts = counts && r.hw.kept[k] == r.golden.rounds[k].kept;
  r.counts_match = counts;
  r.accuracy = meter.finish(out, v_scale);
  result_.check_wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace energon::checks
