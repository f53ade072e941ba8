// Score-driven BPE tokenizer of llama2.c (sentencepiece vocabulary): encode with a dummy
// leading space and UTF-8 byte fallback, decode with the llama2.c piece rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace energon::llama {

class GgufFile;

using TokenId = int32_t;

class Tokenizer {
 public:
  static constexpr TokenId kUnk = 0;
  static constexpr TokenId kBos = 1;
  static constexpr TokenId kEos = 2;
  static constexpr TokenId kFirstByteToken = 3;  ///< <0x00>; <0xFF> is 258

  /// llama2.c tokenizer file (int32 max token length; per token: float32 score, int32
  /// length, bytes). The file does not store the vocabulary size: the model's is given.
  static Tokenizer from_llama2c(const std::string& path, uint32_t vocab_size);
  /// tokenizer.ggml.tokens / scores of a GGUF file ("▁" becomes a space, as llama2.c's
  /// exporter does). ModelError when missing, mistyped or of different lengths.
  static Tokenizer from_gguf(const GgufFile& file);

  Tokenizer() = default;
  /// Pieces (spaces as ' ') and merge scores, one per id. `source` names the origin in errors.
  Tokenizer(std::vector<std::string> pieces, std::vector<float> scores, std::string source);

  /// llama2.c encode(): optional BOS, a " " dummy prefix when text is non-empty, one token
  /// per UTF-8 code point (byte tokens when absent), then highest-score pair merges.
  std::vector<TokenId> encode(std::string_view text, bool bos, bool eos) const;
  /// The text of `token` following `prev`: a leading space is dropped after BOS and
  /// <0xXX> pieces become that raw byte.
  std::string decode(TokenId prev, TokenId token) const;
  /// Concatenated decode of a sequence (each token decoded after its predecessor, the first
  /// after `prev`). BOS/EOS pieces are skipped.
  std::string decode(const std::vector<TokenId>& tokens, TokenId prev = kBos) const;

  uint32_t vocab_size() const { return static_cast<uint32_t>(pieces_.size()); }
  const std::string& piece(TokenId id) const { return pieces_.at(static_cast<size_t>(id)); }
  float score(TokenId id) const { return scores_.at(static_cast<size_t>(id)); }
  /// Id of an exact piece, −1 when absent.
  TokenId lookup(std::string_view piece) const;
  /// The byte-fallback piece of a byte: "<0xXX>" (upper-case hex).
  static std::string byte_piece(unsigned char b);

 private:
  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::unordered_map<std::string, TokenId> ids_;
  std::string source_;
};

}  // namespace energon::llama
