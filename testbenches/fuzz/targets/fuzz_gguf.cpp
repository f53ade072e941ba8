// GGUF model files (workloads/llama): the container, the llama model and its vocabulary; refusals
// are ModelError.
#include "energon/llama/gguf.h"
#include "energon/llama/model_error.h"
#include "energon/llama/model_loader.h"
#include "energon/llama/tokenizer.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  const std::string path = fuzz::file_of(data, size, ".gguf");
  fuzz::refusing_only<llama::ModelError>([&] {
    const llama::GgufFile f = llama::GgufFile::read(path);
    fuzz::refusing_only<llama::ModelError>([&] { (void)llama::Tokenizer::from_gguf(f); });
    const llama::Model m = llama::load_gguf_model(f);
    if (!llama::check_consistency(m).empty()) __builtin_trap();
  });
  return 0;
}
