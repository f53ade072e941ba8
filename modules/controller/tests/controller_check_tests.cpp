// check_descriptor() alone: every field rule and the order in which errors are reported.
#include <catch2/catch.hpp>

#include <string>

#include "energon/hw/descriptor_check.h"
#include "energon/hw/register_table.h"

using namespace energon::hw;

namespace {

energon_desc_t dense() {
  energon_desc_t d{};
  d.magic = ENERGON_DESC_MAGIC;
  d.heads = 8;
  d.kv_heads = 2;
  d.n_q = 128;
  d.n_k = 128;
  d.valid_len = 128;
  d.d = 64;
  d.policy = ENERGON_POLICY_DENSE;
  d.n_planes = 3;
  d.plane_bits[0] = 2;
  d.plane_bits[1] = 2;
  d.plane_bits[2] = 12;
  d.q_addr = 0x10000000;  // buffers 256 MiB apart: no overlap even at the largest n_q and n_k
  for (unsigned p = 0; p < 3; ++p) d.k_plane_addr[p] = 0x20000000 + 0x10000000 * uint64_t(p);
  d.v_addr = 0x50000000;
  d.scale_addr = 0x60000000;
  d.out_addr = 0x70000000;
  return d;
}

energon_desc_t mpmrf() {
  energon_desc_t d = dense();
  d.policy = ENERGON_POLICY_MPMRF;
  d.n_rounds = 2;
  d.round[0] = {ENERGON_RULE_THRESHOLD, 4, 2, 0, 0, 0, 0};
  d.round[1] = {ENERGON_RULE_THRESHOLD, 4, 4, 0, 128, 0, 0};
  return d;
}

energon_desc_t topk() {
  energon_desc_t d = dense();
  d.policy = ENERGON_POLICY_TOPK;
  d.topk = {ENERGON_RULE_TOPK, 0, 0, 0, 0, 0, 16384};
  return d;
}

// spatten: round[0] is the MSB pass (4 MSB bits = planes 0 and 1, threshold 0.5), top-k rule.
energon_desc_t spatten() {
  energon_desc_t d = topk();
  d.policy = ENERGON_POLICY_SPATTEN;
  d.n_rounds = 1;
  d.round[0] = {ENERGON_RULE_THRESHOLD, 0, 4, 0, 0, 32768, 0};
  return d;
}

// a3: round[0] is the candidate search (M = 0.5·N, T = 8 nats); the top-k field is not read.
energon_desc_t a3() {
  energon_desc_t d = dense();
  d.policy = ENERGON_POLICY_A3;
  d.n_rounds = 1;
  d.round[0] = {ENERGON_RULE_THRESHOLD, 0, 0, 0, 0, 2048, 500000};
  return d;
}

template <class F>
uint8_t check_with(energon_desc_t d, F change) {
  change(d);
  return check_descriptor(d);
}

}  // namespace

TEST_CASE("controller check accepts good descriptors of every policy") {
  CHECK(check_descriptor(dense()) == ENERGON_ERR_NONE);
  CHECK(check_descriptor(mpmrf()) == ENERGON_ERR_NONE);
  CHECK(check_descriptor(topk()) == ENERGON_ERR_NONE);
  CHECK(check_with(topk(), [](auto& d) { d.topk.k = 5, d.topk.k_fraction_ppm = 0; }) == ENERGON_ERR_NONE);
  CHECK(check_with(dense(), [](auto& d) { d.n_k = d.valid_len = 65536; }) == ENERGON_ERR_NONE);
  CHECK(check_with(dense(), [](auto& d) {
          d.n_planes = 1;
          d.plane_bits[0] = 16;
          d.k_plane_addr[1] = 3;  // unused planes are not checked
        }) == ENERGON_ERR_NONE);
}

TEST_CASE("controller check spatten fields: MSB pass, threshold, top-k rule, planes") {
  CHECK(check_descriptor(spatten()) == ENERGON_ERR_NONE);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k = 0; }) == ENERGON_ERR_NONE);      // never recompute
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k = 65536; }) == ENERGON_ERR_NONE);  // always
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k = 65537; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.n_rounds = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.n_rounds = 2; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k_bits = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k_bits = 16; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].q_bits = 4; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].alpha_q8 = 1; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].rule = ENERGON_RULE_TOPK; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.topk.rule = ENERGON_RULE_THRESHOLD; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.topk.k_fraction_ppm = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].reserved = 1; }) == ENERGON_ERR_RESERVED);
  CHECK(check_with(spatten(), [](auto& d) { d.topk.reserved = 1; }) == ENERGON_ERR_RESERVED);
  // The MSB pass reads whole leading planes (2 + 2 = 4 bits, not 3) and leaves an LSB plane.
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k_bits = 3; }) == ENERGON_ERR_PLANES);
  CHECK(check_with(spatten(), [](auto& d) { d.round[0].k_bits = 2; }) == ENERGON_ERR_NONE);
  CHECK(check_with(spatten(), [](auto& d) { d.n_planes = 1, d.plane_bits[0] = 16, d.round[0].k_bits = 15; }) ==
        ENERGON_ERR_PLANES);
}

