// energon-calibrate: the cheapest per-layer rounds meeting an accuracy target on a calibration
// set, checked on a held-out set, written as a rounds file for energon-vp --rounds-file
// (docs/policies.md, "Calibration to a target").
#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "energon/calibrate/calibrate.h"
#include "energon/calibrate/evaluators.h"
#include "energon/config/rounds_yaml.h"
#include "energon/hw/attention_policy.h"
#include "energon/llama/model_loader.h"
#include "energon/stats/options.h"
#include "energon/stats/provenance.h"

namespace po = boost::program_options;
using namespace energon;
using namespace energon::calibrate;

namespace {

struct Options {
  std::string model, tokenizer, workload, policy = "mpmrf", target, grid, out;
  double margin = 0;
  uint32_t layers = 0, seq_len = 0;
  uint32_t calib_texts = 4, calib_length = 128, eval_texts = 4, eval_length = 128;
  uint64_t calib_seed = 1, eval_seed = 101;
  bool quiet = false;
};

int bad(const std::string& msg) {
  std::cerr << "energon-calibrate: " << msg << "\n";
  return 2;
}

std::string fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

std::string summary(const SetFigures& s, const LayerFilters& f, bool model) {
  std::string line = "kept " + fixed(s.kept_fraction(), 4) + ", cost " + fixed(s.cost(f), 3) + "/key";
  if (model)
    line += ", agreement " + fixed(s.agreement, 4) + " (" + std::to_string(s.positions) + " predictions), KL " +
            fixed(s.kl, 5) + ", perplexity " + fixed(s.perplexity, 4) + " (float " + fixed(s.float_perplexity, 4) + ")";
  else
    line += ", worst-layer metric " + fixed(s.metric, 4) + ", mean rel-L2 " + fixed(s.rel_l2, 4) +
            ", mean mass recall " + fixed(s.mass_recall, 4);
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  const std::string command = stats::command_line(argc, argv);
  if (const std::string e = stats::negative_count(argc, argv,
                                                  {"--layers", "--seq-len", "--calib-texts", "--calib-length",
                                                   "--eval-texts", "--eval-length", "--calib-seed", "--eval-seed"});
      !e.empty())
    return bad(e);
  po::options_description desc(
      "energon-calibrate: searches, layer by layer, the cheapest rounds of a policy (from a candidate grid)\n"
      "that meet an accuracy target on a calibration set, checks them on a held-out set and writes them as\n"
      "a rounds file for energon-vp --rounds-file (docs/policies.md). Runs the golden model, bit-exact with\n"
      "the platform. Exit 0: target met on the held-out set; 1: missed there (file written); 2: bad input;\n"
      "3: the target is out of reach of the grid on the calibration set (no file).\n\nOptions");
  desc.add_options()("help,h", "this help")("model,m", po::value(&o.model), "trained model (.gguf or llama2.c .bin)")(
      "tokenizer,t", po::value(&o.tokenizer), "llama2.c tokenizer (with a .bin model)")(
      "workload,w", po::value(&o.workload), "synthetic workload name or YAML file (instead of --model)")(
      "layers,l", po::value(&o.layers)->default_value(0), "workload layers to calibrate (0 = all)")(
      "seq-len,n", po::value(&o.seq_len)->default_value(0), "workload sequence length override")(
      "policy,p", po::value(&o.policy)->default_value(o.policy), "mpmrf or topk")(
      "target", po::value(&o.target),
      "agreement=V or kl=V (model), rel-l2=V or mass-recall=V (workload, every layer) [required]")(
      "margin", po::value(&o.margin)->default_value(0),
      "search against a target stricter by this much (agreement 0.99 with margin 0.003: 0.993 on the calibration "
      "set), to leave room for the held-out set's sampling noise; the held-out check uses the target itself")(
      "grid", po::value(&o.grid), "candidates \"c1;c2;...\", safest first (default: the documented grid)")(
      "calib-texts", po::value(&o.calib_texts)->default_value(o.calib_texts), "model: calibration stories")(
      "calib-length", po::value(&o.calib_length)->default_value(o.calib_length), "model: tokens per story")(
      "calib-seed", po::value(&o.calib_seed)->default_value(o.calib_seed), "model: seed of the first story")(
      "eval-texts", po::value(&o.eval_texts)->default_value(o.eval_texts), "model: held-out stories")(
      "eval-length", po::value(&o.eval_length)->default_value(o.eval_length), "model: tokens per held-out story")(
      "eval-seed", po::value(&o.eval_seed)->default_value(o.eval_seed),
      "model: seed of the first held-out story; workload: generator seed of the held-out layers")(
      "out,o", po::value(&o.out), "rounds file to write [required]")("quiet,q", "only the result lines");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return bad(std::string(e.what()) + " (see --help)");
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  o.quiet = vm.count("quiet") > 0;
  if (o.model.empty() == o.workload.empty()) return bad("give --model or --workload (one of them)");
  if (o.target.empty()) return bad("--target is required, e.g. --target agreement=0.99");
  if (o.out.empty()) return bad("--out is required (the rounds file to write)");
  Policy policy{};
  if (!parse_policy(o.policy, policy) || (policy != Policy::mpmrf && policy != Policy::topk))
    return bad("--policy '" + o.policy + "': expected mpmrf or topk");
  Target target;
  std::vector<Candidate> grid;
  try {
    target = parse_target(o.target);
    grid = o.grid.empty() ? default_grid(policy) : parse_grid(policy, o.grid);
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  if (!(o.margin >= 0)) return bad("--margin must be >= 0");
  Target strict = target;
  strict.value =
      target.higher_is_better() ? std::min(1.0, target.value + o.margin) : std::max(0.0, target.value - o.margin);
  const bool model = !o.model.empty();
  if (target.for_real_model() != model)
    return bad("--target " + o.target + ": " + to_string(target.metric) + " applies to " +
               (target.for_real_model() ? "--model" : "--workload") + " runs");
  if (std::ofstream probe(o.out, std::ios::app); !probe) return bad("--out: cannot write " + o.out);

  llama::LoadedModel loaded;
  workload::Workload w;
  std::unique_ptr<Evaluator> ev;
  try {
    if (model) {
      if (o.calib_texts < 1 || o.eval_texts < 1 || o.calib_length < 2 || o.eval_length < 2)
        return bad("--calib-texts/--eval-texts must be >= 1 and --calib-length/--eval-length >= 2");
      if (o.calib_seed < o.eval_seed + o.eval_texts && o.eval_seed < o.calib_seed + o.calib_texts)
        return bad("the held-out stories (seeds " + std::to_string(o.eval_seed) +
                   "..) overlap the calibration "
                   "stories (seeds " +
                   std::to_string(o.calib_seed) + "..): choose --eval-seed apart");
      loaded = llama::load_model_files(o.model, o.tokenizer);
      const uint32_t ctx = loaded.model.config.seq_len;
      if (o.calib_length > ctx || o.eval_length > ctx)
        return bad("story length exceeds the model's " + std::to_string(ctx) + " positions");
      ev = std::make_unique<ModelEvaluator>(
          loaded.model, llama::sample_eval_set(loaded.model, o.calib_texts, o.calib_length, 1.0f, o.calib_seed),
          llama::sample_eval_set(loaded.model, o.eval_texts, o.eval_length, 1.0f, o.eval_seed));
    } else {
      w = workload::load_workload(o.workload);
      if (o.seq_len) w = workload::with_seq_len(w, o.seq_len);
      if (o.layers > w.layers)
        return bad("--layers " + std::to_string(o.layers) + ": the workload has " + std::to_string(w.layers));
      ev = std::make_unique<WorkloadEvaluator>(w, o.layers ? o.layers : w.layers, o.eval_seed);
    }
  } catch (const std::exception& e) {
    return bad(e.what());
  }

  Result r;
  try {
    r = search(*ev, grid, strict, [&](const std::string& s) {
      if (!o.quiet) std::cerr << "energon-calibrate: " << s << "\n";
    });
  } catch (const std::runtime_error& e) {
    std::cerr << "energon-calibrate: " << e.what() << "\n";
    return 3;
  }

  r.held_out_met = target.met(r.held_out.metric);
  const std::string source = model ? o.model : w.name;
  std::ostringstream comment;
  comment << "energon-calibrate: " << command << "\n"
          << "target " << to_string(target.metric) << " " << target.value << " on " << source << " (searched at "
          << strict.value << ")\n";
  for (size_t l = 0; l < r.layer_text.size(); ++l)
    comment << "layer " << l << ": " << r.layer_text[l] << " (calibration kept "
            << fixed(r.calibration.layers[l].kept_fraction(), 4) << ")\n";
  comment << "calibration set: " << summary(r.calibration, r.filters, model) << "\n"
          << "held-out set: " << summary(r.held_out, r.filters, model) << "\n"
          << "held-out target met: " << (r.held_out_met ? "yes" : "no");
  std::string yaml;
  try {
    yaml = config::format_rounds_yaml(r.filters, comment.str());
  } catch (const std::exception& e) {
    std::cerr << "energon-calibrate: " << e.what() << "\n";
    return 1;
  }
  std::ofstream out(o.out, std::ios::trunc);
  out << yaml;
  if (!out) return bad("--out: cannot write " + o.out);

  std::cout << "layer  " << std::left << std::setw(34) << (policy == Policy::topk ? "rule" : "rounds")
            << " kept (calibration)\n";
  for (size_t l = 0; l < r.layer_text.size(); ++l)
    std::cout << std::setw(5) << l << "  " << std::setw(34) << r.layer_text[l] << " "
              << fixed(r.calibration.layers[l].kept_fraction(), 4) << "\n";
  std::cout << "calibration: " << summary(r.calibration, r.filters, model) << "\n"
            << "held-out: " << summary(r.held_out, r.filters, model) << "\n"
            << "held-out with " << grid[0].text
            << " everywhere: " << summary(r.uniform_held_out, LayerFilters(grid[0].filter), model) << "\n"
            << "configurations searched: " << r.evaluations << "\n"
            << "target " << to_string(target.metric) << " " << target.value
            << " on the held-out set: " << (r.held_out_met ? "met" : "MISSED") << "\n"
            << "wrote " << o.out << "\n";
  return r.held_out_met ? 0 : 1;
}
