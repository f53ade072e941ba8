#include "energon/platform/llm/llm_command.h"
#include "energon/stats/progress.h"
#include "energon/stats/options.h"
#include "energon/stats/provenance.h"
#include "energon/stats/stats_json.h"

#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>

#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"
#include "energon/platform/address_map.h"
#include "energon/platform/llm/llm_report.h"

namespace energon::platform::llm {

namespace po = boost::program_options;

FilterConfig filter_of(const LlmOptions& o) {
  if (!o.rounds_file.empty()) return o.layer_rounds.filters.base;
  hw::PolicyOptions po;
  po.rounds = o.rounds;
  po.topk = o.topk;
  return hw::policy_of(o.policy).configure(po);
}

LayerFilters filters_of(const LlmOptions& o) {
  if (!o.rounds_file.empty()) return o.layer_rounds.filters;
  return filter_of(o);
}

LlmParseOutcome parse_llm_options(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  LlmOptions o;
  o.command_line = stats::command_line(argc, argv);
  if (const std::string e = stats::negative_count(
          argc, argv, {"--steps", "-n", "--context", "--eval-texts", "--eval-length", "--seed", "--eval-seed"});
      !e.empty()) {
    err << "energon-vp-llm: " << e << "\n";
    return {std::nullopt, 2};
  }
  std::string policy = "mpmrf", mode = "generation", timing = "lt";
  po::options_description desc(
      "energon-vp-llm: runs a trained Llama-architecture model on the host CPU model of the Energon\n"
      "virtual platform with every attention layer offloaded to the accelerator through the firmware\n"
      "driver; prints the generated text and a report (cycles, DRAM traffic, kept fractions, energy,\n"
      "host vs accelerator time, modelled tokens/s, golden bit-exactness, quality with --eval).\n\nOptions");
  desc.add_options()("help,h", "this help")("model,m", po::value(&o.model),
                                            "model file: GGUF (.gguf) or llama2.c checkpoint (.bin) [required]")(
      "tokenizer,t", po::value(&o.tokenizer), "llama2.c tokenizer file (tok512.bin); not needed for GGUF")(
      "prompt", po::value(&o.prompt)->default_value(o.prompt), "prompt text (BOS is prepended)")(
      "policy,p", po::value(&policy)->default_value(policy), policy_names().c_str())(
      "rounds", po::value(&o.rounds), "mpmrf rounds, e.g. \"4x2:alpha=0,4x4:alpha=0.5\" (default: Energon's)")(
      "topk", po::value(&o.topk)->default_value(o.topk), "topk policy rule: top=<k> or top=<p>%")(
      "rounds-file", po::value(&o.rounds_file),
      "YAML file of the policy and its rounds per layer (docs/policies.md; energon-calibrate writes one); "
      "replaces --policy/--rounds/--topk")("steps,n", po::value(&o.steps)->default_value(o.steps),
                                           "tokens to generate at most")(
      "temperature", po::value(&o.temperature)->default_value(o.temperature), "0 = greedy, else seeded sampling")(
      "seed", po::value(&o.seed)->default_value(o.seed), "sampler seed")(
      "mode", po::value(&mode)->default_value(mode),
      "generation (every position n_q = 1 on the resident K/V cache) | whole (every step re-places Q/K/V; "
      "the prompt is one causal job) | prefill (prompt as one causal job, then the resident cache)")(
      "context", po::value(&o.context)->default_value(0), "K/V capacity in positions (0 = what the run needs)")(
      "hw", po::value(&o.hw)->default_value(o.hw), "hardware preset name or YAML file")(
      "timing", po::value(&timing)->default_value(timing), "lt (loosely timed, DMI) | at (accurate)")(
      "eval", "quality figures (top-1 agreement, mean KL, perplexity vs float) on the evaluation set")(
      "eval-texts", po::value(&o.eval_texts)->default_value(o.eval_texts), "evaluation stories")(
      "eval-length", po::value(&o.eval_length)->default_value(o.eval_length), "tokens per story, BOS included")(
      "eval-seed", po::value(&o.eval_seed)->default_value(o.eval_seed), "seed of the first story")(
      "no-generate", "skip the prompt / generation run (with --eval)")(
      "no-check", "skip the golden shadow network (bit-exactness check, per-head kept fractions)")(
      "json", po::value(&o.json_path), "write the report as JSON to this file")(
      "quiet,q", "print only the text and the verdict lines");
  po::variables_map vm;
  auto bad = [&](const std::string& msg) {
    err << "energon-vp-llm: " << msg << "\n";
    return LlmParseOutcome{std::nullopt, 2};
  };
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return bad(std::string(e.what()) + " (see --help)");
  }
  if (vm.count("help")) {
    out << desc << "\n";
    return {std::nullopt, 0};
  }
  if (o.model.empty()) return bad("--model is required (a .gguf file, or a llama2.c .bin with --tokenizer)");
  if (!parse_policy(policy, o.policy)) return bad("--policy '" + policy + "': expected " + policy_names());
  if (!parse_mode(mode, o.mode)) return bad("--mode '" + mode + "': expected generation, whole or prefill");
  if (timing == "lt")
    o.timing = PlatformTiming::lt;
  else if (timing == "at" || timing == "accurate")
    o.timing = PlatformTiming::accurate;
  else
    return bad("--timing '" + timing + "': expected lt or at");
  if (!std::isfinite(o.temperature) || o.temperature < 0) return bad("--temperature must be finite and >= 0");
  o.eval = vm.count("eval") > 0;
  o.generate = vm.count("no-generate") == 0;
  o.check = vm.count("no-check") == 0;
  o.quiet = vm.count("quiet") > 0;
  if (!o.generate && !o.eval) return bad("--no-generate needs --eval (nothing to run)");
  if (o.eval && (o.eval_texts < 1 || o.eval_length < 2)) return bad("--eval-texts must be >= 1 and --eval-length >= 2");
  if (!o.rounds_file.empty()) {
    if (vm.count("rounds") || !vm["topk"].defaulted())
      return bad("--rounds-file replaces --rounds and --topk: give one or the other");
    const std::string e =
        config::read_rounds_file_option(o.rounds_file, !vm["policy"].defaulted(), policy, o.policy, o.layer_rounds);
    if (!e.empty()) return bad(e);
  }
  try {
    filter_of(o);
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  return {o, 0};
}

LlmRun run_llm(const llama::LoadedModel& loaded, const PlatformConfig& hw, PlatformTiming timing,
               const LlmAppConfig& config) {
  LlmAppConfig cfg = config;
  cfg.reg_base = kAccelRegBase;
  LlmApp app(loaded, cfg);  // checks the configuration before anything is elaborated
  LlmRun run;
  Platform top("energon", hw, timing);
  top.cpu.load_program([&](HostCpu& cpu) { app(cpu); });
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.app = app.result();
  run.jobs = top.jobs();
  run.dram = top.dram.stats();
  run.host = top.cpu.stats();
  run.end = sc_core::sc_time_stamp();
  if (!top.cpu.program_error().empty())
    run.error = top.cpu.program_error();
  else if (!top.cpu.finished())
    run.error = "the simulation ended before the host program finished";
  return run;
}

int run_llm_command(const LlmOptions& o, const llama::ShadowFactory& shadow, std::ostream& out, std::ostream& err) {
  PlatformConfig hw;
  try {
    hw = load_platform_config(o.hw);
  } catch (const std::exception& e) {
    err << "energon-vp-llm: --hw: " << e.what() << "\n";
    return 2;
  }
  llama::LoadedModel loaded;
  try {
    loaded = llama::load_model_files(o.model, o.tokenizer);
  } catch (const std::exception& e) {
    err << "energon-vp-llm: cannot load the model: " << e.what() << "\n";
    return 2;
  }
  try {
    o.layer_rounds.check_layers(loaded.model.config.n_layers);
  } catch (const std::exception& e) {
    err << "energon-vp-llm: --rounds-file: " << e.what() << "\n";
    return 2;
  }
  LlmAppConfig cfg;
  try {
    cfg.filter = filter_of(o);
    cfg.layer_filters = filters_of(o).layers;
    cfg.mode = o.mode;
    cfg.steps = o.steps;
    cfg.temperature = o.temperature;
    cfg.seed = o.seed;
    cfg.context = o.context;
    cfg.check = o.check;
    cfg.shadow = shadow;
    if (o.generate) cfg.prompt = loaded.tokenizer.encode(o.prompt, true, false);
    if (o.eval) {
      if (o.eval_length > loaded.model.config.seq_len)
        throw std::invalid_argument("--eval-length " + std::to_string(o.eval_length) + " exceeds the model's " +
                                    std::to_string(loaded.model.config.seq_len) + " positions");
      cfg.eval = llama::sample_eval_set(loaded.model, o.eval_texts, o.eval_length, 1.0f, o.eval_seed);
    }
  } catch (const std::exception& e) {
    err << "energon-vp-llm: " << e.what() << "\n";
    return 2;
  }

  stats::Progress progress("energon-vp --model", (o.generate ? o.steps : 0) + (o.eval ? o.eval_texts : 0), !o.quiet);
  cfg.on_step = [&progress](uint64_t done, double simulated_s) { progress.update(done, simulated_s); };
  LlmRun run;
  try {
    run = run_llm(loaded, hw, o.timing, cfg);
    progress.finish();
  } catch (const std::invalid_argument& e) {
    err << "energon-vp-llm: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "energon-vp-llm: simulation failed: " << e.what() << "\n";
    return 1;
  }

  stats::Group root("energon-vp-llm", "Energon virtual platform: trained model with offloaded attention");
  bool ok = false;
  try {
    ok = build_llm_report(root, o, hw, loaded, run);
  } catch (const std::exception& e) {
    err << "energon-vp-llm: report: " << e.what() << "\n";
    ok = false;
  }
  if (o.generate) out << run.app.text << "\n\n";
  if (!o.quiet) stats::write_table(out, root);
  const stats::Stat* exact = root.find("check.bit_exact");
  out << "bit-exact vs golden: " << (exact ? std::get<std::string>(exact->value) : "skipped") << "\n";
  if (run.app.evaluated)
    out << "quality vs float: top-1 agreement " << run.app.quality.top1_agreement << ", mean KL "
        << run.app.quality.mean_kl << ", perplexity " << run.app.quality.perplexity << " (float "
        << run.app.quality.float_perplexity << ")\n";
  if (!o.json_path.empty()) {
    std::ofstream js(o.json_path);
    if (!js) {
      err << "energon-vp-llm: --json: cannot write " << o.json_path << "\n";
      return 2;
    }
    js << stats::to_json(root).dump(2) << "\n";
  }
  if (!run.error.empty()) {
    err << "energon-vp-llm: " << run.error << "\n";
    return 1;
  }
  return ok ? 0 : 1;
}

}  // namespace energon::platform::llm
