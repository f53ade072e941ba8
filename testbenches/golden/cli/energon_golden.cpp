// energon-golden: runs a workload through the golden model under one policy and reports
// kept fractions per round, accuracy against the float64 reference and wall time.
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "energon/stats/options.h"
#include "energon/stats/progress.h"
#include "energon/stats/provenance.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "energon/filter_spec.h"
#include "energon/golden/accuracy.h"
#include "energon/golden/policy_model.h"
#include "energon/hw/attention_policy.h"
#include "energon/workload/workload.h"

namespace po = boost::program_options;
using namespace energon;
using nlohmann::json;

namespace {

struct Options {
  std::string workload = "bert-base-512";
  std::string policy = "mpmrf";
  std::string rounds;
  std::string topk = "top=25%";
  std::string a3_iterations, a3_threshold;
  uint32_t layers = 0;
  uint32_t seq_len = 0;
  std::string json_path;
  bool quiet = false;
};

/// False when the program should exit now with `exit_code` (help or a bad option).
bool parse_options(int argc, char** argv, Options& o, int& exit_code) {
  po::options_description desc("energon-golden: the golden model of Energon attention on a workload");
  desc.add_options()("help,h", "show this help")("workload,w", po::value(&o.workload)->default_value(o.workload),
                                                 "built-in workload name or YAML path")(
      "policy,p", po::value(&o.policy)->default_value(o.policy), policy_names().c_str())(
      "rounds,r", po::value(&o.rounds), "mpmrf rounds, e.g. 4x2:alpha=0,4x4:alpha=0.5 (default: Energon's)")(
      "topk", po::value(&o.topk)->default_value(o.topk), "topk policy rule: top=<k> or top=<p>%")(
      "a3-iterations", po::value(&o.a3_iterations), "a3 policy: search iterations per allowed key, (0, 1] (0.5)")(
      "a3-threshold", po::value(&o.a3_threshold), "a3 policy: post-scoring threshold in nats, [0, 255] (8)")(
      "layers,l", po::value(&o.layers)->default_value(0), "run the first N layers (0: all)")(
      "seq-len,n", po::value(&o.seq_len)->default_value(0), "override the sequence length (synthetic only)")(
      "json,j", po::value(&o.json_path), "also write the report as JSON to this file")(
      "quiet,q", po::bool_switch(&o.quiet), "print only the total line");
  po::variables_map vm;
  if (const std::string e = stats::negative_count(argc, argv, {"--layers", "-l", "--seq-len", "-n"}); !e.empty()) {
    std::cerr << "energon-golden: " << e << "\n";
    exit_code = 2;
    return false;
  }
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "energon-golden: " << e.what() << "\n" << desc << "\n";
    exit_code = 2;
    return false;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    exit_code = 0;
    return false;
  }
  return true;
}

FilterConfig make_filter(const Options& o) {
  Policy p;
  if (!parse_policy(o.policy, p))
    throw std::invalid_argument("--policy '" + o.policy + "': expected " + policy_names());
  hw::PolicyOptions po;
  po.rounds = o.rounds;
  po.topk = o.topk;
  if ((!o.a3_iterations.empty() || !o.a3_threshold.empty()) && p != Policy::a3)
    throw std::invalid_argument("--a3-iterations and --a3-threshold apply to --policy a3 only");
  po.a3_iterations = o.a3_iterations;
  po.a3_threshold = o.a3_threshold;
  FilterConfig f = hw::policy_of(p).configure(po);
  if (const std::string e = golden::validate_filter(f); !e.empty()) throw std::invalid_argument(e);
  return f;
}

