// Test tool for the Python client: what the C firmware packing and the golden model make of one
// job, so that pytest can compare the Python packing byte for byte and the platform's output bit
// for bit. Usage: energon-pack-reference INPUT OUTPUT.
// INPUT: u32 heads, kv_heads, n_q, n_k, d, valid_len, causal, policy, prune; float32 q, k, v; with
// prune = 1, then u8 pruned[heads] and u8 pruned[n_k] (1 = pruned, docs/pruning.md).
// OUTPUT: records (u32 name length, name, u64 byte count, bytes): q, k, v (INT16), q_scales,
// k_scales, v_scales (float32), plane0.., desc (256 bytes at fixed buffer addresses), golden (INT16),
// importance (the table a job with flag IMPORTANCE writes).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "energon/fw/energon_pack.h"
#include "energon/golden/golden.h"
#include "energon/hw/energon_desc_codec.h"

using namespace energon;

namespace {

void record(std::ofstream& out, const std::string& name, const void* data, uint64_t bytes) {
  const uint32_t n = uint32_t(name.size());
  out.write(reinterpret_cast<const char*>(&n), 4);
  out.write(name.data(), n);
  out.write(reinterpret_cast<const char*>(&bytes), 8);
  out.write(static_cast<const char*>(data), std::streamsize(bytes));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: energon-pack-reference INPUT OUTPUT\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  uint32_t h[9];
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) {
    std::cerr << "energon-pack-reference: " << argv[1] << ": short header\n";
    return 2;
  }
  AttentionShape s;
  s.heads = h[0], s.kv_heads = h[1], s.n_q = h[2], s.n_k = h[3], s.d = h[4], s.valid_len = h[5];
  s.causal = h[6] != 0;
  const uint8_t policy = uint8_t(h[7]);
  if (!validate(s).empty() || policy > ENERGON_POLICY_A3) {
    std::cerr << "energon-pack-reference: bad shape or policy: " << validate(s) << "\n";
    return 2;
  }
  std::vector<float> fq(s.q_elems()), fk(s.kv_elems()), fv(s.kv_elems());
  for (auto* x : {&fq, &fk, &fv})
    if (!in.read(reinterpret_cast<char*>(x->data()), std::streamsize(x->size() * 4))) {
      std::cerr << "energon-pack-reference: " << argv[1] << ": short tensor data\n";
      return 2;
    }
  PruneMask prune;
  if (h[8] != 0) {
    prune.head.resize(s.heads);
    prune.token.resize(s.n_k);
    for (auto* x : {&prune.head, &prune.token})
      if (!in.read(reinterpret_cast<char*>(x->data()), std::streamsize(x->size()))) {
        std::cerr << "energon-pack-reference: " << argv[1] << ": short prune mask\n";
        return 2;
      }
  }
  QuantizedLayer L;
  L.shape = s;
  L.prune = prune;
  L.q.data.resize(fq.size()), L.q.scale.resize(s.heads);
  L.k.data.resize(fk.size()), L.k.scale.resize(s.kv_heads);
  L.v.data.resize(fv.size()), L.v.scale.resize(s.kv_heads);
  energon_quantize_heads(fq.data(), s.heads, size_t(s.n_q) * s.d, L.q.data.data(), L.q.scale.data());
  energon_quantize_heads(fk.data(), s.kv_heads, size_t(s.n_k) * s.d, L.k.data.data(), L.k.scale.data());
  energon_quantize_heads(fv.data(), s.kv_heads, size_t(s.n_k) * s.d, L.v.data.data(), L.v.scale.data());

