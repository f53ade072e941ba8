// llama2.c checkpoint loader: the stories260K configuration and rejection of bad files.
#include <catch2/catch.hpp>

#include "energon/llama/model_loader.h"
#include "model_files.h"

using namespace energon::llama;

TEST_CASE("llama checkpoint loads the stories260K configuration", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const Model m = load_llama2c_checkpoint(test::checkpoint_path());
  const ModelConfig& c = m.config;
  CHECK(c.dim == 64);
  CHECK(c.hidden_dim == 172);
  CHECK(c.n_layers == 5);
  CHECK(c.n_heads == 8);
  CHECK(c.n_kv_heads == 4);
  CHECK(c.vocab_size == 512);
  CHECK(c.seq_len == 512);
  CHECK(c.head_dim() == 8);
  CHECK(c.norm_eps == 1e-5f);
  CHECK(c.rope_theta == 10000.0f);
  CHECK(m.tied_classifier());
  CHECK(m.classifier_weights() == m.token_embedding.data());
  CHECK(check_consistency(m).empty());
  // First and last stored floats: embedding[0] and rms_final_weight[63].
  const std::vector<uint8_t> raw = test::read_bytes(test::checkpoint_path());
  float first, final_norm_last;
  std::memcpy(&first, raw.data() + 28, 4);
  std::memcpy(&final_norm_last, raw.data() + raw.size() - 4 * (512 * 8 + 1), 4);
  CHECK(m.token_embedding[0] == first);
  CHECK(m.final_norm[63] == final_norm_last);
}

TEST_CASE("llama checkpoint rejects a truncated file", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const std::vector<uint8_t> good = test::read_bytes(test::checkpoint_path());
  for (size_t keep : {size_t(0), size_t(10), size_t(28), good.size() / 2, good.size() - 1}) {
    const test::TempFile f("ckpt_truncated.bin", {good.begin(), good.begin() + static_cast<long>(keep)});
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains(f.path()) && Catch::Contains("truncated"));
  }
}

TEST_CASE("llama checkpoint rejects a corrupted header", "[llama]") {
  ENERGON_REQUIRE_MODEL_FILES();
  const std::vector<uint8_t> good = test::read_bytes(test::checkpoint_path());
  SECTION("huge dimension") {
    std::vector<uint8_t> bad = good;
    test::poke<int32_t>(bad, 0, 1 << 20);  // dim: implies far more bytes than the file has
    const test::TempFile f("ckpt_dim.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()),
                      Catch::Contains(f.path()) && Catch::Contains("truncated file"));
    test::poke<int32_t>(bad, 0, 63);  // not a multiple of the head count
    const test::TempFile g("ckpt_dim63.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(g.path()),
                      Catch::Contains(g.path()) && Catch::Contains("inconsistent header"));
  }
  SECTION("sizes overflowing 64 bits") {
    std::vector<uint8_t> bad = good;
    test::poke<int32_t>(bad, 0, 0x7fffff00);
    test::poke<int32_t>(bad, 4, 0x7fffff00);
    test::poke<int32_t>(bad, 8, 0x7fffffff);
    const test::TempFile f("ckpt_overflow.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains(f.path()) && Catch::Contains("overflow"));
  }
  SECTION("huge layer count") {
    std::vector<uint8_t> bad = good;
    test::poke<int32_t>(bad, 8, 0x7fffffff);
    const test::TempFile f("ckpt_layers.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains(f.path()) &&
                                                             Catch::Contains("truncated file") &&
                                                             Catch::Contains("the file has 1056540"));
  }
  SECTION("negative field") {
    std::vector<uint8_t> bad = good;
    test::poke<int32_t>(bad, 12, -8);  // n_heads
    const test::TempFile f("ckpt_heads.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains("n_heads is -8"));
  }
  SECTION("untied classifier flag without the classifier") {
    std::vector<uint8_t> bad = good;
    test::poke<int32_t>(bad, 20, -512);
    const test::TempFile f("ckpt_untied.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains("truncated file"));
  }
  SECTION("extra bytes") {
    std::vector<uint8_t> bad = good;
    bad.resize(bad.size() + 4);
    const test::TempFile f("ckpt_extra.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains("inconsistent sizes"));
  }
  SECTION("newer export format") {
    std::vector<uint8_t> bad = good;
    test::poke<uint32_t>(bad, 0, 0x616b3432);
    const test::TempFile f("ckpt_v1.bin", bad);
    CHECK_THROWS_WITH(load_llama2c_checkpoint(f.path()), Catch::Contains("ak42"));
  }
  SECTION("GGUF given as checkpoint") { CHECK_THROWS_AS(load_llama2c_checkpoint(test::gguf_path()), ModelError); }
  CHECK_THROWS_WITH(load_model_files(test::checkpoint_path()), Catch::Contains("tokenizer"));
}
