#include "vp_report.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "energon/fw/energon_fw.h"
#include "energon/hw/attention_policy.h"
#include "energon/hw/energy.h"
#include "energon/platform/job_energy.h"
#include "energon/stats/provenance.h"
#include "energon/config/energy_yaml.h"

namespace energon::vp {

using stats::Group;

namespace {

struct PassTotals {
  uint64_t job_cycles = 0, allowed = 0, final_kept = 0;
  std::array<uint64_t, ENERGON_MAX_ROUNDS> kept{};
  double latency_ns = 0, clock_mhz = 1000;
};

PassTotals totals(const PassResult& p, const platform::PlatformConfig& hw) {
  PassTotals t;
  for (auto& l : p.app.layers) {
    t.job_cycles += l.hw.cycles;
    t.allowed += l.hw.allowed;
    t.final_kept += l.hw.final_kept;
    for (unsigned r = 0; r < ENERGON_MAX_ROUNDS; ++r) t.kept[r] += l.hw.kept[r];
  }
  t.latency_ns = (p.app.end - p.app.start).to_seconds() * 1e9;
  t.clock_mhz = hw.accel.clock_mhz;
  return t;
}

double ratio(double a, double b) { return b != 0 ? a / b : 0.0; }

std::string shape_text(const AttentionShape& s) {
  return "heads " + std::to_string(s.heads) + ", kv_heads " + std::to_string(s.kv_heads) + ", n_q " +
         std::to_string(s.n_q) + ", n_k " + std::to_string(s.n_k) + ", d " + std::to_string(s.d) +
         (s.causal ? ", causal" : "") + (s.valid_len != s.n_k ? ", valid_len " + std::to_string(s.valid_len) : "");
}

std::string policy_text(const FilterConfig& f) {
  const hw::AttentionPolicy& policy = hw::policy_of(f.policy);
  const std::string parameters = policy.parameters(f);
  return policy.name() + (parameters.empty() ? "" : " " + parameters);
}

void add_latency(Group& g, const PassResult& p, const PassTotals& t, uint32_t layers) {
  g.set("accelerator_cycles", t.job_cycles, "cycles", "Sum of the jobs' cycles (descriptor result blocks)");
  g.set("accelerator_us", double(t.job_cycles) / t.clock_mhz, "us", "Accelerator time at the preset clock");
  g.set("cycles_per_layer", layers ? double(t.job_cycles) / layers : 0.0, "cycles",
        "Mean accelerator cycles per layer");
  g.set("platform_us", t.latency_ns / 1000.0, "us",
        "Simulated time from the first layer's packing to the last interrupt (host work included)");
  g.set("host_compute_us", p.host.compute_time.to_seconds() * 1e6, "us",
        "Host time charged for quantizing, packing, copying and MMIO (cumulative)");
}

void add_cycles(Group& g, const PassResult& p, const PassTotals& t) {
  const energon_counters_t& c = p.app.counters;
  const std::pair<const char*, uint64_t> blocks[] = {{"controller", c.busy_ctrl},
                                                     {"fetch", c.busy_fetch},
                                                     {"filter_engine", c.busy_filter},
                                                     {"selector", c.busy_select},
                                                     {"attention_engine", c.busy_attn}};
  for (auto& [name, busy] : blocks) {
    Group& b = g.group(name);
    b.set("busy_cycles", busy, "cycles", "PERF_BUSY_* counter");
    b.set("utilization", ratio(double(busy), double(t.job_cycles)), "", "Busy cycles / accelerator cycles");
  }
  // The blocks' own statistics (each block names and describes them), over the pass's jobs.
  hw::DatapathStats sum;
  for (auto& j : p.jobs) sum += j.datapath;
  sum.describe(g.group("datapath", "The datapath blocks' statistics, summed over the pass's jobs"));
}

void add_traffic(Group& g, const PassResult& p, uint32_t layers) {
  const energon_counters_t& c = p.app.counters;
  const std::pair<const char*, uint64_t> classes[] = {{"descriptors_read", c.rd_desc},
                                                      {"q", c.rd_q},
                                                      {"k_plane0", c.rd_k[0]},
                                                      {"k_plane1", c.rd_k[1]},
                                                      {"k_plane2", c.rd_k[2]},
                                                      {"k_plane3", c.rd_k[3]},
                                                      {"v", c.rd_v},
                                                      {"scales", c.rd_scale},
                                                      {"output_written", c.wr_out},
                                                      {"descriptors_written", c.wr_desc}};
  uint64_t total = 0;
  for (auto& [name, bytes] : classes) {
    g.set(name, bytes, "bytes", "PERF_RD_* / PERF_WR_* counter");
    total += bytes;
  }
  g.set("total", total, "bytes", "Accelerator DRAM traffic, all classes");
  g.set("per_layer", layers ? double(total) / layers : 0.0, "bytes", "Mean accelerator DRAM traffic per layer");
  Group& d = g.group("dram_model", "DRAM model statistics of the pass (host DMI copies bypass the model in lt mode)");
  d.set("bytes_read", p.dram.bytes_read(), "bytes", "");
  d.set("bytes_written", p.dram.bytes_written(), "bytes", "");
  d.set("row_hits", p.dram.row_hits(), "", "Bursts to an open row");
  d.set("row_misses", p.dram.row_misses(), "", "Bursts needing an activate");
  d.set("row_hit_rate", p.dram.row_hit_rate(), "", "");
  d.set("achieved_bandwidth", p.dram.achieved_bandwidth_gbps(), "GB/s", "Bytes / active time");
  d.set("peak_bandwidth", p.dram.peak_bandwidth_gbps(), "GB/s", "Channels × bus × data rate");
}

size_t steps_of(const FilterConfig& f) { return hw::policy_of(f.policy).selection_steps(f); }

/// Kept fractions per layer under per-layer rules (--rounds-file).
void add_layer_filtering(Group& g, const PassResult& p) {
  for (const checks::LayerResult& l : p.app.layers) {
    Group& gl = g.group("layer" + std::to_string(l.layer));
    const FilterConfig& f = p.filters.at(l.layer);
    gl.set("policy", policy_text(f), "", "This layer's rules");
    for (size_t r = 0; r < steps_of(f) && r < ENERGON_MAX_ROUNDS; ++r)
      gl.set("kept_fraction_round" + std::to_string(r + 1), ratio(double(l.hw.kept[r]), double(l.hw.allowed)), "",
             "Keys kept after round " + std::to_string(r + 1) + " / allowed");
    gl.set("kept_fraction", ratio(double(l.hw.final_kept), double(l.hw.allowed)), "",
           "Keys the attention engine used / allowed");
  }
}

/// Keys the masks allow in every layer run, before any token or head pruning.
uint64_t unpruned_allowed(const PassResult& p) {
  uint64_t n = 0;
  for (const checks::LayerResult& l : p.app.layers)
    for (uint32_t i = 0; i < l.shape.n_q; ++i) n += uint64_t(l.shape.heads) * l.shape.allowed_end(i);
  return n;
}

/// Cascade token and head pruning (--token-keep / --head-keep): what each layer's mask left.
void add_pruning(Group& g, const PassResult& p, const PassTotals& t) {
  if (p.app.layers.empty() || p.app.layers.front().tokens_kept == 0) return;
  std::string tokens, heads;
  double token_sum = 0, head_sum = 0;
  for (const checks::LayerResult& l : p.app.layers) {
    tokens += (tokens.empty() ? "" : ",") + std::to_string(l.tokens_kept);
    heads += (heads.empty() ? "" : ",") + std::to_string(l.heads_kept);
    token_sum += ratio(double(l.tokens_kept), double(l.shape.n_k));
    head_sum += ratio(double(l.heads_kept), double(l.shape.heads));
  }
  const double n = double(p.app.layers.size());
  g.set("tokens_kept_per_layer", tokens, "", "Tokens left by each layer's prune mask (cascade pruning)");
  g.set("heads_kept_per_layer", heads, "", "Heads left by each layer's prune mask");
  g.set("token_keep_mean", token_sum / n, "", "Tokens kept / tokens, mean over layers");
  g.set("head_keep_mean", head_sum / n, "", "Heads kept / heads, mean over layers");
  g.set("unpruned_allowed", unpruned_allowed(p), "keys", "Keys the masks allow without pruning");
  g.set("kept_fraction_of_unpruned", ratio(double(t.final_kept), double(unpruned_allowed(p))), "",
        "Keys the attention engine used / keys allowed without pruning");
}

void add_filtering(Group& g, const PassResult& p, const PassTotals& t) {
  g.set("keys_allowed", t.allowed, "keys", "Keys allowed by the masks, all heads and queries");
  // Per-layer rules with different round counts: only the final fraction sums meaningfully.
  size_t rounds = steps_of(p.filter);
  for (const auto& l : p.filters.layers)
    if (steps_of(l.second) != rounds) rounds = 0;
  for (size_t r = 0; r < rounds && r < ENERGON_MAX_ROUNDS; ++r)
    g.set("kept_fraction_round" + std::to_string(r + 1), ratio(double(t.kept[r]), double(t.allowed)), "",
          "Keys kept after round " + std::to_string(r + 1) + " / allowed");
  g.set("kept_fraction", ratio(double(t.final_kept), double(t.allowed)), "",
        "Keys the attention engine used / allowed");
  g.set("pruning_ratio", ratio(double(t.allowed), double(t.final_kept)), "x", "Allowed / kept");
  // Progressive quantization (spatten): rows scored on the MSB planes, and those recomputed.
  uint64_t pq_rows = 0, pq_recomputed = 0;
  for (const hw::JobRecord& j : p.jobs) pq_rows += j.datapath.pq_rows, pq_recomputed += j.datapath.pq_recomputed_rows;
  if (pq_rows > 0) {
    g.set("pq_rows", pq_rows, "rows", "Rows scored on K's MSB planes first (spatten)");
    g.set("rows_recomputed", pq_recomputed, "rows", "Rows recomputed with their LSB planes (p_max < threshold)");
    g.set("recomputed_fraction", ratio(double(pq_recomputed), double(pq_rows)), "", "Rows recomputed / rows");
  }
  if (p.filters.per_layer()) add_layer_filtering(g.group("layers", "Per layer (--rounds-file)"), p);
  add_pruning(g, p, t);
}

void add_accuracy(Group& g, const PassResult& p) {
  double l2 = 0, cos = 0, recall = 0, max_abs = 0;
  size_t n = 0;
  for (auto& l : p.app.layers) {
    if (!l.checked) continue;
    l2 += l.accuracy.total.rel_l2_error;
    cos += l.accuracy.total.cosine;
    recall += l.accuracy.total.mass_recall;
    max_abs = std::max(max_abs, l.accuracy.total.max_abs_error);
    ++n;
  }
  if (n == 0) {
    g.set("available", false, "", "Accuracy needs --check");
    return;
  }
  g.set("rel_l2_error", l2 / double(n), "", "‖out − ref‖₂ / ‖ref‖₂ vs float64 attention, mean over layers");
  g.set("cosine", cos / double(n), "", "Cosine similarity with the reference, mean over layers");
  g.set("max_abs_error", max_abs, "", "Largest |out − ref| over all layers, real units");
  g.set("mass_recall", recall / double(n), "", "Reference softmax mass on kept keys, mean over rows and layers");
}

// Energy per block, summed over the pass's jobs (modules/energy, docs/energy.md).
void add_energy(Group& g, const PassResult& p, const platform::PlatformConfig& hw, const hw::EnergyTable& table,
                uint32_t layers) {
  hw::EnergyBreakdown sum;
  try {
    for (auto& j : p.jobs)
      if (j.outcome.error == ENERGON_ERR_NONE) sum += platform::job_energy(table, hw, j);
  } catch (const std::exception& e) {
    g.set("error", std::string(e.what()), "", "Energy could not be estimated");
    return;
  }
  const std::pair<const char*, double> blocks[] = {{"filter_engine", sum.filter_pj},
                                                   {"selector", sum.selector_pj},
                                                   {"candidate_search", sum.candidate_search_pj},
                                                   {"attention_engine", sum.attention_pj},
                                                   {"softmax", sum.softmax_pj},
                                                   {"sram", sum.sram_pj},
                                                   {"dram", sum.dram_pj},
                                                   {"static", sum.static_pj}};
  for (auto& [name, pj] : blocks) g.set(name, pj * 1e-6, "uJ", "");
  g.set("total", sum.total_pj() * 1e-6, "uJ", "All blocks, table " + table.origin);
  g.set("per_layer", layers ? sum.total_pj() * 1e-6 / layers : 0.0, "uJ", "Mean energy per layer");
}

// Effective throughput and average power over the accelerator's time (docs/results.md
// "Calibration against the paper"): dense-equivalent ops are those dense attention would do on
// the same rows (a MAC = 2 ops, Q·K and ×V over every allowed key), whatever the policy skipped.
void add_throughput(Group& g, const PassResult& p, const PassTotals& t, const hw::AccelConfig& accel, uint32_t d,
                    const Group& energy) {
  const double seconds = double(t.job_cycles) / (t.clock_mhz * 1e6);
  const double ops = 4.0 * double(unpruned_allowed(p)) * d;  // pruned keys count as skipped work
  g.set("peak_gops", double(accel.peak_ops_per_cycle()) * accel.clock_mhz * 1e-3, "GOPS",
        "2 · (FU + AU multipliers) · clock: every multiplier busy (compare the paper's ~1153 GOPS)");
  g.set("dense_equivalent_ops", ops, "ops",
        "2 · (Q·K + ×V) MACs of dense attention on the keys the masks allow (before pruning)");
  g.set("effective_gops", seconds > 0 ? ops / seconds * 1e-9 : 0.0, "GOPS", "Dense-equivalent ops / accelerator time");
  hw::DatapathStats sum;
  for (auto& j : p.jobs) sum += j.datapath;
  const double executed = 2.0 * double(sum.filter.low_bit_macs + sum.attention.qk_macs + sum.attention.v_macs);
  g.set("executed_gops", seconds > 0 ? executed / seconds * 1e-9 : 0.0, "GOPS",
        "Ops the blocks executed (2 · low-bit, Q·K and ×V MACs) / accelerator time");
  const stats::Stat* total = energy.find("total");
  const stats::Stat* dram = energy.find("dram");
  if (!total || !dram || seconds <= 0) return;
  const double core_uj = stats::as_double(total->value) - stats::as_double(dram->value);
  g.set("core_power_w", core_uj * 1e-6 / seconds, "W", "Energy without DRAM / accelerator time (paper: 0.32 W)");
  g.set("power_w", stats::as_double(total->value) * 1e-6 / seconds, "W",
        "All energy, DRAM included / accelerator time");
  g.set("core_pj_per_op", ops > 0 ? core_uj * 1e6 / ops : 0.0, "pJ", "Core energy per dense-equivalent op");
}

bool add_check(Group& g, const PassResult& p) {
  size_t checked = 0, exact = 0, counts = 0, mismatches = 0, errors = 0;
  for (auto& l : p.app.layers) {
    errors += !l.hw.done || l.hw.error != ENERGON_ERR_NONE;
    if (!l.checked) continue;
    ++checked;
    exact += l.bit_exact;
    counts += l.counts_match;
    mismatches += l.mismatches;
  }
  const bool ran = p.app.status == ENERGON_FW_OK && errors == 0;
  const bool pass = ran && checked == p.app.layers.size() && exact == checked && counts == checked && checked > 0;
  g.set("bit_exact", checked == 0 ? std::string(ran ? "NOT CHECKED" : "FAIL") : std::string(pass ? "PASS" : "FAIL"), "",
        "Output and kept-key counts equal the golden model on every layer");
  g.set("layers_checked", uint64_t(checked), "", "");
  g.set("layers_bit_exact", uint64_t(exact), "", "");
  g.set("layers_counts_match", uint64_t(counts), "", "Allowed / per-round kept / final counts equal golden's");
  g.set("mismatched_elements", uint64_t(mismatches), "", "Output elements differing from the golden model");
  g.set("job_errors", uint64_t(errors), "", "Jobs that ended with a hardware error");
  if (!p.app.error.empty()) g.set("error", p.app.error, "", "First driver failure");
  return ran && (checked == 0 || pass);
}

void add_provenance(Group& g, const VpOptions& o, const platform::PlatformConfig& hw, const workload::Workload& w,
                    uint32_t layers) {
  stats::add_provenance(g, "energon-vp", o.command_line);
  Group& s = g.group("shape", "Per layer");
  s.set("heads", uint64_t(w.shape.heads), "", "");
  s.set("kv_heads", uint64_t(w.shape.kv_heads), "", "");
  s.set("n_q", uint64_t(w.shape.n_q), "", "");
  s.set("n_k", uint64_t(w.shape.n_k), "", "");
  s.set("d", uint64_t(w.shape.d), "", "");
  s.set("causal", w.shape.causal, "", "");
  s.set("valid_len", uint64_t(w.shape.valid_len), "", "");
  Group& wl = g.group("workload", "");
  wl.set("name", w.name, "", w.description);
  wl.set("source", std::string(workload::to_string(w.source)), "", "synthetic generator or .npy files");
  wl.set("seed", uint64_t(w.synthetic.seed), "", "Synthetic generator seed");
  wl.set("layers_run", uint64_t(layers), "", "");
  Group& r = g.group("run", "");
  r.set("policy", std::string(to_string(o.policy)), "", "--policy");
  r.set("rounds", o.rounds.empty() ? std::string("default") : o.rounds, "", "--rounds");
  if (!o.rounds_file.empty())
    r.set("rounds_file", o.rounds_file, "", "--rounds-file: per-layer rules of the requested pass");
  r.set("timing", std::string(o.timing == platform::PlatformTiming::lt ? "lt" : "at"), "", "");
  r.set("queue_depth", uint64_t(o.queue_depth), "", "");
  r.set("compare", o.compare, "", "");
  Group& a = g.group("accelerator", "AccelConfig as resolved (" + hw.origin + ")");
  const hw::AccelConfig& c = hw.accel;
  a.set("clock_mhz", c.clock_mhz, "MHz", "");
  for (auto [name, v] : std::initializer_list<std::pair<const char*, uint64_t>>{
           {"reg_access_cycles", c.reg_access_cycles},
           {"check_cycles", c.check_cycles},
           {"max_burst_bytes", c.max_burst_bytes},
           {"max_outstanding", c.max_outstanding},
           {"fu_multipliers", c.fu_multipliers},
           {"fu_lanes", c.fu_lanes},
           {"fu_latency", c.fu_latency},
           {"au_qk_multipliers", c.au_qk_multipliers},
           {"au_v_multipliers", c.au_v_multipliers},
           {"au_latency", c.au_latency},
           {"softmax_lanes", c.softmax_lanes},
           {"softmax_latency", c.softmax_latency},
           {"au_score_buffer_keys", c.au_score_buffer_keys},
           {"au_query_tile", c.au_query_tile},
           {"selector_elems_per_cycle", c.selector_elems_per_cycle},
           {"selector_latency", c.selector_latency},
           {"search_sort_elems_per_cycle", c.search_sort_elems_per_cycle},
           {"search_latency", c.search_latency},
           {"fifo_depth", c.fifo_depth},
           {"q_tile_rows", c.q_tile_rows},
           {"sram_bytes", c.sram_bytes},
           {"sram_bytes_per_cycle", c.sram_bytes_per_cycle},
           {"sram_banks", c.sram_banks},
           {"lt_quantum_cycles", c.lt_quantum_cycles}})
    a.set(name, v, "", "");
  Group& d = g.group("dram", "DramConfig as resolved (" + hw.dram.origin + ")");
  d.set("name", hw.dram.name, "", hw.dram.source);
  d.set("size_bytes", hw.dram.size_bytes, "bytes", "");
  d.set("channels", uint64_t(hw.dram.channels), "", "");
  d.set("banks_per_rank", uint64_t(hw.dram.banks_per_rank()), "", "");
  d.set("bus_width_bits", uint64_t(hw.dram.bus_width_bits), "bits", "");
  d.set("tck_ps", hw.dram.tck_ps, "ps", "");
  d.set("peak_bandwidth", hw.dram.peak_bandwidth_gbps(), "GB/s", "");
  d.set("refresh", hw.dram.refresh_enabled, "", "");
  Group& h = g.group("host", "Host CPU cost model");
  h.set("reg_access_ns", hw.host_cost.reg_access_ns, "ns", "");
  h.set("quantize_ns_per_elem", hw.host_cost.quantize_ns_per_elem, "ns", "");
  h.set("pack_ns_per_byte", hw.host_cost.pack_ns_per_byte, "ns", "");
  h.set("copy_ns_per_byte", hw.host_cost.copy_ns_per_byte, "ns", "");
  h.set("desc_build_ns", hw.host_cost.desc_build_ns, "ns", "");
  h.set("irq_entry_ns", hw.host_cost.irq_entry_ns, "ns", "");
  h.set("rank_ns_per_elem", hw.host_cost.rank_ns_per_elem, "ns", "");
  g.set("energy_table", std::string("energon-45nm"), "", "Energy table (<data root>/energy)");
}

}  // namespace

bool build_report(Group& root, const VpOptions& o, const platform::PlatformConfig& hw, const workload::Workload& w,
                  uint32_t layers, const RunResult& run) {
  Group& cfg = root.group("run", "What ran");
  cfg.set("hardware", hw.name, "", hw.description);
  cfg.set("dram", hw.dram.name, "", "DRAM preset");
  cfg.set("workload", w.name, "", w.description);
  cfg.set("shape", shape_text(w.shape), "", "Per layer");
  cfg.set("layers", uint64_t(layers), "", "Layers run (of " + std::to_string(w.layers) + ")");
  cfg.set("timing", std::string(o.timing == platform::PlatformTiming::lt ? "lt" : "at"), "", "Timing fidelity");
  cfg.set("wall_time", run.wall_s, "s", "Wall time of the simulation");
  cfg.set("wall_time_without_checks", run.wall_s - run.check_wall_s, "s", "Wall time minus golden checks");
  if (!run.error.empty()) cfg.set("error", run.error, "", "The host program stopped");
  add_provenance(root.group("provenance", "What produced this report: tool, build, command, configuration"), o, hw, w,
                 layers);

  bool ok = run.error.empty() && !run.passes.empty();
  std::optional<hw::EnergyTable> energy_table;
  std::string energy_error;
  try {
    energy_table = hw::load_energy_table();
  } catch (const std::exception& e) {
    energy_error = e.what();
  }
  for (size_t i = 0; i < run.passes.size(); ++i) {
    const PassResult& p = run.passes[i];
    const PassTotals t = totals(p, hw);
    Group& g = root.group(to_string(p.filter.policy), i == 0 ? "Requested policy" : "Comparison run (--compare)");
    g.set("policy", policy_text(p.filter), "", "Policy and its rules");
    ok = add_check(g.group("check", "Against the golden model"), p) && ok;
    add_latency(g.group("latency"), p, t, layers);
    add_cycles(g.group("cycles", "Busy cycles per block and utilization"), p, t);
    add_traffic(g.group("dram_traffic", "Accelerator DRAM traffic per class"), p, layers);
    add_filtering(g.group("filtering", "Kept keys"), p, t);
    add_accuracy(g.group("accuracy", "Against the float64 reference (spec §1.4)"), p);
    Group& e = g.group("energy", "Energy per block (activity × sourced 45 nm table, docs/energy.md)");
    if (energy_table)
      add_energy(e, p, hw, *energy_table, layers);
    else
      e.set("error", energy_error, "", "Energy table could not be loaded");
    add_throughput(g.group("throughput", "Effective throughput and average power over the accelerator time"), p, t,
                   hw.accel, w.shape.d, e);
  }
  if (!run.passes.empty()) {
    const platform::HostCpuStats& h = run.passes.back().host;
    Group& g = root.group("host", "Host CPU over the whole run (all passes)");
    g.set("register_reads", h.reg_reads, "", "MMIO reads by the driver");
    g.set("register_writes", h.reg_writes, "", "MMIO writes by the driver");
    g.set("bytes_to_dram", h.bytes_to_dram, "bytes", "Tensors and descriptors copied into shared DRAM");
    g.set("bytes_from_dram", h.bytes_from_dram, "bytes", "Outputs and result blocks read back");
    g.set("dmi_copies", h.dmi_copies, "", "Copies through DMI");
    g.set("bus_copies", h.bus_copies, "", "Copies through b_transport");
    g.set("interrupt_waits", h.irq_waits, "", "Sleeps in wait_for_interrupt");
    g.set("compute_us", h.compute_time.to_seconds() * 1e6, "us", "Host work charged by the cost model");
    g.set("asleep_us", h.wait_time.to_seconds() * 1e6, "us", "Time asleep waiting for the interrupt");
  }
  if (run.passes.size() > 1) {
    Group& s = root.group("speedup", "Accelerator cycles of each policy / cycles of " +
                                         std::string(to_string(run.passes[0].filter.policy)));
    const double base = double(totals(run.passes[0], hw).job_cycles);
    for (size_t i = 1; i < run.passes.size(); ++i)
      s.set(std::string("over_") + to_string(run.passes[i].filter.policy),
            ratio(double(totals(run.passes[i], hw).job_cycles), base), "x",
            std::string(to_string(run.passes[0].filter.policy)) + " speed-up over " +
                to_string(run.passes[i].filter.policy) + " on the same preset and data");
    const stats::Stat* base_e = root.find(std::string(to_string(run.passes[0].filter.policy)) + ".energy.total");
    for (size_t i = 1; i < run.passes.size() && base_e; ++i) {
      const stats::Stat* e = root.find(std::string(to_string(run.passes[i].filter.policy)) + ".energy.total");
      if (e)
        s.set(std::string("energy_saving_over_") + to_string(run.passes[i].filter.policy),
              ratio(stats::as_double(e->value), stats::as_double(base_e->value)), "x",
              std::string("Energy of ") + to_string(run.passes[i].filter.policy) + " / energy of " +
                  to_string(run.passes[0].filter.policy));
    }
  }
  return ok;
}

}  // namespace energon::vp
