// llama2.c tokenizer files and the BPE encoder on them (workloads/llama); refusals are ModelError.
// Input: 2 bytes vocabulary size, 2 bytes text length, the text, then the tokenizer file.
#include "energon/llama/model_error.h"
#include "energon/llama/tokenizer.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  if (size < 4) return 0;
  const uint32_t vocab = uint32_t(data[0] | data[1] << 8) % 1024 + 1;
  size_t text_len = size_t(data[2] | data[3] << 8);
  if (text_len > size - 4) text_len = size - 4;
  const std::string text = fuzz::text_of(data + 4, text_len);
  const std::string path = fuzz::file_of(data + 4 + text_len, size - 4 - text_len, ".tok");
  fuzz::refusing_only<llama::ModelError>([&] {
    const llama::Tokenizer t = llama::Tokenizer::from_llama2c(path, vocab);
    for (llama::TokenId id : t.encode(text, true, true))
      if (id < 0 || uint32_t(id) >= t.vocab_size()) __builtin_trap();
  });
  return 0;
}
