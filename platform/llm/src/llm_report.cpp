#include "energon/platform/llm/llm_report.h"
#include "energon/stats/provenance.h"

#include <stdexcept>
#include <string>

#include "energon/hw/attention_policy.h"
#include "energon/hw/energy_table.h"
#include "energon/platform/job_energy.h"
#include "energon/config/energy_yaml.h"

namespace energon::platform::llm {

using stats::Group;

namespace {

double ratio(double a, double b) { return b != 0 ? a / b : 0.0; }

const char* const kTrafficNames[] = {"descriptors_read", "q", "k_plane0", "k_plane1",       "k_plane2",
                                     "k_plane3",         "v", "scales",   "output_written", "descriptors_written"};
static_assert(sizeof(kTrafficNames) / sizeof(kTrafficNames[0]) == size_t(hw::Traffic::count), "traffic names");

std::string policy_text(const FilterConfig& f) {
  const hw::AttentionPolicy& policy = hw::policy_of(f.policy);
  const std::string parameters = policy.parameters(f);
  return policy.name() + (parameters.empty() ? "" : " " + parameters);
}

size_t steps_of(const FilterConfig& f) { return hw::policy_of(f.policy).selection_steps(f); }

/// The selection steps every layer shares; 0 when per-layer rounds differ in number.
size_t common_steps(const LayerFilters& f) {
  const size_t n = steps_of(f.base);
  for (const auto& l : f.layers)
    if (steps_of(l.second) != n) return 0;
  return n;
}

void set_kept(Group& g, size_t rounds, uint64_t allowed, uint64_t final_kept,
              const std::array<uint64_t, ENERGON_MAX_ROUNDS>& kept) {
  g.set("keys_allowed", allowed, "keys", "Keys allowed by the causal mask, over heads and queries");
  for (size_t r = 0; r < rounds && r < ENERGON_MAX_ROUNDS; ++r)
    g.set("kept_fraction_round" + std::to_string(r + 1), ratio(double(kept[r]), double(allowed)), "",
          "Keys kept after round " + std::to_string(r + 1) + " / allowed");
  g.set("kept_fraction", ratio(double(final_kept), double(allowed)), "", "Keys the attention engine used / allowed");
}

}  // namespace

std::vector<LayerFigures> layer_figures(const LlmRun& run, const PlatformConfig& hwc) {
  const auto& recs = run.app.records;
  if (recs.size() != run.jobs.size())
    throw std::runtime_error("report: " + std::to_string(recs.size()) + " descriptors submitted but the platform ran " +
                             std::to_string(run.jobs.size()) + " jobs");
  const hw::EnergyTable table = hw::load_energy_table();
  std::vector<LayerFigures> layers;
  const OffloadRecord* prev = nullptr;
  for (size_t i = 0; i < recs.size(); ++i) {
    const OffloadRecord& r = recs[i];
    const hw::JobRecord& j = run.jobs[i];
    if (j.desc.n_k != r.n_k || j.desc.n_q != r.n_q || j.desc.heads != r.heads)
      throw std::runtime_error("report: job " + std::to_string(i) + " does not match the descriptor submitted");
    if (layers.size() <= r.layer) layers.resize(r.layer + 1);
    LayerFigures& l = layers[r.layer];
    ++l.jobs;
    l.cycles += r.result.cycles;
    l.allowed += r.result.allowed;
    l.final_kept += r.result.final_kept;
    for (size_t k = 0; k < ENERGON_MAX_ROUNDS; ++k) l.kept[k] += r.result.kept[k];
    for (size_t c = 0; c < l.bytes.size(); ++c) l.bytes[c] += j.outcome.bytes[c];
    l.filter_bound += j.datapath.filter_bound_cycles;
    l.attention_bound += j.datapath.attention_bound_cycles;
    l.memory_bound += j.datapath.memory_bound_cycles;
    // Descriptors of one batch share the doorbell and the wait: count its latency once.
    const bool same_batch = prev && prev->layer == r.layer && prev->step == r.step && prev->submitted == r.submitted;
    if (!same_batch) l.latency_ns += (r.completed - r.submitted).to_seconds() * 1e9;
    if (r.kv_head != kAllKvHeads) {
      if (l.per_kv_head.size() <= r.kv_head) l.per_kv_head.resize(r.kv_head + 1);
      l.per_kv_head[r.kv_head].allowed += r.result.allowed;
      l.per_kv_head[r.kv_head].kept += r.result.final_kept;
    }
    l.energy_pj = (l.energy_pj < 0 ? 0 : l.energy_pj) + job_energy(table, hwc, j).total_pj();
    prev = &r;
  }
  return layers;
}

bool build_llm_report(Group& root, const LlmOptions& o, const PlatformConfig& hwc, const llama::LoadedModel& loaded,
                      const LlmRun& run) {
  const LlmAppResult& a = run.app;
  const FilterConfig filter = filter_of(o);
  const LayerFilters filters = filters_of(o);
  const std::string policy = o.rounds_file.empty()
                                 ? policy_text(filter)
                                 : policy_text(filter) + " (default of --rounds-file " + o.rounds_file + ")";
  const llama::ModelConfig& mc = loaded.model.config;

  Group& prov = root.group("provenance", "What produced this report");
  stats::add_provenance(prov, "energon-vp --model", o.command_line);
  prov.set("model", loaded.model.source, "", "Model file");
  prov.set("tokenizer", o.tokenizer, "", "");
  Group& ms = prov.group("model_shape", "");
  ms.set("dim", uint64_t(mc.dim), "", "");
  ms.set("layers", uint64_t(mc.n_layers), "", "");
  ms.set("heads", uint64_t(mc.n_heads), "", "");
  ms.set("kv_heads", uint64_t(mc.n_kv_heads), "", "");
  ms.set("head_dim", uint64_t(mc.head_dim()), "", "");
  ms.set("vocab", uint64_t(mc.vocab_size), "", "");
  ms.set("seq_len", uint64_t(mc.seq_len), "", "");
  Group& pr = prov.group("run", "");
  pr.set("policy", policy, "", "");
  if (!o.rounds_file.empty()) pr.set("rounds_file", o.rounds_file, "", "Per-layer rounds");
  pr.set("mode", to_string(o.mode), "", "");
  pr.set("timing", o.timing == PlatformTiming::lt ? "lt" : "at", "", "");
  pr.set("steps", uint64_t(o.steps), "", "");
  pr.set("temperature", double(o.temperature), "", "");
  pr.set("seed", o.seed, "", "Sampler seed");
  pr.set("eval_seed", o.eval_seed, "", "Evaluation-set seed");
  pr.set("context", uint64_t(o.context), "", "");
  Group& ph = prov.group("hardware", "As resolved (" + hwc.origin + ")");
  ph.set("name", hwc.name, "", "");
  ph.set("clock_mhz", hwc.accel.clock_mhz, "MHz", "");
  ph.set("fu_multipliers", uint64_t(hwc.accel.fu_multipliers), "", "");
  ph.set("au_qk_multipliers", uint64_t(hwc.accel.au_qk_multipliers), "", "");
  ph.set("sram_bytes", hwc.accel.sram_bytes, "bytes", "");
  ph.set("dram", hwc.dram.name, "", hwc.dram.source);

  Group& g_run = root.group("run", "What ran");
  g_run.set("model", loaded.model.source, "", "Model file");
  g_run.set("model_shape",
            "dim " + std::to_string(mc.dim) + ", " + std::to_string(mc.n_layers) + " layers, " +
                std::to_string(mc.n_heads) + " heads, " + std::to_string(mc.n_kv_heads) + " kv heads, head dim " +
                std::to_string(mc.head_dim()) + ", vocab " + std::to_string(mc.vocab_size),
            "", "");
  g_run.set("hw", hwc.name, "", "Hardware preset");
  g_run.set("policy", policy, "", "Filter configuration of every attention job (per layer: layers.layerN.policy)");
  g_run.set("mode", to_string(o.mode), "", "generation | whole | prefill (docs/real-model.md)");
  g_run.set("timing", o.timing == PlatformTiming::lt ? "lt" : "at", "", "Platform timing fidelity");
  if (o.generate) {
    g_run.set("temperature", double(o.temperature), "", "0 = greedy");
    g_run.set("seed", o.seed, "", "Sampler seed");
  }

  const std::vector<LayerFigures> layers = layer_figures(run, hwc);
  const double mhz = hwc.accel.clock_mhz;

  if (o.generate) {
    Group& t = root.group("text", "Generation");
    t.set("prompt", o.prompt, "", "");
    t.set("prompt_tokens", uint64_t(a.prompt.tokens), "tokens", "BOS included");
    t.set("generated_tokens", uint64_t(a.generated.size()), "tokens", "");
    t.set("stopped", a.stopped, "", "BOS/EOS ended the generation");
    t.set("output", a.text, "", "Prompt and generated text");
  }

  Group& tot = root.group("accelerator", "All attention jobs");
  uint64_t cycles = 0, allowed = 0, final_kept = 0, filter_bound = 0, attention_bound = 0, memory_bound = 0;
  std::array<uint64_t, ENERGON_MAX_ROUNDS> kept{};
  double energy_pj = 0;
  for (const LayerFigures& l : layers) {
    cycles += l.cycles;
    filter_bound += l.filter_bound;
    attention_bound += l.attention_bound;
    memory_bound += l.memory_bound;
    allowed += l.allowed;
    final_kept += l.final_kept;
    for (size_t k = 0; k < kept.size(); ++k) kept[k] += l.kept[k];
    energy_pj += l.energy_pj > 0 ? l.energy_pj : 0;
  }
  tot.set("jobs", uint64_t(a.records.size()), "", "Descriptors run");
  tot.set("batches", a.batches, "", "Doorbells (each followed by one interrupt wait)");
  tot.set("cycles", cycles, "cycles", "Sum of the descriptors' result-block cycles");
  tot.set("busy_us", double(cycles) / mhz, "us", "Accelerator time at the preset clock");
  tot.set("filter_bound_cycles", filter_bound, "cycles", "Job cycles the filter engine bounded");
  tot.set("attention_bound_cycles", attention_bound, "cycles", "Job cycles the attention engine bounded");
  tot.set("memory_bound_cycles", memory_bound, "cycles", "Job cycles DRAM bounded");
  set_kept(tot, common_steps(filters), allowed, final_kept, kept);
  {
    tot.set("energy_uj", energy_pj * 1e-6, "uJ", "modules/energy estimate, summed over jobs (docs/energy.md)");
    const uint64_t tokens = a.prompt.tokens + a.generated.size() + a.eval.tokens;
    tot.set("energy_per_token_nj", tokens ? energy_pj * 1e-3 / double(tokens) : 0.0, "nJ",
            "Attention energy per token position processed");
  }
  Group& tr = tot.group("dram_traffic", "Accelerator DRAM traffic (PERF_RD_* / PERF_WR_* counters)");
  const energon_counters_t& c = a.counters;
  const uint64_t counters[] = {c.rd_desc, c.rd_q, c.rd_k[0],  c.rd_k[1], c.rd_k[2],
                               c.rd_k[3], c.rd_v, c.rd_scale, c.wr_out,  c.wr_desc};
  uint64_t all = 0;
  for (size_t i = 0; i < size_t(hw::Traffic::count); ++i) {
    tr.set(kTrafficNames[i], counters[i], "bytes", "");
    all += counters[i];
  }
  tr.set("total", all, "bytes", "All classes");

  Group& gl = root.group("layers", "Per layer, summed over every step");
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerFigures& l = layers[i];
    Group& g = gl.group("layer" + std::to_string(i));
    g.set("jobs", l.jobs, "", "Descriptors");
    g.set("cycles", l.cycles, "cycles", "Result-block cycles");
    g.set("busy_us", double(l.cycles) / mhz, "us", "At the preset clock");
    g.set("latency_us", l.latency_ns / 1000.0, "us", "Host view: doorbell to interrupt handled");
    g.set("memory_bound_cycles", l.memory_bound, "cycles", "Job cycles DRAM bounded");
    uint64_t bytes = 0;
    for (size_t k = 0; k < l.bytes.size(); ++k) {
      if (l.bytes[k]) g.set(std::string("dram_") + kTrafficNames[k], l.bytes[k], "bytes", "Datapath traffic");
      bytes += l.bytes[k];
    }
    g.set("dram_total", bytes, "bytes", "Datapath DRAM traffic (descriptors excluded)");
    if (filters.per_layer())
      g.set("policy", policy_text(filters.at(uint32_t(i))), "", "This layer's filter configuration");
    set_kept(g, steps_of(filters.at(uint32_t(i))), l.allowed, l.final_kept, l.kept);
    for (size_t h = 0; h < l.per_kv_head.size(); ++h)
      g.set("kept_fraction_kv_head" + std::to_string(h), l.per_kv_head[h].fraction(), "",
            "Hardware result blocks of kv head " + std::to_string(h) + "'s descriptors (its query heads)");
    if (i < a.golden_per_head.size())
      for (size_t h = 0; h < a.golden_per_head[i].size(); ++h)
        g.set("kept_fraction_head" + std::to_string(h), a.golden_per_head[i][h].fraction(), "",
              "Query head " + std::to_string(h) + ", golden shadow's counts (equal to the hardware's when bit-exact)");
    if (l.energy_pj >= 0) g.set("energy_uj", l.energy_pj * 1e-6, "uJ", "modules/energy estimate");
  }