  // Energon's default rounds (4x2 α=−0.25, 4x4 α=0), top=25%, spatten's MSB pass (8 bits,
  // threshold ceil(0.1·65536) = 6554) and a3's search (M = 0.5·N, T = 8 nats), as the Python
  // client's defaults.
  ProgressiveConfig pq;
  pq.msb_bits = 8;
  pq.threshold_q16 = 6554;
  const FilterConfig filter = policy == ENERGON_POLICY_DENSE     ? FilterConfig::dense()
                              : policy == ENERGON_POLICY_TOPK    ? FilterConfig::topk_fraction(kFractionOne / 4)
                              : policy == ENERGON_POLICY_SPATTEN ? FilterConfig::spatten(kFractionOne / 4, pq)
                              : policy == ENERGON_POLICY_A3      ? FilterConfig::a3({500000, 2048})
                                                                 : FilterConfig::energon_default();
  energon_select_t rounds[2] = {{ENERGON_RULE_THRESHOLD, 4, 2, 0, -64, 0, 0},
                                {ENERGON_RULE_THRESHOLD, 4, 4, 0, 0, 0, 0}};
  if (policy == ENERGON_POLICY_SPATTEN) rounds[0] = {ENERGON_RULE_THRESHOLD, 0, pq.msb_bits, 0, 0, pq.threshold_q16, 0};
  if (policy == ENERGON_POLICY_A3) rounds[0] = {ENERGON_RULE_THRESHOLD, 0, 0, 0, 0, 2048, 500000};
  const energon_select_t topk = {ENERGON_RULE_TOPK, 0, 0, 0, 0, 0, ENERGON_FRACTION_ONE / 4};
  const uint32_t n_rounds = policy == ENERGON_POLICY_MPMRF                                    ? 2
                            : policy == ENERGON_POLICY_SPATTEN || policy == ENERGON_POLICY_A3 ? 1
                                                                                              : 0;
  uint8_t bits[ENERGON_MAX_PLANES];
  const uint32_t n_planes = energon_planes_for_rounds(policy, rounds, n_rounds, bits);
  const energon_job_shape_t shape = {s.heads, s.kv_heads, s.n_q, s.n_k, s.d, s.valid_len, s.causal ? 1 : 0};
  energon_job_sizes_t sizes;
  energon_job_sizes(&shape, bits, n_planes, &sizes);
  std::vector<std::vector<uint8_t>> planes(n_planes);
  std::vector<uint8_t*> ptrs;
  for (uint32_t p = 0; p < n_planes; ++p) planes[p].resize(sizes.k_plane[p]), ptrs.push_back(planes[p].data());
  energon_pack_k_planes(L.k.data.data(), size_t(s.kv_heads) * s.n_k, s.d, bits, n_planes, ptrs.data());
  energon_job_buffers_t b{};
  b.q = 0x10000, b.v = 0x20000, b.scale = 0x30000, b.out = 0x40000;
  for (uint32_t p = 0; p < n_planes; ++p) b.k_plane[p] = 0x50000 + 0x10000 * p;
  energon_desc_t desc;
  energon_desc_build(&desc, &shape, policy, rounds, n_rounds, &topk, bits, n_planes, &b);
  uint8_t desc_bytes[ENERGON_DESC_BYTES];
  energon_desc_encode(&desc, desc_bytes);
  golden::GoldenStats stats;
  const std::vector<int16_t> gold = golden::run_attention(L, filter, &stats);
  const std::vector<uint8_t> importance = stats.importance.encode();

  std::ofstream out(argv[2], std::ios::binary);
  record(out, "q", L.q.data.data(), L.q.data.size() * 2);
  record(out, "k", L.k.data.data(), L.k.data.size() * 2);
  record(out, "v", L.v.data.data(), L.v.data.size() * 2);
  record(out, "q_scales", L.q.scale.data(), L.q.scale.size() * 4);
  record(out, "k_scales", L.k.scale.data(), L.k.scale.size() * 4);
  record(out, "v_scales", L.v.scale.data(), L.v.scale.size() * 4);
  for (uint32_t p = 0; p < n_planes; ++p) record(out, "plane" + std::to_string(p), planes[p].data(), planes[p].size());
  record(out, "desc", desc_bytes, sizeof desc_bytes);
  record(out, "golden", gold.data(), gold.size() * 2);
  record(out, "importance", importance.data(), importance.size());
  return out ? 0 : 1;
}
