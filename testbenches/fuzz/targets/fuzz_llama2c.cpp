// llama2.c checkpoints (workloads/llama); refusals are ModelError.
#include "energon/llama/model_error.h"
#include "energon/llama/model_loader.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  const std::string path = fuzz::file_of(data, size, ".bin");
  fuzz::refusing_only<llama::ModelError>([&] {
    const llama::Model m = llama::load_llama2c_checkpoint(path);
    if (!llama::check_consistency(m).empty()) __builtin_trap();
  });
  return 0;
}
