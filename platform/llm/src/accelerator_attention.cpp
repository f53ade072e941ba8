#include "energon/platform/llm/accelerator_attention.h"

#include <stdexcept>
#include <string>

#include "energon/fw/energon_pack.h"
#include "energon/hw/attention_policy.h"
#include "energon/platform/job_placement.h"

namespace energon::platform::llm {

const char* to_string(KvPlacement p) { return p == KvPlacement::resident ? "resident" : "per_job"; }

AcceleratorAttention::DescFilter AcceleratorAttention::desc_filter(const FilterConfig& f) {
  if (const std::string e = hw::policy_of(f.policy).validate(f); !e.empty())
    throw std::invalid_argument("filter: " + e);
  DescFilter d;
  d.rounds = desc_rounds(f);
  d.topk = to_select(f.topk, 0, 0);
  d.policy = to_desc_policy(f.policy);
  uint8_t bits[ENERGON_MAX_PLANES];
  const uint32_t n = energon_planes_for_rounds(d.policy, d.rounds.data(), uint32_t(d.rounds.size()), bits);
  if (n == 0) throw std::invalid_argument("the filter rounds need more than ENERGON_MAX_PLANES K bit planes");
  d.plane_bits.assign(bits, bits + n);
  return d;
}

AcceleratorAttention::AcceleratorAttention(HostCpu& cpu, energon_dev_t& dev, const LayerFilters& filters,
                                           uint32_t context, uint32_t timeout_us)
    : cpu_(cpu), dev_(dev), filters_(filters), context_(context), timeout_us_(timeout_us) {
  base_ = desc_filter(filters_.base);
  for (const auto& [layer, f] : filters_.layers) {
    try {
      layers_[layer] = desc_filter(f);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("layer " + std::to_string(layer) + ": " + e.what());
    }
  }
  if (context_ == 0) throw std::invalid_argument("AcceleratorAttention: context must be > 0");
}

const AcceleratorAttention::DescFilter& AcceleratorAttention::layer_filter(uint32_t layer) const {
  const auto it = layers_.find(layer);
  return it == layers_.end() ? base_ : it->second;
}

void AcceleratorAttention::clear_cache() {
  for (auto& layer : caches_)
    for (auto& head : layer) head.clear();
}

ResidentKvHead& AcceleratorAttention::cache(uint32_t layer, uint32_t kv_head, uint32_t kv_heads, uint32_t d) {
  if (caches_.size() <= layer) caches_.resize(layer + 1);
  auto& heads = caches_[layer];
  // Each layer's cache holds K in the planes of that layer's rounds.
  while (heads.size() < kv_heads) heads.emplace_back(d, context_, layer_filter(layer).plane_bits);
  ResidentKvHead& c = heads[kv_head];
  c.allocate(cpu_);
  return c;
}

void AcceleratorAttention::attend(uint32_t layer, const FloatLayer& qkv, float* out) {
  if (const std::string e = validate(qkv.shape); !e.empty())
    throw std::invalid_argument("layer " + std::to_string(layer) + " attention job: " + e);
  if (layer == 0 && !first_call_) ++step_;
  first_call_ = false;
  const sc_core::sc_time compute0 = cpu_.stats().compute_time, wait0 = cpu_.stats().wait_time;
  if (placement_ == KvPlacement::per_job)
    attend_per_job(layer, qkv, out);
  else
    attend_resident(layer, qkv, out);
  host_time_ += cpu_.stats().compute_time - compute0;
  wait_time_ += cpu_.stats().wait_time - wait0;
}

void AcceleratorAttention::attend_per_job(uint32_t layer, const FloatLayer& qkv, float* out) {
  const AttentionShape& s = qkv.shape;
  const uint64_t mark = cpu_.alloc_mark();
  const PlacedJob job = place_job(cpu_, qkv, filters_.at(layer));
  OffloadRecord r;
  r.step = step_;
  r.layer = layer;
  r.heads = s.heads;
  r.n_q = s.n_q;
  r.n_k = s.n_k;
  records_.push_back(r);
  run_batch({job.desc}, records_.size() - 1);
  const std::vector<int16_t> o = read_output(cpu_, job);
  const size_t row = size_t(s.n_q) * s.d;
  for (uint32_t h = 0; h < s.heads; ++h) {
    const float scale = job.quantized.v.scale[s.kv_head_of(h)];
    for (size_t e = 0; e < row; ++e) out[h * row + e] = float(o[h * row + e]) * scale;
  }
  cpu_.spend_ns(cpu_.config().cost.quantize_ns_per_elem * double(o.size()));  // dequantize
  cpu_.release_to(mark);
}

void AcceleratorAttention::attend_resident(uint32_t layer, const FloatLayer& qkv, float* out) {
  const AttentionShape& s = qkv.shape;
  const HostCpuCost& cost = cpu_.config().cost;
  const uint32_t group = s.heads / s.kv_heads;
  const size_t kv_block = size_t(s.n_k) * s.d, q_block = size_t(group) * s.n_q * s.d;
  std::vector<ResidentKvHead*> heads;
  // Caches first: their DRAM is reserved on first use and must outlive this step's buffers.
  for (uint32_t g = 0; g < s.kv_heads; ++g) {
    ResidentKvHead& c = cache(layer, g, s.kv_heads, s.d);
    heads.push_back(&c);
  }
  const uint64_t mark = cpu_.alloc_mark();
  for (uint32_t g = 0; g < s.kv_heads; ++g)
    heads[g]->update(cpu_, qkv.k.data() + g * kv_block, qkv.v.data() + g * kv_block, s.n_k - s.n_q, s.n_k,
                     cache_stats_);

  const DescFilter& f = layer_filter(layer);
  const std::vector<uint8_t>& plane_bits = f.plane_bits;
  const energon_job_shape_t shape = {group, 1, s.n_q, s.n_k, s.d, s.n_k, 1};
  energon_job_sizes_t sizes;
  energon_job_sizes(&shape, plane_bits.data(), uint32_t(plane_bits.size()), &sizes);
  std::vector<energon_desc_t> descs(s.kv_heads);
  std::vector<energon_job_buffers_t> buffers(s.kv_heads);
  const size_t first_record = records_.size();
  q16_.resize(q_block);
  std::vector<float> q_scale(group), table(group + 1);
  for (uint32_t g = 0; g < s.kv_heads; ++g) {
    energon_quantize_heads(qkv.q.data() + g * q_block, group, size_t(s.n_q) * s.d, q16_.data(), q_scale.data());
    cpu_.spend_ns(cost.quantize_ns_per_elem * double(q_block));
    const float k_scale = heads[g]->k_scale();
    energon_pack_scales(q_scale.data(), group, &k_scale, 1, table.data());
    energon_job_buffers_t& b = buffers[g];
    auto take = [&](size_t bytes, const char* what) {
      const uint64_t a = cpu_.alloc(bytes, ENERGON_BUFFER_ALIGN);
      if (a == ENERGON_HAL_NO_MEMORY)
        throw std::runtime_error(std::string("shared DRAM exhausted allocating ") + what + " of layer " +
                                 std::to_string(layer));
      return a;
    };
    b.q = take(sizes.q, "Q");
    b.scale = take(sizes.scale, "the scale table");
    b.out = take(sizes.out, "the output");
    for (size_t p = 0; p < plane_bits.size(); ++p) b.k_plane[p] = heads[g]->k_plane_addr(uint32_t(p));
    b.v = heads[g]->v_addr();
    if (!cpu_.write_mem(b.q, q16_.data(), sizes.q) || !cpu_.write_mem(b.scale, table.data(), sizes.scale))
      throw std::runtime_error("bus error placing Q of layer " + std::to_string(layer));
    energon_desc_build(&descs[g], &shape, f.policy, f.rounds.data(), uint32_t(f.rounds.size()), &f.topk,
                       plane_bits.data(), uint32_t(plane_bits.size()), &b);
    cpu_.spend_ns(cost.desc_build_ns);
    OffloadRecord r;
    r.step = step_;
    r.layer = layer;
    r.kv_head = g;
    r.first_head = g * group;
    r.heads = group;
    r.n_q = s.n_q;
    r.n_k = s.n_k;
    records_.push_back(r);
  }
  run_batch(descs, first_record);

  out16_.resize(q_block);
  for (uint32_t g = 0; g < s.kv_heads; ++g) {
    if (!cpu_.read_mem(buffers[g].out, out16_.data(), sizes.out))
      throw std::runtime_error("bus error reading the output of layer " + std::to_string(layer));
    const float scale = heads[g]->v_scale();
    for (size_t e = 0; e < q_block; ++e) out[g * q_block + e] = float(out16_[e]) * scale;
  }
  cpu_.spend_ns(cost.quantize_ns_per_elem * double(s.q_elems()));  // dequantize
  cpu_.release_to(mark);
}

void AcceleratorAttention::run_batch(const std::vector<energon_desc_t>& descs, size_t first_record) {
  if (dev_.ring_entries < 2) throw std::logic_error("AcceleratorAttention: the descriptor queue is not set up");
  const uint32_t capacity = dev_.ring_entries - 1;
  for (size_t at = 0; at < descs.size(); at += capacity) {
    const uint32_t count = uint32_t(std::min<size_t>(capacity, descs.size() - at));
    OffloadRecord& head = records_[first_record + at];
    const std::string where = "layer " + std::to_string(head.layer) + " (step " + std::to_string(head.step) + ")";
    uint32_t index = 0;
    int rc = energon_submit(&dev_, &descs[at], count, &index);
    if (rc != ENERGON_FW_OK) throw std::runtime_error("energon_submit for " + where + ": " + energon_strerror(rc));
    const sc_core::sc_time submitted = cpu_.now();
    energon_wait_info_t info;
    rc = energon_wait(&dev_, timeout_us_, &info);
    const sc_core::sc_time completed = cpu_.now();
    if (rc != ENERGON_FW_OK && rc != ENERGON_FW_EJOB)
      throw std::runtime_error("energon_wait for " + where + ": " + energon_strerror(rc));
    for (uint32_t i = 0; i < count; ++i) {
      OffloadRecord& r = records_[first_record + at + i];
      energon_read_result(&dev_, (index + i) % dev_.ring_entries, &r.result);
      r.submitted = submitted;
      r.completed = completed;
      if (!r.result.done || r.result.error != ENERGON_ERR_NONE)
        throw std::runtime_error("accelerator job of " + where + " failed: " + energon_error_name(int(r.result.error)) +
                                 " (" + energon_strerror(int(r.result.error)) + ")");
    }
    ++batches_;
  }
}

}  // namespace energon::platform::llm
