// energon-vp-bench: simulation speed of the platform against the golden model alone on the same
// job (one layer, from float tensors to INT16 output). Prints one line; the platform output is
// compared bit for bit with the golden output outside the timed regions. Wall and CPU time of
// each region; run under callgrind (scripts/bench_sim_speed.sh) it dumps one profile per region
// ("golden", "platform") so that their instruction counts can be compared.
#include <systemc>
#include <time.h>
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define ENERGON_CALLGRIND 1
#endif
#endif

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "energon/fw/energon_fw.h"
#include "energon/golden/golden.h"
#include "energon/hw/attention_policy.h"
#include "energon/platform/job_placement.h"
#include "energon/platform/platform.h"
#include "energon/workload/workload.h"

namespace po = boost::program_options;
using namespace energon;

static double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

int sc_main(int argc, char* argv[]) {
  std::string hw_name = "energon-edge", wl = "bert-base-512", policy_text = "dense", timing = "lt";
  uint32_t seq_len = 0, repeat = 3;
  bool header = false;
  po::options_description desc("energon-vp-bench: wall time of the platform vs the golden model on one layer");
  desc.add_options()("help,h", "this help")("hw", po::value(&hw_name)->default_value(hw_name),
                                            "hardware preset or YAML")("workload,w", po::value(&wl)->default_value(wl),
                                                                       "workload name or YAML")(
      "policy,p", po::value(&policy_text)->default_value(policy_text), policy_names().c_str())(
      "seq-len,n", po::value(&seq_len)->default_value(0), "override n (synthetic self-attention)")(
      "timing", po::value(&timing)->default_value(timing), "lt | at")(
      "repeat", po::value(&repeat)->default_value(repeat), "golden runs (best time counts)")(
      "header", po::bool_switch(&header), "print the column header first");
  po::variables_map vm;
  Policy policy;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    if (!parse_policy(policy_text, policy)) throw std::invalid_argument("--policy: expected " + policy_names());
    if (timing != "lt" && timing != "at") throw std::invalid_argument("--timing: expected lt or at");
  } catch (const std::exception& e) {
    std::cerr << "energon-vp-bench: " << e.what() << "\n";
    return 2;
  }
  platform::PlatformConfig cfg;
  workload::Workload w;
  try {
    cfg = platform::load_platform_config(hw_name);
    w = workload::load_workload(wl);
    if (seq_len) w = workload::with_seq_len(w, seq_len);
  } catch (const std::exception& e) {
    std::cerr << "energon-vp-bench: " << e.what() << "\n";
    return 2;
  }
  hw::PolicyOptions policy_options;
  policy_options.topk_fraction_ppm = kFractionOne / 16;
  const FilterConfig filter = hw::policy_of(policy).configure(policy_options);
  const FloatLayer layer = workload::make_layer(w, 0);

  // Golden model alone: quantize + run, best of `repeat`.
  double golden_s = 1e30, golden_cpu = 1e30;
  std::vector<int16_t> gold;
#ifdef ENERGON_CALLGRIND
  CALLGRIND_ZERO_STATS;
#endif
  for (uint32_t r = 0; r < std::max(1u, repeat); ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    const QuantizedLayer q = golden::quantize_layer(layer);
    gold = golden::run_attention(q, filter);
    golden_cpu = std::min(golden_cpu, cpu_seconds() - c0);
    golden_s = std::min(golden_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
#ifdef ENERGON_CALLGRIND
  CALLGRIND_DUMP_STATS_AT("golden");
#endif

  // The platform: elaboration excluded, sc_start timed (host packing, driver, accelerator).
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  platform::Platform top("energon", cfg,
                         timing == "lt" ? platform::PlatformTiming::lt : platform::PlatformTiming::accurate);
  std::vector<int16_t> out;
  energon_result_t result{};
  int rc = -100;
  top.cpu.load_program([&](platform::HostCpu& cpu) {
    energon_dev_t dev;
    if ((rc = energon_init(&dev, cpu.hal(), platform::kAccelRegBase)) != ENERGON_FW_OK) return;
    if ((rc = energon_probe(&dev)) != ENERGON_FW_OK) return;
    if ((rc = energon_queue_setup(&dev, cpu.alloc(4 * ENERGON_DESC_BYTES, 256), 4)) != ENERGON_FW_OK) return;
    const platform::PlacedJob job = platform::place_job(cpu, layer, filter);
    uint32_t index = 0;
    if ((rc = energon_submit(&dev, &job.desc, 1, &index)) != ENERGON_FW_OK) return;
    if ((rc = energon_wait(&dev, 100000000, nullptr)) != ENERGON_FW_OK) return;
    energon_read_result(&dev, index, &result);
    out = platform::read_output(cpu, job);
  });
#ifdef ENERGON_CALLGRIND
  CALLGRIND_ZERO_STATS;
#endif
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  sc_core::sc_start();
  const double platform_cpu = cpu_seconds() - c0;
  const double platform_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
#ifdef ENERGON_CALLGRIND
  CALLGRIND_DUMP_STATS_AT("platform");
#endif
  if (rc != ENERGON_FW_OK) {
    std::cerr << "energon-vp-bench: driver: " << energon_strerror(rc) << "\n";
    return 1;
  }
  if (header)
    std::printf("%-8s %-6s %6s %12s %12s %8s %12s %12s %8s %14s %9s\n", "policy", "timing", "n", "golden_ms",
                "platform_ms", "ratio", "golden_cpu", "platf_cpu", "cpu_ratio", "accel_cycles", "bit_exact");
  std::printf("%-8s %-6s %6u %12.1f %12.1f %8.2f %12.1f %12.1f %8.2f %14llu %9s\n", policy_text.c_str(), timing.c_str(),
              w.shape.n_k, golden_s * 1e3, platform_s * 1e3, platform_s / golden_s, golden_cpu * 1e3,
              platform_cpu * 1e3, platform_cpu / golden_cpu, (unsigned long long)result.cycles,
              out == gold ? "PASS" : "FAIL");
  return out == gold ? 0 : 1;
}
