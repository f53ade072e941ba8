// The descriptor codec: explicit little-endian bytes at the documented offsets, round trips, the
// result block alone, and the same bytes as the historic in-memory layout on this host.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "energon/hw/energon_desc_codec.h"

namespace {

energon_desc_t random_desc(uint32_t seed) {
  std::mt19937_64 rng(seed);
  energon_desc_t d;
  auto* raw = reinterpret_cast<uint8_t*>(&d);
  for (size_t i = 0; i < sizeof d; ++i) raw[i] = uint8_t(rng());
  return d;
}

}  // namespace

TEST_CASE("desc_codec_fields_at_documented_offsets") {
  energon_desc_t d{};
  d.magic = ENERGON_DESC_MAGIC;
  d.heads = 0x0102;
  d.n_k = 0x0A0B0C0D;
  d.plane_bits[2] = 12;
  d.k_plane_addr[1] = 0x1122334455667788ull;
  d.round[1].alpha_q8 = -64;
  d.topk.k_fraction_ppm = 0x00004000;
  d.result_cycles = 0xDEADBEEFull;
  uint8_t b[ENERGON_DESC_BYTES];
  energon_desc_encode(&d, b);
  CHECK(b[0x00] == 0x45);  // "EDSC" little-endian
  CHECK(b[0x03] == 0x43);
  CHECK(b[0x04] == 0x02);
  CHECK(b[0x05] == 0x01);
  CHECK(b[0x0C] == 0x0D);
  CHECK(b[0x0F] == 0x0A);
  CHECK(b[0x1A + 2] == 12);
  CHECK(b[0x30] == 0x88);  // k_plane_addr[1] at 0x28 + 8
  CHECK(b[0x37] == 0x11);
  CHECK(b[0x70 + 4] == 0xC0);  // round[1].alpha_q8 = -64 at 0x60 + 16 + 4
  CHECK(b[0x70 + 7] == 0xFF);
  CHECK(b[0xA0 + 13] == 0x40);
  CHECK(b[0xB8] == 0xEF);
  CHECK(ENERGON_RESULT_OFFSET == 0xB0);
  CHECK(ENERGON_RESULT_BYTES == 0x40);
}

TEST_CASE("desc_codec_round_trip_and_host_layout") {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    const energon_desc_t d = random_desc(seed);
    uint8_t b[ENERGON_DESC_BYTES];
    energon_desc_encode(&d, b);
    energon_desc_t back;
    std::memset(&back, 0x5A, sizeof back);
    energon_desc_decode(b, &back);
    REQUIRE(std::memcmp(&back, &d, sizeof d) == 0);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    REQUIRE(std::memcmp(b, &d, sizeof d) == 0);  // the bytes software has always put in the ring
#endif
  }
}

TEST_CASE("desc_codec_result_block_alone") {
  const energon_desc_t d = random_desc(7);
  uint8_t block[ENERGON_RESULT_BYTES];
  energon_result_encode(&d, block);
  uint8_t whole[ENERGON_DESC_BYTES];
  energon_desc_encode(&d, whole);
  CHECK(std::memcmp(block, whole + ENERGON_RESULT_OFFSET, ENERGON_RESULT_BYTES) == 0);
  energon_desc_t back = random_desc(8);
  energon_result_decode(block, &back);
  CHECK(back.result_status == d.result_status);
  CHECK(back.result_cycles == d.result_cycles);
  CHECK(back.result_kept[3] == d.result_kept[3]);
  CHECK(back.result_final == d.result_final);
  CHECK(back.magic == random_desc(8).magic);  // outside the block: untouched
}
