// energon-soak: many random valid jobs through the whole platform (firmware driver → accelerator →
// DRAM) against the golden model (docs/hardening.md). Each iteration places 1..3 random jobs
// (random shapes, every policy, random rounds / α / top-k, causal or not, data with ±32767, −32768,
// all-equal rows, zeros) with the firmware's energon_job_place, submits them with one doorbell,
// and compares every output and every kept count with the golden model bit for bit.
#include <systemc>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <limits>
#include <sstream>

#include "energon/hw/log.h"
#include "energon/platform/address_map.h"
#include "energon/platform/platform.h"
#include "energon/platform/platform_config.h"
#include "fuzz_common.h"
#include "irq_monitor.h"

using namespace energon;
using namespace energon::fuzz;

namespace {

constexpr const char* kProgram = "energon-soak";
constexpr uint32_t kRingEntries = 8;
constexpr uint32_t kWaitUs = 200000;
const JobBounds kBounds{4, 32, 64};

struct Soak {
  Soak(platform::HostCpu& c, IrqMonitor& i, const Options& o, Watchdog& w) : cpu(c), irq(i), opt(o), wd(w) {}
  platform::HostCpu& cpu;
  IrqMonitor& irq;
  const Options& opt;
  Watchdog& wd;
  uint64_t iterations = 0, jobs = 0;
  Counts policies, data;
  std::string failure;

  void run() {
    energon_dev_t dev;
    const uint64_t ring = cpu.alloc(size_t(kRingEntries) * ENERGON_DESC_BYTES, ENERGON_RING_ALIGN);
    int rc = energon_init(&dev, cpu.hal(), platform::kAccelRegBase);
    if (rc == ENERGON_FW_OK) rc = energon_probe(&dev);
    if (rc == ENERGON_FW_OK) rc = energon_queue_setup(&dev, ring, kRingEntries);
    if (rc != ENERGON_FW_OK) {
      failure = std::string("FAIL: driver bring-up: ") + energon_error_name(rc);
      return;
    }
    const uint64_t arena = cpu.alloc_mark();
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t last = opt.iterations == 0 ? std::numeric_limits<uint64_t>::max() : opt.first + opt.iterations;
    for (uint64_t it = opt.first; it < last; ++it) {
      if (opt.minutes > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= opt.minutes * 60)
        break;
      std::ostringstream repro;
      repro << kProgram << " --seed " << opt.seed << " --first " << it << " --iterations 1 --timing " << opt.timing
            << " --hw " << opt.hw;
      wd.start_iteration(it, repro.str());
      std::mt19937_64 rng = iteration_rng(opt.seed, it);
      cpu.release_to(arena);
      const std::string e = iteration(dev, rng);
      ++iterations;
      if (!e.empty()) {
        failure = "FAIL: seed " + std::to_string(opt.seed) + ", iteration " + std::to_string(it) + ": " + e +
                  "\nreproduce: " + repro.str();
        return;
      }
      if (opt.report_every && iterations % opt.report_every == 0) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%s: %" PRIu64 " iterations, %" PRIu64 " jobs, %.1f s, %.1f jobs/s\n", kProgram, iterations, jobs,
                    s, double(jobs) / s);
        std::fflush(stdout);
      }
    }
  }

  std::string iteration(energon_dev_t& dev, std::mt19937_64& rng) {
    const uint32_t count = uint32_t(std::uniform_int_distribution<uint32_t>(1, 3)(rng));
    std::vector<JobSpec> specs;
    std::vector<energon_desc_t> descs;
    std::vector<GoldenResult> gold;
    for (uint32_t i = 0; i < count; ++i) {
      specs.push_back(random_job(rng, kBounds));
      const Placed p = place(cpu, specs.back());
      if (p.rc != ENERGON_FW_OK) return std::string("energon_job_place: ") + energon_error_name(p.rc);
      descs.push_back(p.desc);
      gold.push_back(golden_of(specs.back()));
    }
    uint32_t index = 0;
    const uint64_t rises = irq.rises;
    int rc = energon_submit(&dev, descs.data(), count, &index);
    if (rc != ENERGON_FW_OK) return std::string("energon_submit: ") + energon_error_name(rc);
    jobs += count;
    wd.set_phase("waiting for jobs");
    energon_wait_info_t info{};
    rc = energon_wait(&dev, kWaitUs, &info);
    wd.set_phase("checking");
    cpu.sync();
    std::ostringstream e;
    if (rc != ENERGON_FW_OK)
      e << "energon_wait: " << energon_error_name(rc) << " (STATUS.ERR_CODE " << error_name(uint8_t(info.last_error))
        << ", ERR_DESC " << info.err_desc << ")";
    else if (irq.rises == rises)
      e << "the interrupt line never rose";
    for (uint32_t i = 0; i < count && e.str().empty(); ++i) {
      energon_result_t r{};
      energon_read_result(&dev, (index + i) % kRingEntries, &r);
      std::vector<int16_t> out(specs[i].q.size());
      if (!cpu.read_mem(descs[i].out_addr, out.data(), out.size() * 2)) return "reading an output back";
      const std::string diff = compare_with_golden(descs[i], r, out, gold[i]);
      if (!diff.empty()) {
        const AttentionShape& s = specs[i].shape;
        e << "job " << i + 1 << " of " << count << " (" << s.heads << "x" << s.kv_heads << " heads, n_q " << s.n_q
          << ", n_k " << s.n_k << ", valid_len " << s.valid_len << ", d " << s.d << (s.causal ? ", causal" : "") << ", "
          << to_string(specs[i].filter.policy) << ", data " << specs[i].data_kind << "): " << diff;
      }
      ++policies[to_string(specs[i].filter.policy)];
      std::istringstream kinds(specs[i].data_kind);
      for (std::string k; kinds >> k;) ++data[k];
    }
    return e.str();
  }
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  Options o;
  o.iterations = 100;
  platform::PlatformConfig cfg;
  if (const int rc =
          set_up(argc, argv, kProgram, "random valid jobs through the platform against the golden model", o, cfg);
      rc >= 0)
    return rc;
  platform::Platform top("top", cfg,
                         o.timing == "lt" ? platform::PlatformTiming::lt : platform::PlatformTiming::accurate);
  IrqMonitor irq("irq_monitor");
  irq.irq.bind(top.irq);
  Watchdog wd(o.iteration_timeout_s, kProgram);
  Soak soak(top.cpu, irq, o, wd);
  top.cpu.load_program([&](platform::HostCpu&) {
    try {
      soak.run();
    } catch (const std::exception& e) {
      soak.failure = std::string("FAIL: exception: ") + e.what();
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf("%s: seed %" PRIu64 ", iterations %" PRIu64 "..%" PRIu64 ", timing %s, hw %s\n", kProgram, o.seed,
              o.first, o.first + soak.iterations, o.timing.c_str(), o.hw.c_str());
  print_counts("jobs per policy", soak.policies);
  print_counts("tensors per data kind", soak.data);
  std::printf("%" PRIu64 " jobs (%" PRIu64 " doorbells) in %.2f s: %.1f jobs/s\n", soak.jobs, soak.iterations, secs,
              double(soak.jobs) / secs);
  std::string error = soak.failure;
  if (error.empty() && !top.cpu.finished()) error = "FAIL: the simulation ended before the program did (a hang)";
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::printf("%s: FAIL\n", kProgram);
    return 1;
  }
  std::printf("%s: PASS\n", kProgram);
  return 0;
}
