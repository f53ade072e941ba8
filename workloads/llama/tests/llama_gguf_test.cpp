// GGUF reader and llama GGUF loader: every metadata type, F16 tensors, the stories260K file
// against the llama2.c checkpoint, and rejection of truncated / corrupted / unsupported files.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "energon/llama/model_loader.h"
#include "energon/llama/transformer.h"
#include "gguf_writer.h"
#include "model_files.h"

using namespace energon::llama;
using test::GgufWriter;

namespace {

// Offset just past the first occurrence of `text` in `bytes`.
size_t offset_after(const std::vector<uint8_t>& bytes, const std::string& text) {
  auto it = std::search(bytes.begin(), bytes.end(), text.begin(), text.end());
  REQUIRE(it != bytes.end());
  return static_cast<size_t>(it - bytes.begin()) + text.size();
}

std::vector<uint8_t> halves(size_t n, uint32_t salt) {
  std::vector<uint8_t> b;
  for (size_t i = 0; i < n; ++i) {
    // Finite halves of magnitude 2^-4..2^-1 with varying mantissa and sign.
    const uint16_t h = static_cast<uint16_t>(((i + salt) % 2 ? 0x8000 : 0) | 0x2C00 | (((i + salt) * 37) % 0x0C00));
    GgufWriter::put(b, h);
  }
  return b;
}

// A 1-layer llama GGUF with F16 weights, no output.weight (tied classifier).
GgufWriter tiny_llama(bool f16 = true, uint32_t heads = 2, const std::string& vocab = "llama") {
  const uint64_t dim = 8, hid = 12, kv = 4, voc = 8;
  GgufWriter w;
  w.kv_string("general.architecture", "llama");
  w.kv_u32("llama.embedding_length", dim);
  w.kv_u32("llama.feed_forward_length", hid);
  w.kv_u32("llama.block_count", 1);
  w.kv_u32("llama.attention.head_count", heads);
  w.kv_u32("llama.attention.head_count_kv", 1);
  w.kv_u32("llama.context_length", 16);
  w.kv_f32("llama.attention.layer_norm_rms_epsilon", 1e-6f);
  w.kv_f32("llama.rope.freq_base", 500000.0f);
  w.kv_string("tokenizer.ggml.model", vocab);
  const std::string space = "\xE2\x96\x81";  // sentencepiece's word-start mark U+2581
  w.kv_strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", space, "a", "b", space + "a", "ab"});
  w.kv_f32s("tokenizer.ggml.scores", {0, 0, 0, -1, -2, -3, -4, -5});
  uint32_t salt = 0;
  auto t = [&](const std::string& name, const std::vector<uint64_t>& dims) {
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    if (f16) {
      w.tensor(name, dims, 1, halves(n, ++salt));
    } else {
      std::vector<float> v(n);
      for (uint64_t i = 0; i < n; ++i) v[i] = 0.01f * static_cast<float>((i * 7 + ++salt) % 13) - 0.06f;
      w.tensor_f32(name, dims, v);
    }
  };
  t("token_embd.weight", {dim, voc});
  t("blk.0.attn_norm.weight", {dim});
  t("blk.0.attn_q.weight", {dim, dim});
  t("blk.0.attn_k.weight", {dim, kv});
  t("blk.0.attn_v.weight", {dim, kv});
  t("blk.0.attn_output.weight", {dim, dim});
  t("blk.0.ffn_norm.weight", {dim});
  t("blk.0.ffn_gate.weight", {dim, hid});
  t("blk.0.ffn_down.weight", {hid, dim});
  t("blk.0.ffn_up.weight", {dim, hid});
  t("output_norm.weight", {dim});
  return w;
}

}  // namespace

TEST_CASE("llama half_to_float converts exactly", "[llama]") {
  CHECK(half_to_float(0x3C00) == 1.0f);
  CHECK(half_to_float(0xC000) == -2.0f);
  CHECK(half_to_float(0x7BFF) == 65504.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));
  CHECK(half_to_float(0x03FF) == std::ldexp(1023.0f, -24));
  CHECK(half_to_float(0x3555) == 0.25f + 0x155 * std::ldexp(1.0f, -12));  // 2^-2·(1 + m/1024)
  CHECK(std::signbit(half_to_float(0x8000)));
  CHECK(half_to_float(0x7C00) == std::numeric_limits<float>::infinity());
  CHECK(std::isnan(half_to_float(0x7E00)));
}

