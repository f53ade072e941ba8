// Fidelity of the controller model against the DRAMSys reference (docs/dram.md "Fidelity"):
// replays the reference traces (full length: they are short enough) and checks, for every
// trace × variant × scheduler, bandwidth within 10 % under `sat` load, or mean and p95 read
// latency within 10 % and 15 % under `mod` load.
//   dram_fidelity_test sat|mod VARIANT...   (exit 77 = skipped: no ../shared/reference/dram)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "dram_reference_table.h"

using namespace energon::hw;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: dram_fidelity_test sat|mod VARIANT...\n");
    return 2;
  }
  const std::string load = argv[1];
  const std::vector<std::string> variants(argv + 2, argv + argc);
  const std::string reference = std::string(ENERGON_SHARED_DIR) + "/reference/dram";
  if (!std::filesystem::exists(reference + "/reference.json") || !std::filesystem::exists("/usr/bin/python3")) {
    std::printf("skipped: %s/reference.json (or /usr/bin/python3) not found\n", reference.c_str());
    return 77;
  }
  char tmpl[] = "/tmp/energon-dram-fidelity-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (!dir) return 1;
  int failures = 0;
  try {
    generate_dram_reference_traces(reference, dir, load);
    std::fputs(dram_reference_table_header().c_str(), stdout);
    const auto rows = compare_with_dram_reference(reference, dir, load, variants, 0, [&](const DramReferenceRow& r) {
      std::fputs(dram_reference_table_row(r).c_str(), stdout);
      const bool ok = load == "sat" ? std::abs(r.bandwidth_ratio() - 1) <= 0.10
                                    : std::abs(r.mean_ratio() - 1) <= 0.10 && std::abs(r.p95_ratio() - 1) <= 0.15;
      if (!ok) {
        std::printf("  FAILED: %s %s %s outside the tolerance\n", r.trace.c_str(), r.config.variant.c_str(),
                    r.config.scheduler.c_str());
        ++failures;
      }
    });
    if (rows.empty()) {
      std::printf("FAILED: no case matched the variants given\n");
      ++failures;
    }
  } catch (const std::exception& e) {
    std::printf("FAILED: %s\n", e.what());
    ++failures;
  }
  std::filesystem::remove_all(dir);
  std::printf("%s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