json fidelity_json(const golden::Fidelity& f) {
  return {{"max_abs_error", f.max_abs_error},
          {"rel_l2_error", f.rel_l2_error},
          {"cosine", f.cosine},
          {"mass_recall", f.mass_recall}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  int code = 0;
  if (!parse_options(argc, argv, o, code)) return code;
  // Bad input (the filter options, the workload, the layer count) exits 2; a failing run exits 1.
  FilterConfig filter;
  workload::Workload w;
  try {
    filter = make_filter(o);
    w = workload::load_workload(o.workload);
    if (o.seq_len) w = workload::with_seq_len(w, o.seq_len);
    if (o.layers > w.layers)
      throw std::invalid_argument("--layers " + std::to_string(o.layers) + ": workload " + w.name + " has " +
                                  std::to_string(w.layers) + " layers (expected 0 = all, or 1.." +
                                  std::to_string(w.layers) + ")");
  } catch (const std::exception& e) {
    std::cerr << "energon-golden: " << e.what() << "\n";
    return 2;
  }
  try {
    const uint32_t layers = o.layers ? o.layers : w.layers;
    const AttentionShape& s = w.shape;
    const size_t n_rounds = golden::policy_model(filter.policy).schedule(filter).selection_steps();
    const hw::AttentionPolicy& policy = hw::policy_of(filter.policy);
    const std::string parameters = policy.parameters(filter);

    if (!o.quiet) {
      std::printf("energon-golden  workload %s: %u of %u layers, heads %u, kv_heads %u, n_q %u, n_k %u, d %u%s\n",
                  w.name.c_str(), layers, w.layers, s.heads, s.kv_heads, s.n_q, s.n_k, s.d, s.causal ? ", causal" : "");
      const std::string shown =
          parameters.empty() ? "" : "  " + std::string(policy.parameters_key()) + " " + parameters;
      std::printf("                policy %s%s\n\n", policy.name(), shown.c_str());
      std::printf("layer");
      for (size_t r = 0; r < n_rounds; ++r) std::printf("  kept r%zu", r + 1);
      std::printf("   final  rel-L2 err  cosine    mass recall  max|err|   golden ms  ref ms\n");
    }

    json report = {{"tool", "energon-golden"},
                   {"provenance", stats::provenance_json("energon-golden", stats::command_line(argc, argv))},
                   {"seed", w.synthetic.seed},
                   {"workload", w.name},
                   {"policy", to_string(filter.policy)},
                   {"shape",
                    {{"heads", s.heads},
                     {"kv_heads", s.kv_heads},
                     {"n_q", s.n_q},
                     {"n_k", s.n_k},
                     {"d", s.d},
                     {"causal", s.causal},
                     {"valid_len", s.valid_len}}},
                   {"layers", json::array()}};
    if (!parameters.empty()) report[policy.parameters_key()] = parameters;

    golden::GoldenStats total;
    total.rounds.assign(n_rounds, {});
    double sum_err2 = 0, recall_sum = 0, max_abs = 0, golden_ms = 0, ref_ms = 0, cos_min = 1;
    stats::Progress progress("energon-golden " + w.name, layers, !o.quiet);
    for (uint32_t l = 0; l < layers; ++l) {
      progress.update(l, -1.0);
      const FloatLayer layer = workload::make_layer(w, l);
      const auto t0 = std::chrono::steady_clock::now();
      const QuantizedLayer q = golden::quantize_layer(layer);
      golden::GoldenStats st;
      const std::vector<int16_t> out = golden::run_attention(q, filter, &st);
      const auto t1 = std::chrono::steady_clock::now();
      // Accuracy needs the kept sets: a second, observed run (not timed as the golden model).
      golden::AccuracyMeter meter(layer);
      golden::run_attention(q, filter, nullptr, &meter);
      const golden::Accuracy acc = meter.finish(out, q.v.scale);
      const auto t2 = std::chrono::steady_clock::now();
      const double g_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
      const double r_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
      golden_ms += g_ms, ref_ms += r_ms;

      json lj = {{"layer", l},
                 {"allowed", st.allowed},
                 {"final_kept", st.final_kept},
                 {"kept_fraction", st.kept_fraction()},
                 {"accuracy", fidelity_json(acc.total)},
                 {"per_head", json::array()},
                 {"golden_ms", g_ms},
                 {"reference_ms", r_ms},
                 {"rounds", json::array()}};
      for (const auto& h : acc.per_head) lj["per_head"].push_back(fidelity_json(h));
      total.allowed += st.allowed, total.final_kept += st.final_kept;
      if (!o.quiet) std::printf("%5u", l);
      for (size_t r = 0; r < n_rounds; ++r) {
        total.rounds[r].candidates += st.rounds[r].candidates, total.rounds[r].kept += st.rounds[r].kept;
        const double frac = st.allowed ? double(st.rounds[r].kept) / double(st.allowed) : 0.0;
        lj["rounds"].push_back(
            {{"candidates", st.rounds[r].candidates}, {"kept", st.rounds[r].kept}, {"kept_fraction", frac}});
        if (!o.quiet) std::printf("  %7.4f", frac);
      }
      if (!o.quiet)
        std::printf("  %7.4f  %10.3e  %8.6f  %11.5f  %9.3e  %9.1f  %6.1f\n", st.kept_fraction(), acc.total.rel_l2_error,
                    acc.total.cosine, acc.total.mass_recall, acc.total.max_abs_error, g_ms, r_ms);
      report["layers"].push_back(lj);
      sum_err2 += acc.total.rel_l2_error * acc.total.rel_l2_error;  // totals: RMS over layers
      recall_sum += acc.total.mass_recall;
      max_abs = std::max(max_abs, acc.total.max_abs_error);
      cos_min = std::min(cos_min, acc.total.cosine);
    }
    progress.update(layers, -1.0);
    progress.finish();
    const double rel_l2 = std::sqrt(sum_err2 / layers), recall = recall_sum / layers;
    json tj = {{"allowed", total.allowed},   {"final_kept", total.final_kept}, {"kept_fraction", total.kept_fraction()},
               {"rel_l2_error_rms", rel_l2}, {"min_cosine", cos_min},          {"mass_recall", recall},
               {"max_abs_error", max_abs},   {"golden_ms", golden_ms},         {"reference_ms", ref_ms},
               {"rounds", json::array()}};
    std::printf("total");
    for (size_t r = 0; r < n_rounds; ++r) {
      const double frac = total.allowed ? double(total.rounds[r].kept) / double(total.allowed) : 0.0;
      tj["rounds"].push_back({{"kept", total.rounds[r].kept}, {"kept_fraction", frac}});
      std::printf("  %7.4f", frac);
    }
    std::printf("  %7.4f  %10.3e  %8.6f  %11.5f  %9.3e  %9.1f  %6.1f\n", total.kept_fraction(), rel_l2, cos_min, recall,
                max_abs, golden_ms, ref_ms);
    if (!o.quiet)
      std::printf(
          "\nkept fraction %.4f of allowed keys (pruning %.1fx), attention-mass recall %.4f, golden model %.1f ms\n",
          total.kept_fraction(), total.final_kept ? double(total.allowed) / double(total.final_kept) : 0.0, recall,
          golden_ms);
    report["total"] = tj;
    if (!o.json_path.empty()) {
      std::ofstream f(o.json_path);
      if (!f) throw std::runtime_error("cannot write --json file '" + o.json_path + "'");
      f << report.dump(2) << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "energon-golden: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