TEST_CASE("llama gguf reads metadata of every type", "[llama]") {
  GgufWriter w;
  std::vector<uint8_t> b;
  auto raw = [&](const std::string& key, GgufType type, auto value) {
    b.clear();
    GgufWriter::put(b, value);
    w.kv_raw(key, type, b);
  };
  raw("t.u8", GgufType::u8, uint8_t{200});
  raw("t.i8", GgufType::i8, int8_t{-100});
  raw("t.u16", GgufType::u16, uint16_t{60000});
  raw("t.i16", GgufType::i16, int16_t{-30000});
  raw("t.u32", GgufType::u32, uint32_t{4000000000u});
  raw("t.i32", GgufType::i32, int32_t{-2000000000});
  raw("t.f32", GgufType::f32, 1.5f);
  raw("t.bool", GgufType::boolean, uint8_t{1});
  raw("t.u64", GgufType::u64, uint64_t{1} << 40);
  raw("t.i64", GgufType::i64, -(int64_t{1} << 40));
  raw("t.f64", GgufType::f64, 0.125);
  raw("general.alignment", GgufType::u32, uint32_t{64});
  w.kv_string("t.string", "h\xC3\xA9llo");
  w.kv_strings("t.strings", {"a", "", "ccc"});
  b.clear();  // array of int32 arrays: [[7, 8], []]
  GgufWriter::put<uint32_t>(b, 9);
  GgufWriter::put<uint64_t>(b, 2);
  GgufWriter::put<uint32_t>(b, 5);
  GgufWriter::put<uint64_t>(b, 2);
  GgufWriter::put<int32_t>(b, 7);
  GgufWriter::put<int32_t>(b, 8);
  GgufWriter::put<uint32_t>(b, 5);
  GgufWriter::put<uint64_t>(b, 0);
  w.kv_raw("t.nested", GgufType::array, b);
  w.tensor_f32("x", {3}, {1.0f, 2.0f, 3.0f});
  w.tensor("y", {2, 2}, 1, {0x00, 0x3C, 0x00, 0xC0, 0x00, 0x00, 0xFF, 0x7B});
  const test::TempFile f("every_type.gguf", w.bytes(64));

  const GgufFile g = GgufFile::read(f.path());
  CHECK(g.version() == 3);
  CHECK(g.alignment() == 64);
  CHECK(g.get_uint("t.u8") == 200);
  CHECK(g.find("t.i8")->i == -100);
  CHECK(g.get_uint("t.u16") == 60000);
  CHECK(g.find("t.i16")->i == -30000);
  CHECK(g.get_uint("t.u32") == 4000000000u);
  CHECK(g.find("t.i32")->i == -2000000000);
  CHECK(g.get_float("t.f32") == 1.5);
  CHECK(g.find("t.bool")->b);
  CHECK(g.get_uint("t.u64") == (uint64_t{1} << 40));
  CHECK(g.find("t.i64")->i == (-(int64_t{1} << 40)));
  CHECK(g.get_float("t.f64") == 0.125);
  CHECK(g.get_string("t.string") == "h\xC3\xA9llo");
  const GgufValue* s = g.find("t.strings");
  REQUIRE(s->array.size() == 3);
  CHECK(s->element_type == GgufType::string);
  CHECK(s->array[2].str == "ccc");
  const GgufValue* n = g.find("t.nested");
  REQUIRE(n->array.size() == 2);
  CHECK(n->array[0].array[1].i == 8);
  CHECK(n->array[1].array.empty());
  CHECK(g.get_uint("absent", 5) == 5);
  CHECK_THROWS_WITH(g.get_uint("t.i8"), Catch::Contains("'t.i8'") && Catch::Contains("int8"));
  CHECK_THROWS_WITH(g.get_string("t.u8"), Catch::Contains("expected string"));
  CHECK_THROWS_WITH(g.get_float("absent"), Catch::Contains("missing metadata key 'absent'"));
  CHECK(g.tensor_as_float("x", {3}) == std::vector<float>{1.0f, 2.0f, 3.0f});
  CHECK(g.tensor_as_float("y", {2, 2}) == std::vector<float>{1.0f, -2.0f, 0.0f, 65504.0f});
  CHECK_THROWS_WITH(g.tensor_as_float("x", {4}), Catch::Contains("shape [3], expected [4]"));
}

TEST_CASE("llama gguf loads a float16 model with a tied classifier", "[llama]") {
  GgufWriter w = tiny_llama(true);
  const test::TempFile f("tiny_f16.gguf", w.bytes());
  const LoadedModel m = load_model_files(f.path());
  const ModelConfig& c = m.model.config;
  CHECK(c.dim == 8);
  CHECK(c.n_kv_heads == 1);
  CHECK(c.vocab_size == 8);
  CHECK(c.seq_len == 16);
  CHECK(c.norm_eps == 1e-6f);
  CHECK(c.rope_theta == 500000.0f);
  CHECK(m.model.tied_classifier());
  const std::vector<uint8_t> h = halves(8 * 8, 1);
  for (size_t i = 0; i < 64; ++i) {
    uint16_t v;
    std::memcpy(&v, h.data() + 2 * i, 2);
    REQUIRE(m.model.token_embedding[i] == half_to_float(v));
  }
  // Vocabulary: "▁" became a space, so " a" merges and the dummy prefix exists.
  CHECK(m.tokenizer.piece(6) == " a");
  CHECK(m.tokenizer.encode("ab", true, false) == std::vector<TokenId>{1, 6, 5});
  Transformer t(m.model);
  const std::vector<float>& logits = t.forward_sequence({1, 6, 5}, 0);
  REQUIRE(logits.size() == 3 * 8);
  for (float l : logits) CHECK(std::isfinite(l));
}