TEST_CASE("controller check a3 fields: the search record, its iteration fraction and threshold") {
  CHECK(check_descriptor(a3()) == ENERGON_ERR_NONE);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k = 0; }) == ENERGON_ERR_NONE);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k = ENERGON_A3_MAX_THRESHOLD_Q8; }) == ENERGON_ERR_NONE);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k = ENERGON_A3_MAX_THRESHOLD_Q8 + 1; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k_fraction_ppm = 1; }) == ENERGON_ERR_NONE);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k_fraction_ppm = ENERGON_FRACTION_ONE; }) == ENERGON_ERR_NONE);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k_fraction_ppm = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k_fraction_ppm = ENERGON_FRACTION_ONE + 1; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.n_rounds = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.n_rounds = 2; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].rule = ENERGON_RULE_TOPK; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].q_bits = 4; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].k_bits = 4; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].alpha_q8 = -1; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(a3(), [](auto& d) { d.round[0].reserved = 1; }) == ENERGON_ERR_RESERVED);
  CHECK(check_with(a3(), [](auto& d) { d.topk.reserved = 1, d.topk.rule = 7; }) == ENERGON_ERR_NONE);  // not read
  // The sorter reads every plane: any layout summing to 16 bits will do.
  CHECK(check_with(a3(), [](auto& d) { d.n_planes = 1, d.plane_bits[0] = 16; }) == ENERGON_ERR_NONE);
  CHECK(check_with(a3(), [](auto& d) { d.plane_bits[2] = 11; }) == ENERGON_ERR_PLANES);
}

TEST_CASE("controller check head dimension: 8..256 in steps of 8") {
  for (unsigned d : {8u, 16u, 32u, 64u, 128u, 256u, 24u, 200u}) {
    INFO("d = " << d);
    CHECK(check_with(dense(), [d](auto& x) { x.d = uint16_t(d); }) == ENERGON_ERR_NONE);
  }
  for (unsigned d : {0u, 4u, 12u, 257u, 264u, 512u}) {
    INFO("d = " << d);
    CHECK(check_with(dense(), [d](auto& x) { x.d = uint16_t(d); }) == ENERGON_ERR_HEAD_DIM);
  }
}

TEST_CASE("controller check sizes: zero, kv_heads, limits") {
  CHECK(check_with(dense(), [](auto& d) { d.magic = 0; }) == ENERGON_ERR_BAD_MAGIC);
  CHECK(check_with(dense(), [](auto& d) { d.heads = 0; }) == ENERGON_ERR_ZERO_SIZE);
  CHECK(check_with(dense(), [](auto& d) { d.kv_heads = 0; }) == ENERGON_ERR_ZERO_SIZE);
  CHECK(check_with(dense(), [](auto& d) { d.n_q = 0; }) == ENERGON_ERR_ZERO_SIZE);
  CHECK(check_with(dense(), [](auto& d) { d.n_k = 0; }) == ENERGON_ERR_ZERO_SIZE);
  CHECK(check_with(dense(), [](auto& d) { d.valid_len = 0; }) == ENERGON_ERR_ZERO_SIZE);
  CHECK(check_with(dense(), [](auto& d) { d.kv_heads = 3; }) == ENERGON_ERR_KV_HEADS);
  CHECK(check_with(dense(), [](auto& d) { d.kv_heads = 16; }) == ENERGON_ERR_KV_HEADS);
  CHECK(check_with(dense(), [](auto& d) { d.n_k = d.valid_len = 65537; }) == ENERGON_ERR_SIZE_LIMIT);
  CHECK(check_with(dense(), [](auto& d) { d.n_q = 65537; }) == ENERGON_ERR_SIZE_LIMIT);
  CHECK(check_with(dense(), [](auto& d) { d.valid_len = 129; }) == ENERGON_ERR_SIZE_LIMIT);
}

