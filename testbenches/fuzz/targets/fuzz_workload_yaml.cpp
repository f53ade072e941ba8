// Workload YAML (workloads/loader); refusals are WorkloadError. An accepted workload must have a
// shape the spec accepts.
#include "energon/workload/workload.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  fuzz::refusing_only<workload::WorkloadError>([&] {
    const workload::Workload w = workload::parse_workload(fuzz::text_of(data, size), "/nonexistent/fuzz.yaml");
    if (!validate(w.shape).empty()) __builtin_trap();
  });
  return 0;
}