TEST_CASE("llama gguf stories260K matches the llama2.c checkpoint", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Model g = load_gguf_model(test::gguf_path());
  const Model b = load_llama2c_checkpoint(test::checkpoint_path());
  const ModelConfig& c = g.config;
  CHECK(c.dim == b.config.dim);
  CHECK(c.hidden_dim == b.config.hidden_dim);
  CHECK(c.n_layers == b.config.n_layers);
  CHECK(c.n_heads == b.config.n_heads);
  CHECK(c.n_kv_heads == b.config.n_kv_heads);
  CHECK(c.vocab_size == b.config.vocab_size);
  CHECK(c.seq_len == 2048);  // the converter's declared context; the .bin says 512
  CHECK(c.norm_eps == 1e-5f);
  CHECK(c.rope_theta == 10000.0f);
  // The converter stored an explicit output.weight: the embedding again.
  CHECK_FALSE(g.tied_classifier());
  CHECK(g.classifier == b.token_embedding);
  CHECK(g.token_embedding == b.token_embedding);
  CHECK(g.final_norm == b.final_norm);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    INFO("layer " << l);
    const LayerWeights& x = g.layers[l];
    const LayerWeights& y = b.layers[l];
    // Q and K identical, not row-permuted: GGUF llama rotates interleaved pairs like llama2.c.
    CHECK(x.wq == y.wq);
    CHECK(x.wk == y.wk);
    CHECK(x.wv == y.wv);
    CHECK(x.wo == y.wo);
    CHECK(x.attn_norm == y.attn_norm);
    CHECK(x.ffn_norm == y.ffn_norm);
    CHECK(x.w1 == y.w1);
    CHECK(x.w2 == y.w2);
    CHECK(x.w3 == y.w3);
  }
  // The vocabularies agree piece for piece except BOS/EOS, which tok512.bin spells "\n<s>\n".
  const Tokenizer tg = Tokenizer::from_gguf(GgufFile::read(test::gguf_path()));
  const Tokenizer tb = Tokenizer::from_llama2c(test::tokenizer_path(), 512);
  for (TokenId i = 3; i < 512; ++i) {
    REQUIRE(tg.piece(i) == tb.piece(i));
    REQUIRE(tg.score(i) == tb.score(i));
  }
}

TEST_CASE("llama gguf rejects a truncated file", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const std::vector<uint8_t> good = test::read_bytes(test::gguf_path());
  for (size_t keep : {size_t(3), size_t(20), size_t(1000), size_t(14000), good.size() - 1}) {
    INFO("kept " << keep << " bytes");
    const test::TempFile f("truncated.gguf", {good.begin(), good.begin() + static_cast<long>(keep)});
    CHECK_THROWS_WITH(load_gguf_model(f.path()), Catch::Contains(f.path()) && Catch::Contains("truncated"));
  }
}

