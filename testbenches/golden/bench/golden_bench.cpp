// Throughput of the golden model: the yardstick the virtual platform's speed is measured against.
// Prints figures; asserts nothing (machines are shared and noisy: compare ratios of one run).
//   energon-golden-bench [workload] [repeats] [model.bin tokenizer.bin]
// 1. the machine's int16 multiply-accumulate peak per core (a pmaddwd probe);
// 2. the golden model per kernel set (scalar = the model before the vector kernels), CPU time;
// 3. the real model (stories260K, whole-sequence causal prefill) with golden attention vs the
//    float path, when the model files are there.
#include <immintrin.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "energon/golden/golden.h"
#include "energon/kernels/kernels.h"
#include "energon/llama/model_loader.h"
#include "energon/llama/transformer.h"
#include "energon/llm_eval/golden_attention.h"
#include "energon/workload/workload.h"

using namespace energon;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

#if defined(__x86_64__) || defined(__i386__)
// 16 independent pmaddwd chains: MACs per second of the vector unit, nothing else.
__attribute__((target("avx512f,avx512bw"))) int64_t probe_avx512(uint64_t iters) {
  __m512i acc[16];
  const __m512i y = _mm512_set1_epi16(1);
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_epi32(i + 1);
  for (uint64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 16; ++i) acc[i] = _mm512_madd_epi16(acc[i], y);
  __m512i s = acc[0];
  for (int i = 1; i < 16; ++i) s = _mm512_add_epi32(s, acc[i]);
  alignas(64) int32_t l[16];
  _mm512_store_si512(l, s);
  return l[0];
}
__attribute__((target("avx2"))) int64_t probe_avx2(uint64_t iters) {
  __m256i acc[12];
  const __m256i y = _mm256_set1_epi16(1);
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_epi32(i + 1);
  for (uint64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_madd_epi16(acc[i], y);
  __m256i s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_epi32(s, acc[i]);
  alignas(32) int32_t l[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), s);
  return l[0];
}
#endif

/// Best-of-5 GMAC/s of one probe (MACs per call = iters · chains · lanes16).
template <class F>
double probe(F f, uint64_t macs_per_iter) {
  const uint64_t iters = 20'000'000;
  double best = 1e30;
  volatile int64_t sink = 0;
  for (int r = 0; r < 5; ++r) {
    const double t0 = cpu_seconds();
    sink = sink + f(iters);
    best = std::min(best, cpu_seconds() - t0);
  }
  return double(iters) * double(macs_per_iter) / best * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "bert-base-512";
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const std::string model_path = argc > 3 ? argv[3] : std::string(ENERGON_SHARED_DIR) + "/models/stories260K.bin";
  const std::string tok_path = argc > 4 ? argv[4] : std::string(ENERGON_SHARED_DIR) + "/models/tok512.bin";
  try {
    double peak = 0.0;
    const char* peak_isa = "none";
#if defined(__x86_64__) || defined(__i386__)
    if (kernels::find("avx512")) {
      peak = probe(probe_avx512, 16 * 32);
      peak_isa = "avx512 vpmaddwd";
    } else if (kernels::find("avx2")) {
      peak = probe(probe_avx2, 12 * 16);
      peak_isa = "avx2 vpmaddwd";
    }
#endif
    std::printf("int16 MAC peak per core (%s probe, CPU time): %.1f GMAC/s\n", peak_isa, peak);

    const workload::Workload w = workload::load_workload(name);
    const QuantizedLayer q = golden::quantize_layer(workload::make_layer(w, 0));
    const AttentionShape& s = q.shape;
    std::printf("golden model throughput, %s layer 0: heads %u, n_q %u, n_k %u, d %u (best of %d runs, CPU time)\n",
                w.name.c_str(), s.heads, s.n_q, s.n_k, s.d, repeats);
    std::printf("%-8s %-8s %10s %12s %16s %9s %14s\n", "kernels", "policy", "ms/layer", "rows/s", "dense-eq GMAC/s",
                "of peak", "kept fraction");
    const kernels::KernelSet& chosen = kernels::active();
    std::vector<int16_t> reference;
    bool same = true;
    for (const kernels::KernelSet* ks : kernels::available()) {
      kernels::set_active(*ks);
      for (const FilterConfig& f :
           {FilterConfig::dense(), FilterConfig::topk_fraction(kFractionOne / 4), FilterConfig::energon_default()}) {
        double best = 1e30;
        golden::GoldenStats st;
        std::vector<int16_t> out;
        for (int r = 0; r < repeats; ++r) {
          const double t0 = cpu_seconds();
          out = golden::run_attention(q, f, &st);
          best = std::min(best, cpu_seconds() - t0);
        }
        if (f.policy == Policy::dense) {
          if (ks == kernels::available().front()) reference = out;
          same = same && out == reference;
        }
        // Dense-equivalent work: Q·K and ×V over every allowed key.
        const double gmacs = 2.0 * double(st.allowed) * s.d / best * 1e-9;
        std::printf("%-8s %-8s %10.2f %12.0f %16.2f %8.1f%% %14.4f\n", ks->name, to_string(f.policy), best * 1e3,
                    double(s.heads) * s.n_q / best, gmacs, peak > 0 ? 100.0 * gmacs / peak : 0.0, st.kept_fraction());
      }
    }
    kernels::set_active(chosen);
    std::printf("outputs of every kernel set bit-identical: %s; the model uses %s\n", same ? "yes" : "NO", chosen.name);

    if (std::ifstream(model_path).good() && std::ifstream(tok_path).good()) {
      const llama::LoadedModel lm = llama::load_model_files(model_path, tok_path);
      std::vector<llama::TokenId> tokens(256);
      for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = llama::TokenId(1 + (i * 37) % 500);
      tokens.resize(std::min<size_t>(tokens.size(), lm.model.config.seq_len));
      const auto time_backend = [&](llama::AttentionBackend* backend) {
        double best = 1e30;
        for (int r = 0; r < repeats; ++r) {
          std::unique_ptr<llama::Transformer> t = backend ? std::make_unique<llama::Transformer>(lm.model, *backend)
                                                          : std::make_unique<llama::Transformer>(lm.model);
          const double t0 = cpu_seconds();
          t->forward_sequence(tokens, 0);
          best = std::min(best, cpu_seconds() - t0);
        }
        return best;
      };
      const double fp = time_backend(nullptr);
      llm_eval::GoldenAttention dense(FilterConfig::dense()), mpmrf(FilterConfig::energon_default());
      const double gd = time_backend(&dense), gm = time_backend(&mpmrf);
      std::printf(
          "real model %s, prefill of %zu tokens (CPU time, best of %d): float path %.2f ms; golden dense "
          "%.2f ms (%.2f× float); golden mpmrf %.2f ms (%.2f× float)\n",
          model_path.substr(model_path.rfind('/') + 1).c_str(), tokens.size(), repeats, fp * 1e3, gd * 1e3, gd / fp,
          gm * 1e3, gm / fp);
    } else {
      std::printf("real model: %s or %s missing, skipped\n", model_path.c_str(), tok_path.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "energon-golden-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
