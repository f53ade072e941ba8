// Throughput of the golden model: the yardstick the virtual platform's speed is measured against.
// Prints figures; asserts nothing (machines are shared and noisy: compare ratios of one run).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "energon/golden/golden.h"
#include "energon/workload/workload.h"

using namespace energon;

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "bert-base-512";
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  try {
    const workload::Workload w = workload::load_workload(name);
    const QuantizedLayer q = golden::quantize_layer(workload::make_layer(w, 0));
    const AttentionShape& s = q.shape;
    std::printf("golden model throughput, %s layer 0: heads %u, n_q %u, n_k %u, d %u (best of %d runs)\n", w.name.c_str(),
                s.heads, s.n_q, s.n_k, s.d, repeats);
    std::printf("%-8s %10s %12s %14s %14s\n", "policy", "ms/layer", "rows/s", "dense-eq GMAC/s", "kept fraction");
    for (const FilterConfig& f : {FilterConfig::dense(), FilterConfig::topk_fraction(kFractionOne / 4), FilterConfig::energon_default()}) {
      double best = 1e30;
      golden::GoldenStats st;
      for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto out = golden::run_attention(q, f, &st);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      // Dense-equivalent work: Q·K and ×V over every allowed key.
      const double macs = 2.0 * double(st.allowed) * s.d;
      std::printf("%-8s %10.2f %12.0f %14.2f %14.4f\n", to_string(f.policy), best * 1e3, double(s.heads) * s.n_q / best,
                  macs / best * 1e-9, st.kept_fraction());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "energon-golden-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
