// Loaders of the two model file formats small-LLM users hold: the llama2.c checkpoint
// (.bin, with a separate tokenizer file) and llama-architecture GGUF (weights and vocabulary
// in one file). All failures are ModelError naming the file and what is wrong.
#pragma once

#include <string>

#include "energon/llama/gguf.h"
#include "energon/llama/model.h"
#include "energon/llama/model_error.h"
#include "energon/llama/tokenizer.h"

namespace energon::llama {

/// llama2.c legacy (version 0) checkpoint: 7 int32 header (dim, hidden_dim, n_layers,
/// n_heads, n_kv_heads, vocab_size — negative means an untied classifier follows — ,
/// seq_len), then float32 weights. The file size must match the header exactly.
Model load_llama2c_checkpoint(const std::string& path);

/// A GGUF file of architecture "llama" with F32/F16 tensors. Q/K rows are used as stored:
/// GGUF llama uses the same interleaved-pair rotary as llama2.c (docs/real-model.md).
Model load_gguf_model(const GgufFile& file);
Model load_gguf_model(const std::string& path);

/// A network and its tokenizer.
struct LoadedModel {
  Model model;
  Tokenizer tokenizer;
};

/// Loads a GGUF file (recognised by its magic; the vocabulary comes from it) or a llama2.c
/// checkpoint plus `tokenizer_path` (required for checkpoints, ignored for GGUF).
LoadedModel load_model_files(const std::string& model_path, const std::string& tokenizer_path = {});

}  // namespace energon::llama
