#include "energon/config/dram_yaml.h"
#include "energon/config/energy_yaml.h"
#include "energon/debug/log_output.h"
#include "energon/stats/options.h"
#include "vp_options.h"

#include <boost/program_options.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <tuple>
#include <sstream>

#include "energon/filter_spec.h"
#include "energon/hw/attention_policy.h"
#include "vp_memory.h"
#include "energon/workload/workload.h"

namespace energon::vp {

namespace po = boost::program_options;

/// "" when `path` can be written as a file, else why not (a folder, a missing folder, no permission).
static std::string writable_file_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return "is a folder, expected a file to write";
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) return "folder " + parent.string() + " does not exist";
  const bool existed = fs::exists(path, ec);
  {
    std::ofstream probe(path, std::ios::app);
    if (!probe) return "cannot write the file";
  }
  if (!existed) fs::remove(path, ec);  // nothing is left behind by the check itself
  return {};
}

ParseOutcome parse_options(int argc, char** argv) {
  VpOptions o;
  std::string policy = "mpmrf", timing = "lt";
  double alpha = 0;
  std::string topk_fraction, max_memory, token_keep, head_keep;
  po::options_description desc(
      "energon-vp: runs a workload's attention layers through the Energon virtual platform\n"
      "(host CPU + firmware driver, router, DRAM, controller, datapath) and reports cycles,\n"
      "DRAM traffic, kept fractions, accuracy and a bit-exact check against the golden model.\n"
      "Real-model mode: energon-vp --model PATH [--tokenizer PATH] --prompt TEXT ... runs a trained\n"
      "Llama network on the host CPU model with every attention layer offloaded\n"
      "(energon-vp --model PATH --help lists its options; docs/real-model.md).\n\nOptions");
  desc.add_options()("help,h", "this help")("list", "list hardware presets and built-in workloads")(
      "hw", po::value(&o.hw)->default_value(o.hw), "hardware preset name or YAML file")(
      "workload,w", po::value(&o.workload)->default_value(o.workload), "workload name or YAML file")(
      "policy,p", po::value(&policy)->default_value(policy), policy_names().c_str())(
      "rounds", po::value(&o.rounds), "mpmrf rounds, e.g. \"4x2:alpha=0,4x4:alpha=0.5\" (default: Energon's)")(
      "alpha", po::value(&alpha), "α for every threshold round, in [-1, 1]")(
      "rounds-file", po::value(&o.rounds_file),
      "YAML file of the policy and its rounds per layer (docs/policies.md; energon-calibrate writes one); "
      "replaces --policy/--rounds/--alpha for the requested pass")(
      "topk-fraction", po::value(&topk_fraction),
      "topk policy: fraction of keys kept, in (0, 1] (default: mpmrf's kept fraction under --compare, else "
      "0.25)")("pq-threshold", po::value(&o.pq_threshold),
               "spatten policy: a row whose largest approximate probability is below this, in [0, 1], is recomputed "
               "with its LSB planes (default 0.1; 0 never, 1 always)")(
      "pq-msb-bits", po::value<uint32_t>(),
      "spatten policy: K's MSB bits of the first Q·K pass, 1..15, a K plane of its own (default 8)")(
      "a3-iterations", po::value(&o.a3_iterations),
      "a3 policy: greedy iterations of the candidate search per allowed key of the row, in (0, 1] (default 0.5)")(
      "a3-threshold", po::value(&o.a3_threshold),
      "a3 policy: post-scoring keeps the candidates whose logit is within this many nats of the row's largest "
      "(default 8)")(
      "token-keep", po::value(&token_keep),
      "cascade token pruning (docs/pruning.md): fraction of the tokens each layer keeps, by importance "
      "accumulated over the layers before, e.g. 1,1,0.9,0.8 (the last value holds for later layers; layer 0 "
      "keeps 1); any policy, the requested pass only")(
      "head-keep", po::value(&head_keep),
      "cascade head pruning: fraction of the heads each layer keeps, the same way (e.g. 1,1,1,0.92)")(
      "layers,l", po::value(&o.layers)->default_value(o.layers), "layers to run (0 = all)")(
      "seq-len,n", po::value(&o.seq_len)->default_value(0),
      "override the sequence length n (synthetic self-attention)")("timing", po::value(&timing)->default_value(timing),
                                                                   "lt (loosely timed, DMI) | at (accurate)")(
      "queue-depth", po::value(&o.queue_depth)->default_value(o.queue_depth), "layers queued before waiting")(
      "check", "compare with the golden model (default)")("no-check",
                                                          "skip the golden comparison and accuracy figures")(
      "compare", "also run the other policies on the same preset and report speed-ups (default with mpmrf)")(
      "no-compare", "run the requested policy only")(
      "json", po::value(&o.json_path), "write the report as JSON to this file")("quiet,q",
                                                                                "print only the PASS/FAIL line")(
      "vcd", po::value(&o.vcd), "write waveforms (irq, busy per block, queue head/tail, row buffer, job) as VCD")(
      "timeline", po::value(&o.timeline),
      "write a Chrome/Perfetto trace-event JSON timeline, one track per block (docs/debugging.md)")(
      "log-level", po::value(&o.log_level),
      "model log: LEVEL or LEVEL,MODULE=LEVEL,... (error|warning|info|debug|trace; modules controller, "
      "bus_interface; default warning; debug: every register access and descriptor, trace: every bus transaction)")(
      "log", po::value(&o.log_file), "write the model log to this file instead of stderr")(
      "max-memory", po::value(&max_memory),
      "refuse a run whose estimated host memory exceeds this size, e.g. 8GiB (default: 7/8 of this machine's "
      "memory or of the cgroup limit)")(
      "set", po::value(&o.sets)->composing(),
      "override a preset key, e.g. --set accelerator.fu_lanes=16 --set dram.timing.tRCD=20ns (repeatable)")(
      "dump-config",
      "print the resolved configuration (hardware, DRAM, host, workload, run options) as YAML and stop; "
      "feed it back with --hw FILE --workload FILE")(
      "serve", po::value(&o.serve),
      "co-simulation server: no built-in host program; one client drives the bus over a socket at this "
      "address (unix:PATH, PATH or tcp:127.0.0.1:PORT; docs/cosim.md)");
  // Boost reads "-1" into an unsigned option as 4294967295: refuse negative counts first.
  if (const std::string e = stats::negative_count(argc, argv, {"--layers", "-l", "--seq-len", "-n", "--queue-depth"});
      !e.empty()) {
    std::cerr << "energon-vp: " << e << "\n";
    return {std::nullopt, 2};
  }
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "energon-vp: " << e.what() << " (see --help)\n";
    return {std::nullopt, 2};
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return {std::nullopt, 0};
  }
  if (vm.count("list")) {
    std::cout << "hardware presets:";
    for (auto& n : platform::platform_preset_names()) std::cout << " " << n;
    std::cout << "\nworkloads:";
    for (auto& n : workload::builtin_workloads()) std::cout << " " << n;
    std::cout << "\nDRAM presets:";
    for (auto& n : hw::dram_preset_names()) std::cout << " " << n;
    std::cout << "\nenergy tables:";
    for (auto& n : hw::energy_table_names()) std::cout << " " << n;
    std::cout << "\n";
    return {std::nullopt, 0};
  }
  auto bad = [](const std::string& msg) {
    std::cerr << "energon-vp: " << msg << "\n";
    return ParseOutcome{std::nullopt, 2};
  };
  if (!parse_policy(policy, o.policy)) return bad("--policy '" + policy + "': expected " + policy_names());
  if (timing == "lt")
    o.timing = platform::PlatformTiming::lt;
  else if (timing == "at" || timing == "accurate")
    o.timing = platform::PlatformTiming::accurate;
  else
    return bad("--timing '" + timing + "': expected lt or at");
  if (vm.count("alpha")) {
    if (!(alpha >= -1.0 && alpha <= 1.0)) return bad("--alpha must be in [-1, 1]");
    o.alpha = alpha;
  }
  // Output files are checked before the run, not after minutes of simulation.
  for (const auto& [option, path] : {std::pair<const char*, const std::string*>{"--json", &o.json_path},
                                     {"--vcd", &o.vcd},
                                     {"--timeline", &o.timeline}})
    if (const std::string e = writable_file_problem(*path); !path->empty() && !e.empty())
      return bad(std::string(option) + " '" + *path + "': " + e);
  o.max_memory = default_max_memory();
  if (vm.count("max-memory") && (!parse_memory_size(max_memory, o.max_memory) || o.max_memory == 0))
    return bad("--max-memory '" + max_memory +
               "': expected a size above 0 in bytes or with a unit: KiB, MiB, GiB, TiB");
  if (vm.count("topk-fraction")) {
    uint32_t ppm = 0;
    if (const std::string e = parse_fraction_ppm(topk_fraction, 6, ppm); !e.empty())
      return bad("--topk-fraction '" + topk_fraction + "': " + e +
                 "; expected a fraction in (0, 1], at most 6 decimals");
    o.topk_fraction_ppm = ppm;
  }
  if (!o.rounds_file.empty()) {
    if (!o.rounds.empty() || o.alpha) return bad("--rounds-file replaces --rounds and --alpha: give one or the other");
    const std::string e =
        config::read_rounds_file_option(o.rounds_file, !vm["policy"].defaulted(), policy, o.policy, o.layer_rounds);
    if (!e.empty()) return bad(e);
    if (o.policy == Policy::topk && o.topk_fraction_ppm)
      return bad("--topk-fraction and a topk --rounds-file exclude each other");
  }
  for (const auto& [option, text, list] : {std::tuple<const char*, const std::string*, std::vector<uint32_t>*>{
                                               "--token-keep", &token_keep, &o.cascade.tokens_ppm},
                                           {"--head-keep", &head_keep, &o.cascade.heads_ppm}})
    if (vm.count(option + 2))
      if (const std::string e = parse_keep_list(*text, option, *list); !e.empty()) return bad(e);
  if (vm.count("pq-msb-bits")) o.pq_msb_bits = vm["pq-msb-bits"].as<uint32_t>();
  if ((vm.count("pq-threshold") || o.pq_msb_bits) && o.policy != Policy::spatten)
    return bad("--pq-threshold and --pq-msb-bits apply to --policy spatten only");
  if ((vm.count("a3-iterations") || vm.count("a3-threshold")) && o.policy != Policy::a3)
    return bad("--a3-iterations and --a3-threshold apply to --policy a3 only");
  if (o.policy == Policy::spatten || o.policy == Policy::a3) {
    try {
      filter_for(o, o.policy, kFractionOne / 4);
    } catch (const std::invalid_argument& e) {
      return bad(e.what());
    }
  }
  if (!o.rounds.empty()) {
    try {
      filter_for(o, Policy::mpmrf, kFractionOne / 4);  // --rounds is checked even when mpmrf only compares
    } catch (const std::invalid_argument& e) {
      return bad(e.what());
    }
  }
  if (o.queue_depth == 0 || o.queue_depth >= ENERGON_QUEUE_MAX_ENTRIES)
    return bad("--queue-depth " + std::to_string(o.queue_depth) + ": expected 1.." +
               std::to_string(ENERGON_QUEUE_MAX_ENTRIES - 1) + " (layers in flight; the ring holds one more)");
  if (vm.count("check") && vm.count("no-check")) return bad("--check and --no-check exclude each other");
  o.check = !vm.count("no-check");
  if (vm.count("compare") && vm.count("no-compare")) return bad("--compare and --no-compare exclude each other");
  // The paper's question — how much faster than dense and top-k — is the default for mpmrf.
  o.compare = vm.count("compare") ? true : vm.count("no-compare") ? false : o.policy == Policy::mpmrf;
  o.quiet = vm.count("quiet") > 0;
  if (o.queue_depth == 0 || o.queue_depth > 64) return bad("--queue-depth must be in 1..64");
  o.dump_config = vm.count("dump-config") != 0;
  try {
    debug::configure_log(o.log_level, o.log_file);
  } catch (const std::invalid_argument& e) {
    return bad(e.what());
  }
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);
  return {o, 0};
}

