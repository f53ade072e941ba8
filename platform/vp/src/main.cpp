// energon-vp: the virtual platform's command line (docs/architecture.md).
#include <systemc>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "energon/checks/golden_shadow.h"
#include "energon/config/energy_yaml.h"
#include "energon/platform/llm/llm_command.h"
#include "energon/platform/platform_config.h"
#include "energon/stats/stats_json.h"
#include "energon/workload/workload.h"
#include "vp_memory.h"
#include "vp_options.h"
#include "vp_report.h"
#include "vp_run.h"
#include "vp_serve.h"

namespace {
/// --help, --list and --dump-config print and stop: no SystemC banner before them. libsystemc's main()
/// prints it before sc_main, so this reads the command line in a static initializer.
[[maybe_unused]] const bool kQuietBanner = [] {
  std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
  std::string arg;
  while (std::getline(cmdline, arg, '\0'))
    if (arg == "--help" || arg == "-h" || arg == "--list" || arg == "--dump-config")
      return setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0) == 0;
  return false;
}();

/// `--model` selects the real-workload mode: a trained network on the host CPU model.
bool wants_model(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" || a == "-m" || a.rfind("--model=", 0) == 0) return true;
  }
  return false;
}

int run_model(int argc, char* argv[]) {
  using namespace energon::platform::llm;
  const LlmParseOutcome parsed = parse_llm_options(argc, argv, std::cout, std::cerr);
  if (!parsed.options) return parsed.exit_code;
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  return run_llm_command(*parsed.options, energon::checks::golden_shadow(), std::cout, std::cerr);
}
}  // namespace

int sc_main(int argc, char* argv[]) {
  using namespace energon;
  if (wants_model(argc, argv)) return run_model(argc, argv);
  const vp::ParseOutcome parsed = vp::parse_options(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const vp::VpOptions& o = *parsed.options;

  platform::PlatformConfig hw;
  workload::Workload w;
  try {
    hw = platform::load_platform_config(o.hw, o.sets);
  } catch (const std::exception& e) {
    std::cerr << "energon-vp: --hw: " << e.what() << "\n";
    return 2;
  }
  if (!o.serve.empty()) return vp::run_server(o, hw);
  try {
    w = workload::load_workload(o.workload);
    if (o.seq_len) w = workload::with_seq_len(w, o.seq_len);
  } catch (const std::exception& e) {
    std::cerr << "energon-vp: --workload: " << e.what() << "\n";
    return 2;
  }
  try {
    o.layer_rounds.check_layers(w.layers);
  } catch (const std::exception& e) {
    std::cerr << "energon-vp: --rounds-file: " << e.what() << " (workload " << w.name << ")\n";
    return 2;
  }
  if (o.layers > w.layers) {
    std::cerr << "energon-vp: --layers " << o.layers << ": workload " << w.name << " has " << w.layers
              << " layers (expected 0 = all, or 1.." << w.layers << ")\n";
    return 2;
  }
  const uint32_t layers = o.layers == 0 ? w.layers : o.layers;
  if (w.source == workload::DataSource::npy) {
    try {  // tensors are input too: a bad file is refused before the run, not in the middle of it
      for (uint32_t l = 0; l < layers; ++l) workload::make_layer(w, l);
    } catch (const std::exception& e) {
      std::cerr << "energon-vp: --workload: " << e.what() << "\n";
      return 2;
    }
  }
  try {  // the energy table is input too: refuse a bad one before running
    hw::load_energy_table();
  } catch (const std::exception& e) {
    std::cerr << "energon-vp: energy table: " << e.what() << "\n";
    return 2;
  }
  if (o.dump_config) {
    std::cout << vp::dump_config(o, hw, w, layers);
    return 0;
  }
  if (const std::string err = validate(w.shape); !err.empty()) {
    std::cerr << "energon-vp: workload " << w.name << ": " << err << "\n";
    return 2;
  }
  if (const vp::MemoryEstimate need = vp::estimate_run_memory(w.shape, std::min(o.queue_depth, layers), o.check);
      need.total() > o.max_memory) {
    std::cerr << "energon-vp: workload " << w.name << " (heads " << w.shape.heads << ", n_q " << w.shape.n_q << ", n_k "
              << w.shape.n_k << ", d " << w.shape.d << ", " << std::min(o.queue_depth, layers)
              << " layers in flight) needs about " << vp::format_bytes(need.total()) << " of host memory ("
              << need.breakdown() << "), more than --max-memory " << vp::format_bytes(o.max_memory)
              << "; lower --seq-len or --queue-depth, run with --no-check, or raise --max-memory\n";
    return 2;
  }
  if (const uint64_t need = vp::shared_dram_bytes(w.shape, std::min(o.queue_depth, layers)),
      have = platform::Platform::shared_dram_size(hw);
      need > have) {
    std::cerr << "energon-vp: workload " << w.name << ": " << std::min(o.queue_depth, layers)
              << " layers in flight need " << vp::format_bytes(need) << " of shared DRAM (Q, K planes, V, scales, "
              << "output, ring), the preset's DRAM " << hw.dram.name << " gives the host " << vp::format_bytes(have)
              << "; lower --seq-len or --queue-depth, or use a DRAM preset with more capacity\n";
    return 2;
  }

  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DISPLAY);
  // The host program ends the run with sc_stop(): not news.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  vp::RunResult run;
  try {
    run = vp::run_platform(o, hw, w, layers);
  } catch (const std::exception& e) {
    std::cerr << "energon-vp: simulation failed: " << e.what() << "\n";
    return 1;
  }

  stats::Group root("energon-vp", "Energon virtual platform report");
  const bool ok = vp::build_report(root, o, hw, w, layers, run);
  if (!o.quiet) stats::write_table(std::cout, root);
  const stats::Stat* verdict = root.find(std::string(to_string(o.policy)) + ".check.bit_exact");
  std::cout << "bit-exact vs golden: " << (verdict ? std::get<std::string>(verdict->value) : "FAIL") << "\n";
  if (!o.json_path.empty()) {
    std::ofstream out(o.json_path);
    if (!out) {
      std::cerr << "energon-vp: --json: cannot write " << o.json_path << "\n";
      return 2;
    }
    out << stats::to_json(root).dump(2) << "\n";
  }
  if (!run.error.empty()) std::cerr << "energon-vp: " << run.error << "\n";
  return ok ? 0 : 1;
}
