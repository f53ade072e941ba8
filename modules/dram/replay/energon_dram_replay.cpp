// energon-dram-replay: replays the DRAMSys reference traces through the controller model and
// prints the comparison with reference.json (the fidelity table of docs/dram.md).
//   energon-dram-replay [--reference DIR] [--load sat|mod|all] [--requests N] [--variant V]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "dram_reference_table.h"

using namespace energon::hw;

int main(int argc, char** argv) {
  std::string reference = std::string(ENERGON_SHARED_DIR) + "/reference/dram";
  std::string load = "all", only_variant;
  size_t requests = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << ": missing value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--reference")
      reference = value();
    else if (a == "--load")
      load = value();
    else if (a == "--requests")
      requests = std::stoul(value());
    else if (a == "--variant")
      only_variant = value();
    else {
      std::cerr << "usage: energon-dram-replay [--reference DIR] [--load sat|mod|all] [--requests N] [--variant V]\n";
      return 2;
    }
  }
  if (!std::filesystem::exists(reference + "/reference.json")) {
    std::cerr << reference << "/reference.json not found (give --reference DIR)\n";
    return 1;
  }
  char tmpl[] = "/tmp/energon-dram-traces-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (!dir) return 1;
  for (const std::string l : {"sat", "mod"}) {
    if (load != "all" && load != l) continue;
    generate_dram_reference_traces(reference, dir, l);
    std::printf("\n### load = %s%s\n\n%s", l.c_str(),
                requests ? (" (first " + std::to_string(requests) + " requests)").c_str() : "",
                dram_reference_table_header().c_str());
    const std::vector<std::string> variants =
        only_variant.empty() ? std::vector<std::string>{} : std::vector<std::string>{only_variant};
    compare_with_dram_reference(reference, dir, l, variants, requests, [&](const DramReferenceRow& r) {
      std::fputs(dram_reference_table_row(r).c_str(), stdout);
      std::fflush(stdout);
    });
  }
  std::filesystem::remove_all(dir);
  return 0;
}
