// The golden model gives the same output with every kernel set of modules/kernels.
#include <catch2/catch.hpp>

#include "energon/golden/golden.h"
#include "energon/kernels/kernels.h"
#include "energon/workload/workload.h"

using namespace energon;
using namespace energon::golden;

namespace {

std::vector<const kernels::KernelSet*> vector_sets() {
  std::vector<const kernels::KernelSet*> v;
  for (const kernels::KernelSet* s : kernels::available())
    if (s != &kernels::scalar()) v.push_back(s);
  return v;
}

}  // namespace

TEST_CASE("golden model output is the same with every kernel set", "[golden][kernels]") {
  workload::Workload w = workload::with_seq_len(workload::load_workload("bert-base-512"), 160);
  const QuantizedLayer layer = quantize_layer(workload::make_layer(w, 0));
  const kernels::KernelSet& before = kernels::active();
  for (const FilterConfig& f :
       {FilterConfig::dense(), FilterConfig::topk_fraction(kFractionOne / 4), FilterConfig::energon_default()}) {
    kernels::set_active(kernels::scalar());
    GoldenStats ref_stats;
    const std::vector<int16_t> ref = run_attention(layer, f, &ref_stats);
    for (const kernels::KernelSet* ks : vector_sets()) {
      kernels::set_active(*ks);
      GoldenStats st;
      CHECK(run_attention(layer, f, &st) == ref);
      CHECK(st.final_kept == ref_stats.final_kept);
      CHECK(st.allowed == ref_stats.allowed);
    }
  }
  kernels::set_active(before);
}
