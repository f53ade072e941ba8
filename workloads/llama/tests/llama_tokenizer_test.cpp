// llama2.c BPE tokenizer from tok512.bin and from the GGUF vocabulary.
#include <algorithm>
#include <catch2/catch.hpp>

#include "energon/llama/gguf.h"
#include "energon/llama/model_loader.h"
#include "model_files.h"

using namespace energon::llama;

TEST_CASE("llama tokenizer round-trips Once upon a time", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Tokenizer bin = Tokenizer::from_llama2c(test::tokenizer_path(), 512);
  const Tokenizer gguf = Tokenizer::from_gguf(GgufFile::read(test::gguf_path()));
  const std::string text = "Once upon a time";
  const std::vector<TokenId> tokens = bin.encode(text, true, false);
  REQUIRE(tokens.size() >= 3);
  CHECK(tokens.front() == Tokenizer::kBos);
  CHECK(tokens.size() < text.size());  // merges happened
  CHECK(bin.piece(tokens[1]) == " Once");
  CHECK(bin.decode(tokens) == text);
  CHECK(gguf.encode(text, true, false) == tokens);
  CHECK(gguf.decode(tokens) == text);
  // EOS appended; leading space kept when the previous token is not BOS.
  const std::vector<TokenId> with_eos = bin.encode(text, true, true);
  CHECK(with_eos.back() == Tokenizer::kEos);
  CHECK(bin.decode(Tokenizer::kBos + 400, tokens[1]) == " Once");
}

TEST_CASE("llama tokenizer encodes the empty text as BOS only", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Tokenizer bin = Tokenizer::from_llama2c(test::tokenizer_path(), 512);
  CHECK(bin.encode("", true, false) == std::vector<TokenId>{Tokenizer::kBos});
  CHECK(bin.encode("", false, false).empty());
}

TEST_CASE("llama tokenizer falls back to byte tokens", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Tokenizer bin = Tokenizer::from_llama2c(test::tokenizer_path(), 512);
  // U+4E2D is not in the 512-token vocabulary: its three UTF-8 bytes become <0xE4><0xB8><0xAD>.
  const std::string text = "a \xE4\xB8\xAD b";
  const std::vector<TokenId> tokens = bin.encode(text, true, false);
  const std::vector<TokenId> bytes = {Tokenizer::kFirstByteToken + 0xE4, Tokenizer::kFirstByteToken + 0xB8,
                                      Tokenizer::kFirstByteToken + 0xAD};
  CHECK(std::search(tokens.begin(), tokens.end(), bytes.begin(), bytes.end()) != tokens.end());
  CHECK(bin.decode(tokens) == text);
  CHECK(bin.decode(Tokenizer::kBos, Tokenizer::kFirstByteToken + 0x0A) == "\n");
  CHECK(Tokenizer::byte_piece(0x0A) == "<0x0A>");
}

TEST_CASE("llama tokenizer file rejects truncation and corrupted lengths", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const std::vector<uint8_t> good = test::read_bytes(test::tokenizer_path());
  const test::TempFile truncated("tok_truncated.bin", {good.begin(), good.end() - 10});
  CHECK_THROWS_WITH(Tokenizer::from_llama2c(truncated.path(), 512),
                    Catch::Contains(truncated.path()) && Catch::Contains("truncated"));
  std::vector<uint8_t> bad = good;
  test::poke<int32_t>(bad, 8, 0x7fffffff);  // length of token 0
  const test::TempFile corrupted("tok_corrupted.bin", bad);
  CHECK_THROWS_WITH(Tokenizer::from_llama2c(corrupted.path(), 512),
                    Catch::Contains(corrupted.path()) && Catch::Contains("token 0 has length 2147483647"));
  // A tokenizer of another vocabulary size leaves bytes over.
  CHECK_THROWS_WITH(Tokenizer::from_llama2c(test::tokenizer_path(), 500),
                    Catch::Contains("bytes follow the last of 500 tokens"));
  CHECK_THROWS_WITH(Tokenizer::from_llama2c(test::tokenizer_path(), 100000000), Catch::Contains("truncated"));
  CHECK_THROWS_AS(Tokenizer::from_llama2c(test::model_dir() + "/missing.bin", 512), ModelError);
}
