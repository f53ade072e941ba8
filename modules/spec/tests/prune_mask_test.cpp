// The prune mask and importance images (the descriptor's bit layout), the keys a row may attend
// to under pruning, and the cascade keep lists of the command line.
#include <catch2/catch.hpp>

#include "energon/attention_job.h"
#include "energon/cascade_schedule.h"
#include "energon/hw/energon_desc_codec.h"

using namespace energon;

TEST_CASE("prune mask: head bitmap in whole 64-bit words, then one bit per token, LSB first") {
  PruneMask m;
  m.head = {0, 1, 0};                        // head 1
  m.token = {1, 0, 0, 0, 0, 0, 0, 0, 0, 1};  // tokens 0 and 9
  const std::vector<uint8_t> image = m.encode(3, 10);
  REQUIRE(image.size() == ENERGON_PRUNE_MASK_BYTES(3, 10));
  REQUIRE(image.size() == 8 + 2);
  CHECK(image[0] == 0x02);
  for (int i = 1; i < 8; ++i) CHECK(image[size_t(i)] == 0);
  CHECK(image[8] == 0x01);
  CHECK(image[9] == 0x02);
  const PruneMask back = PruneMask::decode(image.data(), 3, 10);
  CHECK(back.head == m.head);
  CHECK(back.token == m.token);
  CHECK(ENERGON_PRUNE_HEAD_BYTES(64) == 8);
  CHECK(ENERGON_PRUNE_HEAD_BYTES(65) == 16);
  CHECK_FALSE(back.empty());
  CHECK(PruneMask{{0, 0}, {0}}.empty());
}

TEST_CASE("prune mask: allowed keys leave out pruned tokens, pruned heads and pruned queries") {
  AttentionShape s;
  s.heads = 2;
  s.kv_heads = 1;
  s.n_q = s.n_k = s.valid_len = 6;
  s.causal = true;
  PruneMask m;
  m.head = {0, 1};
  m.token = {0, 1, 0, 1, 0, 0};
  std::vector<uint32_t> keys;
  m.allowed_keys(s, 0, 4, keys);  // causal: keys 0..4, less 1 and 3
  CHECK(keys == std::vector<uint32_t>{0, 2, 4});
  m.allowed_keys(s, 0, 3, keys);  // query 3 is a pruned token
  CHECK(keys.empty());
  m.allowed_keys(s, 1, 4, keys);  // head 1 pruned
  CHECK(keys.empty());
  s.n_q = 1;  // not self-attention: queries are never pruned
  m.allowed_keys(s, 0, 0, keys);
  CHECK(keys == std::vector<uint32_t>{0, 2, 4, 5});
}

TEST_CASE("importance image: uint64 little-endian tokens then heads") {
  Importance imp;
  imp.clear(2, 3);
  imp.token = {1, 0x0102030405060708ull, 3};
  imp.head = {7, 9};
  const std::vector<uint8_t> image = imp.encode();
  REQUIRE(image.size() == ENERGON_IMPORTANCE_BYTES(2, 3));
  CHECK(image[8] == 0x08);
  CHECK(image[15] == 0x01);
  CHECK(image[24] == 7);
  CHECK(Importance::decode(image.data(), 2, 3) == imp);
}

TEST_CASE("cascade keep lists: fractions per layer, layer 0 keeps all, never rising") {
  std::vector<uint32_t> ppm;
  REQUIRE(parse_keep_list("1,1,0.9,0.8", "--token-keep", ppm).empty());
  CHECK(ppm == std::vector<uint32_t>{1000000, 1000000, 900000, 800000});
  CHECK(format_keep_list(ppm) == "1,1,0.9,0.8");
  CascadeSchedule c;
  c.tokens_ppm = ppm;
  CHECK(c.enabled());
  CHECK(c.tokens_at(2) == 900000);
  CHECK(c.tokens_at(11) == 800000);  // the last entry holds
  CHECK(c.heads_at(5) == kFractionOne);
  CHECK_FALSE(CascadeSchedule{}.enabled());
  CHECK(parse_keep_list("0.9", "--token-keep", ppm) ==
        "--token-keep '0.9': layer 0 '0.9': layer 0 has no importance to prune by yet (expected 1)");
  CHECK(parse_keep_list("1,0.5,0.7", "--head-keep", ppm) ==
        "--head-keep '1,0.5,0.7': layer 2 '0.7': keeps more than layer 1 (expected at most 0.5: pruned tokens "
        "and heads stay pruned)");
  CHECK(parse_keep_list("1,x", "--token-keep", ppm).find("layer 1 'x': ") != std::string::npos);
  CHECK(parse_keep_list("1,0", "--token-keep", ppm).find("expected a fraction in (0, 1]") != std::string::npos);
  CHECK(parse_keep_list("1,", "--token-keep", ppm).find("layer 1 '': ") != std::string::npos);
  CHECK(ppm == std::vector<uint32_t>{1000000, 1000000, 900000, 800000});  // untouched on errors
}
