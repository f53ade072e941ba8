// Simulation speed of the DRAM timing model alone: a DMA-like stream (4 KiB transactions, the
// accelerator's AXI split, four per request, one request in flight, 3 in 4 reads) through the fast
// path or through the per-burst reference. Prints host time per burst and a digest of the end
// cycles and counters, which the two models must print alike.
// Usage: dram-timing-bench [PRESET] [fast|reference] [REQUESTS]   (e.g. under valgrind --tool=callgrind)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../tests/dram_reference_timing.h"
#include "dram_bank_timing.h"
#include "energon/config/dram_yaml.h"

namespace {

template <typename Model>
uint64_t run(Model& model, const energon::hw::DramConfig& cfg, energon::hw::DramStats& stats, long requests) {
  uint64_t digest = 0, address = 0;
  int64_t arrival = 0;
  for (long r = 0; r < requests; ++r) {
    const bool write = r % 4 == 3;
    int64_t end = arrival;
    for (int piece = 0; piece < 4; ++piece) {
      end = std::max(end, model.access(write, address, 4096, arrival, stats));
      address = (address + 4096) % cfg.size_bytes;
    }
    digest = digest * 1000003 + uint64_t(end);
    arrival = end;
  }
  const auto t = stats.total();
  return digest ^ (t.row_hits * 31 + t.activates * 17 + t.refreshes);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string preset = argc > 1 ? argv[1] : "lpddr4-4266";
  const std::string model = argc > 2 ? argv[2] : "fast";
  const long requests = argc > 3 ? std::atol(argv[3]) : 20000;
  if (model != "fast" && model != "reference") {
    std::fprintf(stderr, "dram-timing-bench: model must be fast or reference, not '%s'\n", model.c_str());
    return 2;
  }
  const energon::hw::DramConfig cfg = energon::hw::load_dram_config(preset);
  energon::hw::DramStats stats(cfg.channels, cfg.tck_ps, cfg.peak_bandwidth_gbps());
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t digest = 0, closed_form = 0;
  if (model == "fast") {
    energon::hw::DramBankTiming timing(cfg);
    digest = run(timing, cfg, stats, requests);
    closed_form = timing.bursts_in_closed_form();
  } else {
    energon::hw::test::DramReferenceTiming timing(cfg);
    digest = run(timing, cfg, stats, requests);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t bursts = stats.reads() + stats.writes();
  std::printf(
      "%s %s: %ld requests, %llu bursts (%.1f%% in closed form), %.2f ns/burst, row hits %.4f, digest %016llx\n",
      preset.c_str(), model.c_str(), requests, static_cast<unsigned long long>(bursts),
      100.0 * double(closed_form) / double(bursts), s * 1e9 / double(bursts), stats.row_hit_rate(),
      static_cast<unsigned long long>(digest));
  return 0;
}
