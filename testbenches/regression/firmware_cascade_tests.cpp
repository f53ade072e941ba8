// The driver's cascade pruning state (energon_cascade.h): importance summed over layers, the
// least important pruned first (ties: the higher index), pruned stays pruned, the mask image.
#include <catch2/catch.hpp>

#include <vector>

#include "energon/attention_job.h"
#include "energon/fw/energon_cascade.h"
#include "energon/fw/energon_fw.h"

using namespace energon;

namespace {

std::vector<uint8_t> table(const std::vector<uint64_t>& tokens, const std::vector<uint64_t>& heads) {
  Importance imp;
  imp.token = tokens;
  imp.head = heads;
  return imp.encode();
}

}  // namespace

TEST_CASE("firmware cascade: prunes the least accumulated importance, ties to the higher index") {
  energon_cascade_t c;
  REQUIRE(energon_cascade_init(&c, 6, 4) == ENERGON_FW_OK);
  energon_cascade_accumulate(&c, table({5, 1, 9, 1, 3, 0}, {10, 40, 20, 30}).data());
  energon_cascade_accumulate(&c, table({0, 2, 0, 2, 0, 7}, {0, 0, 5, 0}).data());
  // Totals: tokens 5 3 9 3 3 7, heads 10 40 25 30.
  CHECK(c.token_importance[5] == 7);
  CHECK(c.head_importance[2] == 25);
  // Keep ceil(0.5·6) = 3 tokens: 9 (2), 7 (5), 5 (0); of the 3s, all go. Heads: ceil(0.75·4) = 3.
  REQUIRE(energon_cascade_prune(&c, 500000, 750000) == ENERGON_FW_OK);
  CHECK(c.tokens_kept == 3);
  CHECK(c.heads_kept == 3);
  CHECK(std::vector<uint8_t>(c.token_pruned, c.token_pruned + 6) == std::vector<uint8_t>{0, 1, 0, 1, 1, 0});
  CHECK(std::vector<uint8_t>(c.head_pruned, c.head_pruned + 4) == std::vector<uint8_t>{1, 0, 0, 0});
  // Ties: of tokens 0 and 5 made equal, the higher index goes first.
  c.token_importance[5] = c.token_importance[0];
  REQUIRE(energon_cascade_prune(&c, 400000, 750000) == ENERGON_FW_OK);  // ceil(2.4) = 3: nothing more
  CHECK(c.tokens_kept == 3);
  REQUIRE(energon_cascade_prune(&c, 300000, 750000) == ENERGON_FW_OK);  // ceil(1.8) = 2
  CHECK(std::vector<uint8_t>(c.token_pruned, c.token_pruned + 6) == std::vector<uint8_t>{0, 1, 0, 1, 1, 1});
  // A pruned token stays pruned even if its importance were to rise, and a larger ratio revives nothing.
  c.token_importance[1] = 1000;
  REQUIRE(energon_cascade_prune(&c, 1000000, 1000000) == ENERGON_FW_OK);
  CHECK(c.tokens_kept == 2);
  CHECK(c.token_pruned[1] == 1);
  // At least one is always kept.
  REQUIRE(energon_cascade_prune(&c, 1, 1) == ENERGON_FW_OK);
  CHECK(c.tokens_kept == 1);
  CHECK(c.heads_kept == 1);
  CHECK(c.token_pruned[2] == 0);  // the most important token
  CHECK(c.head_pruned[1] == 0);   // the most important head
  // Ratios out of range change nothing.
  CHECK(energon_cascade_prune(&c, 0, 500000) == ENERGON_FW_EINVAL);
  CHECK(energon_cascade_prune(&c, 500000, 1000001) == ENERGON_FW_EINVAL);

  std::vector<uint8_t> image(ENERGON_PRUNE_MASK_BYTES(4, 6));
  energon_cascade_mask(&c, image.data());
  const PruneMask m = PruneMask::decode(image.data(), 4, 6);
  CHECK(m.token == std::vector<uint8_t>{1, 1, 0, 1, 1, 1});
  CHECK(m.head == std::vector<uint8_t>{1, 0, 1, 1});
  energon_cascade_free(&c);
  CHECK(c.token_importance == nullptr);
}

TEST_CASE("firmware cascade: refuses empty models, and the descriptor gets its pruning fields") {
  energon_cascade_t c;
  CHECK(energon_cascade_init(&c, 0, 4) == ENERGON_FW_EINVAL);
  CHECK(energon_cascade_init(&c, 4, 0) == ENERGON_FW_EINVAL);
  energon_desc_t d{};
  d.flags = ENERGON_DESC_FLAG_CAUSAL;
  energon_desc_set_prune_mask(&d, 0x1000);
  energon_desc_set_importance(&d, 0x2000);
  CHECK(d.flags == (ENERGON_DESC_FLAG_CAUSAL | ENERGON_DESC_FLAG_PRUNE | ENERGON_DESC_FLAG_IMPORTANCE));
  CHECK(d.prune_mask_addr == 0x1000);
  CHECK(d.importance_addr == 0x2000);
}