FilterConfig filter_for(const VpOptions& o, Policy policy, uint32_t topk_fraction_ppm) {
  if (!o.rounds_file.empty() && policy == o.layer_rounds.filters.base.policy) return o.layer_rounds.filters.base;
  hw::PolicyOptions po;
  po.rounds = o.rounds;
  po.alpha = o.alpha;
  po.topk_fraction_ppm = topk_fraction_ppm;
  po.pq_threshold = o.pq_threshold;
  po.pq_msb_bits = o.pq_msb_bits;
  po.a3_iterations = o.a3_iterations;
  po.a3_threshold = o.a3_threshold;
  return hw::policy_of(policy).configure(po);
}

}  // namespace energon::vp

namespace energon::vp {

namespace {

std::string indent(const std::string& yaml) {
  std::string out, line;
  std::stringstream in(yaml);
  while (std::getline(in, line)) out += "  " + line + "\n";
  return out;
}

}  // namespace

std::string dump_config(const VpOptions& o, const platform::PlatformConfig& hw, const workload::Workload& w,
                        uint32_t layers) {
  std::string s = "# energon-vp --dump-config: the resolved configuration of\n#   " + o.command_line +
                  "\n# Reproduce the run: energon-vp --hw FILE --workload FILE with the options under run.\n";
  s += "run:\n  policy: " + std::string(to_string(o.policy)) + "\n  rounds: \"" + o.rounds + "\"\n";
  if (!o.rounds_file.empty()) s += "  rounds_file: \"" + o.rounds_file + "\"\n";
  if (o.alpha) s += "  alpha: " + std::to_string(*o.alpha) + "\n";
  if (o.topk_fraction_ppm) s += "  topk_fraction: " + format_ppm(*o.topk_fraction_ppm, 6) + "\n";
  if (!o.cascade.tokens_ppm.empty()) s += "  token_keep: \"" + format_keep_list(o.cascade.tokens_ppm) + "\"\n";
  if (!o.cascade.heads_ppm.empty()) s += "  head_keep: \"" + format_keep_list(o.cascade.heads_ppm) + "\"\n";
  s += "  layers: " + std::to_string(layers) +
       "\n  timing: " + std::string(o.timing == platform::PlatformTiming::lt ? "lt" : "at") +
       "\n  queue_depth: " + std::to_string(o.queue_depth) + "\n  compare: " + (o.compare ? "true" : "false") +
       "\n  check: " + (o.check ? "true" : "false") + "\n  energy_table: energon-45nm\n";
  s += "hardware:\n" + indent(platform::dump_platform_yaml(hw));
  s += "workload:\n" + indent(workload::dump_workload_yaml(w));
  return s;
}

}  // namespace energon::vp
