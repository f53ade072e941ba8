#include "energon/llama/tokenizer.h"

#include <cstring>

#include "energon/llama/gguf.h"
#include "energon/llama/model_error.h"
#include "file_bytes.h"

namespace energon::llama {
namespace {

// "<0xXX>" → the byte value, −1 for any other piece.
int byte_of_piece(const std::string& p) {
  if (p.size() != 6 || p.compare(0, 3, "<0x") != 0 || p[5] != '>') return -1;
  int v = 0;
  for (int i = 3; i < 5; ++i) {
    const char ch = p[static_cast<size_t>(i)];
    int d;
    if (ch >= '0' && ch <= '9')
      d = ch - '0';
    else if (ch >= 'A' && ch <= 'F')
      d = ch - 'A' + 10;
    else if (ch >= 'a' && ch <= 'f')
      d = ch - 'a' + 10;
    else
      return -1;
    v = v * 16 + d;
  }
  return v;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace

Tokenizer::Tokenizer(std::vector<std::string> pieces, std::vector<float> scores, std::string source)
    : pieces_(std::move(pieces)), scores_(std::move(scores)), source_(std::move(source)) {
  if (pieces_.size() != scores_.size())
    throw ModelError(source_, "vocabulary has " + std::to_string(pieces_.size()) + " pieces but " +
                                  std::to_string(scores_.size()) + " scores");
  if (pieces_.size() <= static_cast<size_t>(kEos) || pieces_.size() > size_t(INT32_MAX))
    throw ModelError(
        source_, "vocabulary size " + std::to_string(pieces_.size()) + " is outside 3.." + std::to_string(INT32_MAX));
  ids_.reserve(pieces_.size());
  for (size_t i = 0; i < pieces_.size(); ++i) ids_.emplace(pieces_[i], static_cast<TokenId>(i));
}

Tokenizer Tokenizer::from_llama2c(const std::string& path, uint32_t vocab_size) {
  const std::vector<uint8_t> bytes = detail::read_file_bytes(path, detail::kMaxTokenizerFileBytes);
  detail::ByteCursor in(path, bytes);
  const int32_t max_len = in.read<int32_t>("max token length");
  if (max_len < 0) throw ModelError(path, "corrupted header: max token length is " + std::to_string(max_len));
  // Each token needs at least a score and a length (8 bytes): check before allocating.
  in.require(uint64_t(vocab_size) * 8, std::to_string(vocab_size) + " tokens");
  std::vector<std::string> pieces;
  std::vector<float> scores;
  pieces.reserve(vocab_size);
  scores.reserve(vocab_size);
  for (uint32_t i = 0; i < vocab_size; ++i) {
    const std::string what = "token " + std::to_string(i);
    scores.push_back(in.read<float>(what + " score"));
    const int32_t len = in.read<int32_t>(what + " length");
    if (len < 0 || static_cast<uint64_t>(len) > in.remaining())
      throw ModelError(path, "corrupted file: " + what + " has length " + std::to_string(len) + " with " +
                                 std::to_string(in.remaining()) + " bytes left");
    pieces.push_back(in.read_string(static_cast<uint64_t>(len), what));
  }
  if (in.remaining() != 0)
    throw ModelError(path, "inconsistent sizes: " + std::to_string(in.remaining()) + " bytes follow the last of " +
                               std::to_string(vocab_size) + " tokens (tokenizer of another vocabulary size?)");
  return Tokenizer(std::move(pieces), std::move(scores), path);
}

Tokenizer Tokenizer::from_gguf(const GgufFile& f) {
  const std::string model = f.get_string("tokenizer.ggml.model");
  if (model != "llama")
    throw ModelError(
        f.path(), "tokenizer.ggml.model '" + model + "' is not supported (only the sentencepiece 'llama' vocabulary)");
  const GgufValue* tokens = f.find("tokenizer.ggml.tokens");
  const GgufValue* scores = f.find("tokenizer.ggml.scores");
  if (!tokens || tokens->type != GgufType::array || tokens->element_type != GgufType::string)
    throw ModelError(f.path(), "tokenizer.ggml.tokens missing or not an array of strings");
  if (!scores || scores->type != GgufType::array || scores->element_type != GgufType::f32)
    throw ModelError(f.path(), "tokenizer.ggml.scores missing or not an array of float32");
  std::vector<std::string> pieces;
  std::vector<float> s;
  for (const GgufValue& t : tokens->array) pieces.push_back(replace_all(t.str, "\xE2\x96\x81", " "));
  for (const GgufValue& v : scores->array) s.push_back(static_cast<float>(v.f));
  return Tokenizer(std::move(pieces), std::move(s), f.path());
}

TokenId Tokenizer::lookup(std::string_view piece) const {
  auto it = ids_.find(std::string(piece));
  return it == ids_.end() ? -1 : it->second;
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool bos, bool eos) const {
  std::vector<TokenId> tokens;
  if (bos) tokens.push_back(kBos);
  if (!text.empty()) {
    const TokenId dummy = lookup(" ");
    if (dummy >= 0) tokens.push_back(dummy);
  }
  // One token per UTF-8 code point (at most 4 bytes), bytes as <0xXX> when not in the vocabulary.
  std::string unit;
  for (size_t c = 0; c < text.size(); ++c) {
    const auto byte = static_cast<unsigned char>(text[c]);
    if ((byte & 0xC0) != 0x80) unit.clear();
    unit.push_back(static_cast<char>(byte));
    const bool next_continues = c + 1 < text.size() && (static_cast<unsigned char>(text[c + 1]) & 0xC0) == 0x80;
    if (next_continues && unit.size() < 4) continue;
    const TokenId id = lookup(unit);
    if (id >= 0) {
      tokens.push_back(id);
    } else {
      for (unsigned char b : unit) {
        const TokenId bt = lookup(byte_piece(b));
        tokens.push_back(bt >= 0 ? bt : kUnk);
      }
    }
    unit.clear();
  }
  // Merge the adjacent pair whose concatenation has the highest score until none merges.
  std::string pair;
  for (;;) {
    float best_score = -1e10f;
    TokenId best_id = -1;
    size_t best_idx = 0;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      pair = pieces_[static_cast<size_t>(tokens[i])];
      pair += pieces_[static_cast<size_t>(tokens[i + 1])];
      const TokenId id = lookup(pair);
      if (id >= 0 && scores_[static_cast<size_t>(id)] > best_score) {
        best_score = scores_[static_cast<size_t>(id)];
        best_id = id;
        best_idx = i;
      }
    }
    if (best_id < 0) break;
    tokens[best_idx] = best_id;
    tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(best_idx) + 1);
  }
  if (eos) tokens.push_back(kEos);
  return tokens;
}

std::string Tokenizer::byte_piece(unsigned char b) {
  static const char hex[] = "0123456789ABCDEF";
  return std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">";
}

std::string Tokenizer::decode(TokenId prev, TokenId token) const {
  if (token < 0 || static_cast<size_t>(token) >= pieces_.size())
    throw std::out_of_range("token id " + std::to_string(token) + " outside the vocabulary of " +
                            std::to_string(pieces_.size()));
  const std::string& p = pieces_[static_cast<size_t>(token)];
  const int b = byte_of_piece(p);
  if (b >= 0) return std::string(1, static_cast<char>(b));
  if (prev == kBos && !p.empty() && p[0] == ' ') return p.substr(1);
  return p;
}

std::string Tokenizer::decode(const std::vector<TokenId>& tokens, TokenId prev) const {
  std::string out;
  for (TokenId t : tokens) {
    if (t != kBos && t != kEos) out += decode(prev, t);
    prev = t;
  }
  return out;
}

}  // namespace energon::llama
