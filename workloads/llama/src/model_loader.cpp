#include <cstdio>
#include <cstring>
#include <memory>

#include "energon/llama/model_error.h"
#include "energon/llama/model_loader.h"

namespace energon::llama {
namespace {

bool has_gguf_magic(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ModelError(path, "cannot open model file");
  char magic[4] = {};
  return std::fread(magic, 1, 4, f.get()) == 4 && std::memcmp(magic, "GGUF", 4) == 0;
}

}  // namespace

LoadedModel load_model_files(const std::string& model_path, const std::string& tokenizer_path) {
  if (has_gguf_magic(model_path)) {
    const GgufFile file = GgufFile::read(model_path);
    LoadedModel out{load_gguf_model(file), Tokenizer::from_gguf(file)};
    if (out.tokenizer.vocab_size() != out.model.config.vocab_size)
      throw ModelError(model_path, "vocabulary has " + std::to_string(out.tokenizer.vocab_size()) +
                                       " tokens, the embedding " + std::to_string(out.model.config.vocab_size) +
                                       " rows");
    return out;
  }
  if (tokenizer_path.empty())
    throw ModelError(model_path, "a llama2.c checkpoint needs a tokenizer file (e.g. tok512.bin)");
  Model model = load_llama2c_checkpoint(model_path);
  Tokenizer tok = Tokenizer::from_llama2c(tokenizer_path, model.config.vocab_size);
  return LoadedModel{std::move(model), std::move(tok)};
}

}  // namespace energon::llama
