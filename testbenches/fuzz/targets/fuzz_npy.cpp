// .npy tensors (workloads/loader npy); refusals are WorkloadError. An accepted array holds as
// many finite values as its shape says.
#include <cmath>

#include "energon/workload/npy.h"
#include "energon/workload/workload_error.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  const std::string path = fuzz::file_of(data, size, ".npy");
  fuzz::refusing_only<workload::WorkloadError>([&] {
    const workload::NpyArray a = workload::read_npy(path);
    uint64_t n = 1;
    for (uint64_t d : a.header.shape) n *= d;
    if (n != a.data.size()) __builtin_trap();
  });
  return 0;
}