  Group& kv = root.group("kv_cache", "Resident K/V cache upkeep (generation steps)");
  kv.set("rows_appended", a.cache.rows_appended, "rows", "New (layer, kv head) rows quantized and written");
  kv.set("k_requantized", a.cache.k_requantized, "", "A new row raised a head's K max: head requantized and repacked");
  kv.set("v_requantized", a.cache.v_requantized, "", "Same for V");
  kv.set("rows_repacked", a.cache.rows_repacked, "rows", "Rows rewritten by requantization (K and V apart)");
  kv.set("append_bytes", a.cache.append_bytes, "bytes", "Written for new rows (K planes + V)");
  kv.set("repack_bytes", a.cache.repack_bytes, "bytes", "Rewritten by requantization");
  kv.set("truncations", a.cache.truncations, "", "Cache cut back for a new text");

  Group& tm = root.group("time", "Simulated time split and modelled throughput");
  const double sim_us = run.end.to_seconds() * 1e6;
  tm.set("simulated_us", sim_us, "us", "Whole run, bring-up included");
  tm.set("host_network_us", a.network_ns / 1000.0, "us", "Network host work (HostNetworkCost), attention excluded");
  tm.set("host_offload_us", a.offload_host_time.to_seconds() * 1e6, "us",
         "Quantize, pack, copy, descriptors, MMIO, interrupt entry (HostCpuCost)");
  tm.set("irq_wait_us", a.offload_wait_time.to_seconds() * 1e6, "us", "Host asleep waiting for the accelerator");
  tm.set("accelerator_busy_us", double(cycles) / mhz, "us", "Sum of job cycles at the preset clock");
  auto phase = [&](const char* name, const LlmPhase& p, const char* what) {
    if (p.forward_steps == 0 && p.tokens == 0) return;
    Group& g = tm.group(name, what);
    g.set("simulated_us", p.seconds() * 1e6, "us", "");
    g.set("tokens", p.tokens, "tokens", "");
    g.set("forward_steps", p.forward_steps, "", "");
    g.set("host_network_us", p.network_ns / 1000.0, "us", "");
    g.set("tokens_per_s", p.seconds() > 0 ? double(p.tokens) / p.seconds() : 0.0, "tokens/s", "Modelled");
  };
  phase("prompt", a.prompt, "Prompt positions");
  phase("generation", a.generation, "Generated tokens (sampling included)");
  phase("eval", a.eval, "Evaluation set positions");
  tm.set("wall_s", run.wall_s, "s", "Wall time of the simulation");
  tm.set("check_wall_s", a.check_wall_s, "s", "Of which golden shadow network and float reference");