TEST_CASE("controller check policy, rounds and selection rules") {
  CHECK(check_with(dense(), [](auto& d) { d.policy = 4; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.n_rounds = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.n_rounds = 5; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[0].q_bits = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[1].q_bits = 9; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[0].k_bits = 4, d.round[1].k_bits = 2; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[1].alpha_q8 = 257; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[1].alpha_q8 = -257; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[0].rule = 2; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[0] = {ENERGON_RULE_TOPK, 4, 2, 0, 0, 0, 0}; }) ==
        ENERGON_ERR_POLICY);  // top-k without k
  CHECK(check_with(topk(), [](auto& d) { d.topk.rule = ENERGON_RULE_THRESHOLD; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(topk(), [](auto& d) { d.topk.k_fraction_ppm = ENERGON_FRACTION_ONE + 1; }) == ENERGON_ERR_POLICY);
  // Rounds are ignored by the dense policy.
  CHECK(check_with(dense(), [](auto& d) { d.n_rounds = 9; }) == ENERGON_ERR_NONE);
}

TEST_CASE("controller check K bit-plane layout") {
  CHECK(check_with(dense(), [](auto& d) { d.n_planes = 0; }) == ENERGON_ERR_PLANES);
  CHECK(check_with(dense(), [](auto& d) { d.n_planes = 5; }) == ENERGON_ERR_PLANES);
  CHECK(check_with(dense(), [](auto& d) { d.plane_bits[2] = 11; }) == ENERGON_ERR_PLANES);
  CHECK(check_with(dense(), [](auto& d) { d.plane_bits[1] = 0, d.plane_bits[2] = 14; }) == ENERGON_ERR_PLANES);
  CHECK(check_with(dense(), [](auto& d) { d.plane_bits[2] = 13; }) == ENERGON_ERR_PLANES);  // sums to 17
  // A round must read whole leading planes: k_bits 3 is not 2 or 2+2.
  CHECK(check_with(mpmrf(), [](auto& d) { d.round[1].k_bits = 3; }) == ENERGON_ERR_PLANES);
  CHECK(check_with(mpmrf(), [](auto& d) { d.plane_bits[0] = 4, d.plane_bits[1] = 12, d.n_planes = 2; }) ==
        ENERGON_ERR_PLANES);  // round 1 wants 2 bits
}

TEST_CASE("controller check buffer alignment") {
  CHECK(check_with(dense(), [](auto& d) { d.q_addr += 1; }) == ENERGON_ERR_MISALIGNED);
  CHECK(check_with(dense(), [](auto& d) { d.k_plane_addr[1] += 32; }) == ENERGON_ERR_MISALIGNED);
  CHECK(check_with(dense(), [](auto& d) { d.v_addr += 2; }) == ENERGON_ERR_MISALIGNED);
  CHECK(check_with(dense(), [](auto& d) { d.scale_addr += 4; }) == ENERGON_ERR_MISALIGNED);
  CHECK(check_with(dense(), [](auto& d) { d.out_addr += 16; }) == ENERGON_ERR_MISALIGNED);
}

TEST_CASE("controller check reports the first failing rule") {
  CHECK(check_with(dense(), [](auto& d) { d.magic = 1, d.heads = 0; }) == ENERGON_ERR_BAD_MAGIC);
  CHECK(check_with(dense(), [](auto& d) { d.heads = 0, d.d = 3; }) == ENERGON_ERR_ZERO_SIZE);
  CHECK(check_with(dense(), [](auto& d) { d.d = 3, d.q_addr = 1; }) == ENERGON_ERR_HEAD_DIM);
  CHECK(check_with(dense(), [](auto& d) { d.policy = 9, d.n_planes = 0; }) == ENERGON_ERR_POLICY);
  CHECK(check_with(dense(), [](auto& d) { d.n_planes = 0, d.q_addr = 1; }) == ENERGON_ERR_PLANES);
}

TEST_CASE("controller descriptor field table tiles the descriptor") {
  // The trace parser and energon-regmap rely on this table; a field added to energon_regs.h
  // without updating it breaks the tiling.
  CHECK(fields_tile(kDescFields, sizeof(energon_desc_t)));
  CHECK(fields_tile(kSelectFields, sizeof(energon_select_t)));
}

TEST_CASE("check: a buffer whose end passes 2^64 is an address error") {
  energon_desc_t d = dense();
  CHECK(check_descriptor(d) == ENERGON_ERR_NONE);
  d.v_addr = ~uint64_t(0) - 0x3F - 0x1000;  // 64-byte aligned, 32 KiB of V wrap past the top
  CHECK(check_descriptor(d) == ENERGON_ERR_ADDRESS);
  d = dense();
  d.k_plane_addr[2] = ~uint64_t(0) - 0x3F;
  CHECK(check_descriptor(d) == ENERGON_ERR_ADDRESS);
  d = dense();
  d.out_addr = ~uint64_t(0) - 0xFFFF;  // 64 KiB below 2^64: 128 KiB of output do not fit
  CHECK(check_descriptor(d) == ENERGON_ERR_ADDRESS);
}

TEST_CASE("check: the output must not overlap an input, the scale table or the ring") {
  energon_desc_t d = dense();
  d.out_addr = d.q_addr + 0x1000;
  CHECK(check_descriptor(d) == ENERGON_ERR_OVERLAP);
  d = dense();
  d.out_addr = d.v_addr - 0x10000;  // its last 64 KiB reach V
  CHECK(check_descriptor(d) == ENERGON_ERR_OVERLAP);
  d = dense();
  d.out_addr = d.scale_addr - 0x20000 + 0x40;  // ends 64 bytes into the scale table
  CHECK(check_descriptor(d) == ENERGON_ERR_OVERLAP);
  d = dense();
  d.out_addr = d.k_plane_addr[1];
  CHECK(check_descriptor(d) == ENERGON_ERR_OVERLAP);
  d = dense();
  CHECK(check_descriptor(d, d.out_addr + 0x20000, 16 * ENERGON_DESC_BYTES) == ENERGON_ERR_NONE);
  CHECK(check_descriptor(d, d.out_addr + 0x1F000, 16 * ENERGON_DESC_BYTES) == ENERGON_ERR_OVERLAP);  // ring
  d.out_addr = d.q_addr + 0x20000;  // right after Q: touching is not overlapping
  CHECK(check_descriptor(d) == ENERGON_ERR_NONE);
}

TEST_CASE("check: a buffer ending exactly at 2^64 is legal and overlaps are still seen there") {
  // Found by fuzz_descriptor: the overlap test compared one-past-the-end addresses, which are 0
  // for a buffer whose last byte is 2^64 - 1, so an output there overlapping the scale table passed.
  energon_desc_t d = dense();
  d.out_addr = 0 - uint64_t(0x20000);  // 128 KiB of output: last byte 2^64 - 1
  CHECK(check_descriptor(d) == ENERGON_ERR_NONE);
  d.scale_addr = 0 - uint64_t(64);  // 40 bytes inside the output's last 64
  CHECK(check_descriptor(d) == ENERGON_ERR_OVERLAP);
  d = dense();
  d.out_addr = 0 - uint64_t(0x20000);
  CHECK(check_descriptor(d, 0 - uint64_t(0x1000), 0x1000) == ENERGON_ERR_OVERLAP);     // both end at 2^64
  CHECK(check_descriptor(dense(), 0 - uint64_t(0x1000), 0x1000) == ENERGON_ERR_NONE);  // ring alone at the top
}

TEST_CASE("check: reserved fields and flag bits must be zero") {
  energon_desc_t d = dense();
  d.flags = ENERGON_DESC_FLAG_CAUSAL;
  CHECK(check_descriptor(d) == ENERGON_ERR_NONE);
  d.flags = 0x80;
  CHECK(check_descriptor(d) == ENERGON_ERR_RESERVED);
  d = dense();
  d.reserved0 = 1;
  CHECK(check_descriptor(d) == ENERGON_ERR_RESERVED);
  d = mpmrf();
  d.round[1].reserved = 3;
  CHECK(check_descriptor(d) == ENERGON_ERR_RESERVED);
  d.n_rounds = 1;  // a rule beyond n_rounds is not looked at
  CHECK(check_descriptor(d) == ENERGON_ERR_NONE);
  CHECK(std::string(error_name(ENERGON_ERR_OVERLAP)) == "OVERLAP");
  CHECK(std::string(error_name(ENERGON_ERR_RESERVED)) == "RESERVED");
}

// Found while writing energon-fuzz-loop's oracle: extents that end exactly at 2^64 (allowed: their last
// byte does not pass it) were compared with begin + bytes, which is 0 there, so an output overlapping
// an input at the top of the address space was not OVERLAP.
TEST_CASE("controller check overlap of buffers that end at the top of the address space") {
  const energon_desc_t d = dense();
  const uint64_t q_bytes = uint64_t(d.heads) * d.n_q * d.d * 2;
  const uint64_t v_bytes = uint64_t(d.kv_heads) * d.n_k * d.d * 2;
  CHECK(check_with(d, [&](energon_desc_t& x) {
          x.out_addr = 0 - q_bytes;
          x.v_addr = 0 - v_bytes;
        }) == ENERGON_ERR_OVERLAP);
  CHECK(check_with(d, [&](energon_desc_t& x) {
          x.out_addr = 0 - q_bytes;
          x.scale_addr = 0 - 64;
        }) == ENERGON_ERR_OVERLAP);
  CHECK(check_with(d, [&](energon_desc_t& x) { x.out_addr = 0 - q_bytes; }) == ENERGON_ERR_NONE);
  CHECK(check_descriptor(d, 0 - 4 * uint64_t(ENERGON_DESC_BYTES), 4 * ENERGON_DESC_BYTES) == ENERGON_ERR_NONE);
  energon_desc_t on_ring = d;
  on_ring.out_addr = 0 - q_bytes;
  CHECK(check_descriptor(on_ring, 0 - 4 * uint64_t(ENERGON_DESC_BYTES), 4 * ENERGON_DESC_BYTES) == ENERGON_ERR_OVERLAP);
}

// Cascade pruning's fields (docs/pruning.md): the prune mask is an input, the importance table an
// output; each address is read only with its flag.
TEST_CASE("check: the prune mask and the importance table") {
  const auto pruned = [] {
    energon_desc_t d = dense();
    d.flags = ENERGON_DESC_FLAG_PRUNE | ENERGON_DESC_FLAG_IMPORTANCE;
    d.prune_mask_addr = 0x78000000;
    d.importance_addr = 0x7C000000;
    return d;
  };
  CHECK(check_descriptor(pruned()) == ENERGON_ERR_NONE);
  // An address without its flag, or a flag bit above IMPORTANCE: reserved.
  CHECK(check_with(pruned(), [](auto& d) { d.flags = ENERGON_DESC_FLAG_IMPORTANCE; }) == ENERGON_ERR_RESERVED);
  CHECK(check_with(pruned(), [](auto& d) { d.flags = ENERGON_DESC_FLAG_PRUNE; }) == ENERGON_ERR_RESERVED);
  CHECK(check_with(pruned(), [](auto& d) { d.flags |= 1u << 3; }) == ENERGON_ERR_RESERVED);
  CHECK(check_with(dense(), [](auto& d) { d.importance_addr = 0x7C000000; }) == ENERGON_ERR_RESERVED);
  // Alignment of both.
  CHECK(check_with(pruned(), [](auto& d) { d.prune_mask_addr += 8; }) == ENERGON_ERR_MISALIGNED);
  CHECK(check_with(pruned(), [](auto& d) { d.importance_addr += 32; }) == ENERGON_ERR_MISALIGNED);
  // Wrapping past 2^64: the importance table is 8·(n_k + heads) = 1088 bytes (the 24-byte mask
  // cannot wrap from an aligned address).
  CHECK(check_with(pruned(), [](auto& d) { d.importance_addr = 0 - uint64_t(1024); }) == ENERGON_ERR_ADDRESS);
  CHECK(check_with(pruned(), [](auto& d) { d.importance_addr = 0 - uint64_t(1088); }) == ENERGON_ERR_NONE);
  // The output over the mask; the importance table over the mask, an input, the output, the ring.
  CHECK(check_with(pruned(), [](auto& d) { d.prune_mask_addr = d.out_addr + 64; }) == ENERGON_ERR_OVERLAP);
  CHECK(check_with(pruned(), [](auto& d) { d.importance_addr = d.prune_mask_addr; }) == ENERGON_ERR_OVERLAP);
  CHECK(check_with(pruned(), [](auto& d) { d.importance_addr = d.v_addr; }) == ENERGON_ERR_OVERLAP);
  CHECK(check_with(pruned(), [](auto& d) { d.importance_addr = d.out_addr + 1024; }) == ENERGON_ERR_OVERLAP);
  energon_desc_t d = pruned();
  d.importance_addr = 0x7E000000;
  CHECK(check_descriptor(d, 0x7E000000, 4096) == ENERGON_ERR_OVERLAP);
  CHECK(check_descriptor(d, 0x7E000000 + 1088, 4096) == ENERGON_ERR_NONE);
}
