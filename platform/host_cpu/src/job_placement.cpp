#include "energon/platform/job_placement.h"

#include <stdexcept>
#include <string>

#include "energon/fw/energon_cascade.h"

namespace energon::platform {

static uint64_t alloc_or_throw(HostCpu& cpu, size_t bytes, const char* what) {
  const uint64_t a = cpu.alloc(bytes, ENERGON_BUFFER_ALIGN);
  if (a == ENERGON_HAL_NO_MEMORY)
    throw std::runtime_error(std::string("shared DRAM exhausted allocating ") + what + " (" + std::to_string(bytes) +
                             " bytes)");
  return a;
}

static void write_or_throw(HostCpu& cpu, uint64_t addr, const void* src, size_t bytes, const char* what) {
  if (!cpu.write_mem(addr, src, bytes))
    throw std::runtime_error(std::string("bus error copying ") + what + " to shared DRAM");
}

PlacedJob place_job(HostCpu& cpu, const FloatLayer& layer, const FilterConfig& filter, const JobPruning& pruning) {
  const AttentionShape& s = layer.shape;
  const HostCpuCost& cost = cpu.config().cost;
  PlacedJob job{};
  QuantizedLayer& q = job.quantized;
  q.shape = s;
  q.q.data.resize(s.q_elems());
  q.q.scale.resize(s.heads);
  q.k.data.resize(s.kv_elems());
  q.k.scale.resize(s.kv_heads);
  q.v.data.resize(s.kv_elems());
  q.v.scale.resize(s.kv_heads);
  energon_quantize_heads(layer.q.data(), s.heads, size_t(s.n_q) * s.d, q.q.data.data(), q.q.scale.data());
  energon_quantize_heads(layer.k.data(), s.kv_heads, size_t(s.n_k) * s.d, q.k.data.data(), q.k.scale.data());
  energon_quantize_heads(layer.v.data(), s.kv_heads, size_t(s.n_k) * s.d, q.v.data.data(), q.v.scale.data());
  cpu.spend_ns(cost.quantize_ns_per_elem * double(s.q_elems() + 2 * s.kv_elems()));

  const std::vector<energon_select_t> rounds = desc_rounds(filter);
  const energon_select_t topk = to_select(filter.topk, 0, 0);
  const uint8_t policy = to_desc_policy(filter.policy);
  uint8_t bits[ENERGON_MAX_PLANES];
  const uint32_t n_planes = energon_planes_for_rounds(policy, rounds.data(), uint32_t(rounds.size()), bits);
  if (n_planes == 0) throw std::runtime_error("the filter rounds need more than ENERGON_MAX_PLANES K bit planes");

  const energon_job_shape_t shape = {s.heads, s.kv_heads, s.n_q, s.n_k, s.d, s.valid_len, s.causal ? 1 : 0};
  energon_job_sizes(&shape, bits, n_planes, &job.sizes);
  std::vector<std::vector<uint8_t>> planes(n_planes);
  std::vector<uint8_t*> plane_ptrs(n_planes);
  size_t plane_total = 0;
  for (uint32_t p = 0; p < n_planes; ++p) {
    planes[p].resize(job.sizes.k_plane[p]);
    plane_ptrs[p] = planes[p].data();
    plane_total += job.sizes.k_plane[p];
  }
  if (energon_pack_k_planes(q.k.data.data(), size_t(s.kv_heads) * s.n_k, s.d, bits, n_planes, plane_ptrs.data()) != 0)
    throw std::runtime_error("K bit-plane packing refused d = " + std::to_string(s.d) + " (needs a multiple of 8)");
  cpu.spend_ns(cost.pack_ns_per_byte * double(plane_total));
  std::vector<float> scales(s.heads + s.kv_heads);
  energon_pack_scales(q.q.scale.data(), s.heads, q.k.scale.data(), s.kv_heads, scales.data());

  energon_job_buffers_t& b = job.buffers;
  b.q = alloc_or_throw(cpu, job.sizes.q, "Q");
  for (uint32_t p = 0; p < n_planes; ++p) b.k_plane[p] = alloc_or_throw(cpu, job.sizes.k_plane[p], "a K plane");
  b.v = alloc_or_throw(cpu, job.sizes.v, "V");
  b.scale = alloc_or_throw(cpu, job.sizes.scale, "the scale table");
  b.out = alloc_or_throw(cpu, job.sizes.out, "the output");
  write_or_throw(cpu, b.q, q.q.data.data(), job.sizes.q, "Q");
  for (uint32_t p = 0; p < n_planes; ++p)
    write_or_throw(cpu, b.k_plane[p], planes[p].data(), job.sizes.k_plane[p], "K");
  write_or_throw(cpu, b.v, q.v.data.data(), job.sizes.v, "V");
  write_or_throw(cpu, b.scale, scales.data(), job.sizes.scale, "the scale table");

  energon_desc_build(&job.desc, &shape, policy, rounds.data(), uint32_t(rounds.size()), &topk, bits, n_planes, &b);
  if (pruning.mask) {
    q.prune = *pruning.mask;
    const std::vector<uint8_t> image = pruning.mask->encode(s.heads, s.n_k);
    const uint64_t at = alloc_or_throw(cpu, image.size(), "the prune mask");
    write_or_throw(cpu, at, image.data(), image.size(), "the prune mask");
    energon_desc_set_prune_mask(&job.desc, at);
  }
  if (pruning.importance) {
    job.importance_addr = alloc_or_throw(cpu, ENERGON_IMPORTANCE_BYTES(s.heads, s.n_k), "the importance table");
    energon_desc_set_importance(&job.desc, job.importance_addr);
  }
  cpu.spend_ns(cost.desc_build_ns);
  return job;
}

std::vector<int16_t> read_output(HostCpu& cpu, const PlacedJob& job) {
  std::vector<int16_t> out(job.sizes.out / sizeof(int16_t));
  if (!cpu.read_mem(job.buffers.out, out.data(), job.sizes.out))
    throw std::runtime_error("bus error reading the output back from shared DRAM");
  return out;
}

std::vector<uint8_t> read_importance(HostCpu& cpu, const PlacedJob& job) {
  const AttentionShape& s = job.quantized.shape;
  std::vector<uint8_t> table(ENERGON_IMPORTANCE_BYTES(s.heads, s.n_k));
  if (!cpu.read_mem(job.importance_addr, table.data(), table.size()))
    throw std::runtime_error("bus error reading the importance table back from shared DRAM");
  return table;
}

}  // namespace energon::platform