  Group& ck = root.group("check", "Platform logits vs the golden backend's (same tokens, outside simulated time)");
  const bool checked = o.check && a.check.rows > 0;
  ck.set("bit_exact", checked ? (a.check.bit_exact() ? "yes" : "NO") : "skipped", "", "");
  ck.set("rows", a.check.rows, "", "Logit rows compared");
  ck.set("rows_differing", a.check.rows_differing, "", "");
  ck.set("max_abs_diff", a.check.max_abs_diff, "", "Largest logit difference");

  if (a.evaluated) {
    Group& q = root.group("quality", "Evaluation set: stories sampled from the float model (T = 1)");
    q.set("texts", uint64_t(o.eval_texts), "", "");
    q.set("length", uint64_t(o.eval_length), "tokens", "BOS included");
    q.set("first_seed", o.eval_seed, "", "");
    q.set("positions", a.quality.positions, "", "Next-token predictions compared");
    q.set("top1_agreement", a.quality.top1_agreement, "", "Platform argmax == float argmax");
    q.set("mean_kl", a.quality.mean_kl, "nats", "Mean KL(float ‖ platform)");
    q.set("perplexity", a.quality.perplexity, "", "Of the texts under the platform");
    q.set("float_perplexity", a.quality.float_perplexity, "", "Under the float path");
    q.set("max_logit_diff", a.eval_max_logit_diff, "", "Largest |platform − float| logit");
    q.set("min_float_margin", a.eval_min_float_margin, "", "Smallest float top-1 − top-2 logit gap");
    q.set("agreement_lower_bound", a.eval_agreement_bound, "",
          "Share of positions whose float margin exceeds 2 × max_logit_diff (their argmax cannot change)");
    if (o.check) {
      const bool same = a.quality.top1_agreement == a.golden_quality.top1_agreement &&
                        a.quality.mean_kl == a.golden_quality.mean_kl &&
                        a.quality.perplexity == a.golden_quality.perplexity;
      q.set("equal_to_golden_backend", same ? "yes" : "NO", "", "Same figures as energon-llm-eval's golden backend");
    }
  }
  return run.error.empty() && (!o.check || a.check.rows == 0 || a.check.bit_exact());
}

}  // namespace energon::platform::llm