TEST_CASE("llama gguf rejects corrupted files", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const std::vector<uint8_t> good = test::read_bytes(test::gguf_path());
  std::vector<uint8_t> bad = good;
  std::string expected;
  SECTION("bad magic") {
    bad[0] = 'X';
    expected = "bad magic";
  }
  SECTION("unsupported version") {
    test::poke<uint32_t>(bad, 4, 7);
    expected = "unsupported GGUF version 7";
  }
  SECTION("huge tensor count") {
    test::poke<uint64_t>(bad, 8, uint64_t{1} << 50);
    expected = "1125899906842624 tensors";
  }
  SECTION("huge metadata count") {
    test::poke<uint64_t>(bad, 16, uint64_t{1} << 62);
    expected = "metadata entries";
  }
  SECTION("huge string length") {
    test::poke<uint64_t>(bad, 24, uint64_t{1} << 60);  // length of the first key
    expected = "truncated";
  }
  SECTION("huge array count") {
    test::poke<uint64_t>(bad, offset_after(good, "tokenizer.ggml.tokens") + 8, uint64_t{1} << 40);
    expected = "'tokenizer.ggml.tokens' declares 1099511627776 elements";
  }
  SECTION("huge tensor dimension") {
    test::poke<uint64_t>(bad, offset_after(good, "blk.1.ffn_up.weight") + 4, uint64_t{1} << 41);
    expected = "implausible dimension";
  }
  SECTION("tensor outside the data section") {
    test::poke<uint64_t>(bad, offset_after(good, "output_norm.weight") + 4 + 8 + 4, 1u << 24);
    expected = "tensor 'output_norm.weight'";
  }
  SECTION("unsupported tensor type") {
    test::poke<uint32_t>(bad, offset_after(good, "blk.2.attn_v.weight") + 4 + 16, 2);
    expected = "tensor 'blk.2.attn_v.weight' has unsupported type Q4_0";
  }
  SECTION("missing tensor") {
    bad[offset_after(good, "blk.3.ffn_up") - 1] = 'q';
    expected = "missing tensor 'blk.3.ffn_up.weight'";
  }
  SECTION("unsupported architecture") {
    const size_t value = offset_after(good, "general.architecture") + 4 + 8;
    std::memcpy(bad.data() + value, "mamba", 5);
    expected = "unsupported architecture 'mamba'";
  }
  SECTION("mistyped hyper-parameter") {
    test::poke<uint32_t>(bad, offset_after(good, "llama.block_count"), 6);  // u32 → f32
    expected = "'llama.block_count' is float32";
  }
  const test::TempFile f("corrupted.gguf", bad);
  CHECK_THROWS_WITH(load_gguf_model(f.path()), Catch::Contains(f.path()) && Catch::Contains(expected));
}

TEST_CASE("llama gguf rejects inconsistent llama metadata", "[llama]") {
  SECTION("duplicate key") {
    GgufWriter w = tiny_llama(false);
    w.kv_u32("llama.attention.head_count", 3);
    const test::TempFile f("dup.gguf", w.bytes());
    CHECK_THROWS_WITH(load_gguf_model(f.path()), Catch::Contains("'llama.attention.head_count' appears twice"));
  }
  SECTION("head count does not divide the width") {
    const test::TempFile f("heads.gguf", tiny_llama(false, 3).bytes());
    CHECK_THROWS_WITH(load_gguf_model(f.path()), Catch::Contains(f.path()) && Catch::Contains("head_count 3"));
  }
  SECTION("partial rotary") {
    GgufWriter w = tiny_llama(false);
    w.kv_u32("llama.rope.dimension_count", 2);
    const test::TempFile f("rope.gguf", w.bytes());
    CHECK_THROWS_WITH(load_gguf_model(f.path()), Catch::Contains("partial rotary"));
  }
  SECTION("block count beyond the file's tensors: refused before allocating") {
    std::vector<uint8_t> b = tiny_llama(false).bytes();
    test::poke<uint32_t>(b, offset_after(b, "llama.block_count") + 4, 20000000);
    const test::TempFile f("blocks.gguf", b);
    CHECK_THROWS_WITH(load_gguf_model(f.path()),
                      Catch::Contains(f.path()) && Catch::Contains("'llama.block_count' is 20000000"));
  }
  SECTION("a tensor of an unsupported type claiming a huge shape: refused before allocating") {
    // Only F32 and F16 tensors are checked against the data section when the file is read, so
    // the loader must refuse the type before it allocates the floats (8 × (2^32 − 1) of them
    // here: 137 GB) — a fuzzer-found input.
    std::vector<uint8_t> b = tiny_llama(false).bytes();
    const size_t info = offset_after(b, "token_embd.weight");  // n_dims, dims[2], type, offset
    test::poke<uint64_t>(b, info + 4 + 8, UINT32_MAX);
    test::poke<uint32_t>(b, info + 4 + 16, 2);  // Q4_0
    const test::TempFile f("huge_q4.gguf", b);
    CHECK_THROWS_WITH(load_gguf_model(f.path()),
                      Catch::Contains(f.path()) && Catch::Contains("'token_embd.weight' has unsupported type Q4_0"));
  }
  SECTION("non-finite RMS epsilon and RoPE base") {
    for (const char* key : {"llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base"})
      for (float v : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN(), 0.0f, -1.0f}) {
        std::vector<uint8_t> b = tiny_llama(false).bytes();
        test::poke<float>(b, offset_after(b, key) + 4, v);
        const test::TempFile f("eps.gguf", b);
        CHECK_THROWS_WITH(load_gguf_model(f.path()), Catch::Contains(std::string("'") + key + "' is") &&
                                                         Catch::Contains("expected a finite number above 0"));
      }
  }
  SECTION("vocabulary of another tokenizer model") {
    const test::TempFile f("gpt2.gguf", tiny_llama(false, 2, "gpt2").bytes());
    CHECK_NOTHROW(load_gguf_model(f.path()));
    CHECK_THROWS_WITH(load_model_files(f.path()), Catch::Contains("tokenizer.ggml.model 'gpt2'"));
  }
}
