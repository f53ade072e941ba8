#include "vp_memory.h"

#include <unistd.h>

#include "energon/fw/energon_pack.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace energon::vp {

namespace {

uint64_t saturating_mul(uint64_t a, uint64_t b) { return (b != 0 && a > UINT64_MAX / b) ? UINT64_MAX : a * b; }

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

std::string format_bytes(uint64_t bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 6) v /= 1024.0, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
  return buf;
}

std::string MemoryEstimate::breakdown() const {
  std::ostringstream o;
  o << "float32 Q/K/V of the layers in flight " << format_bytes(float_tensors) << " + DRAM-model copies "
    << format_bytes(dram_copies) << " + golden check " << format_bytes(golden_check) << " + fixed "
    << format_bytes(fixed);
  return o.str();
}

MemoryEstimate estimate_run_memory(const AttentionShape& s, uint32_t layers_in_flight, bool check) {
  // Per layer in flight: float32 Q, K, V as generated or read; in the DRAM model INT16 Q, the K
  // planes (16 bits per element in all), INT16 V and the INT16 output. With --check: the float64
  // reference output, the golden INT16 output and the quantized Q, K, V it runs on. Measured on
  // BERT-base at n = 4096 within 5% (docs/workloads.md).
  const uint64_t q = s.q_elems(), kv = s.kv_elems();
  const uint64_t layers = layers_in_flight == 0 ? 1 : layers_in_flight;
  MemoryEstimate e;
  e.float_tensors = saturating_mul(saturating_add(saturating_mul(q, 4), saturating_mul(kv, 8)), layers);
  e.dram_copies = saturating_mul(saturating_add(saturating_mul(q, 4), saturating_mul(kv, 4)), layers);
  if (check) e.golden_check = saturating_add(saturating_mul(q, 12), saturating_mul(kv, 4));
  e.fixed = uint64_t(48) << 20;
  return e;
}

uint64_t shared_dram_bytes(const AttentionShape& s, uint32_t layers_in_flight) {
  const energon_job_shape_t shape = {s.heads, s.kv_heads, s.n_q, s.n_k, s.d, s.valid_len, s.causal ? 1 : 0};
  const uint8_t bits[1] = {16};  // the K planes of every policy add up to 16 bits per element
  energon_job_sizes_t z;
  energon_job_sizes(&shape, bits, 1, &z);
  const uint64_t align = ENERGON_BUFFER_ALIGN;
  const uint64_t per_layer = uint64_t(z.q) + z.k_plane[0] + z.v + z.scale + z.out + (ENERGON_MAX_PLANES + 4) * align;
  return saturating_add(saturating_mul(per_layer, layers_in_flight == 0 ? 1 : layers_in_flight),
                        uint64_t(ENERGON_QUEUE_MAX_ENTRIES) * ENERGON_DESC_BYTES);
}

uint64_t default_max_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  uint64_t limit = (pages > 0 && page > 0) ? uint64_t(pages) * uint64_t(page) : uint64_t(8) << 30;
  std::ifstream cg("/sys/fs/cgroup/memory.max");  // cgroup v2; "max" when unlimited
  std::string text;
  if (cg >> text && text != "max") {
    uint64_t v = 0;
    if (parse_memory_size(text, v) && v > 0 && v < limit) limit = v;
  }
  return limit - limit / 8;
}

bool parse_memory_size(const std::string& text, uint64_t& bytes) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + uint64_t(text[i++] - '0');
  }
  if (i == 0) return false;
  const std::string unit = text.substr(i);
  uint64_t mult = 0;
  if (unit.empty() || unit == "B")
    mult = 1;
  else if (unit == "KiB" || unit == "K")
    mult = uint64_t(1) << 10;
  else if (unit == "MiB" || unit == "M")
    mult = uint64_t(1) << 20;
  else if (unit == "GiB" || unit == "G")
    mult = uint64_t(1) << 30;
  else if (unit == "TiB" || unit == "T")
    mult = uint64_t(1) << 40;
  if (mult == 0 || v > UINT64_MAX / mult) return false;
  bytes = v * mult;
  return true;
}

}  // namespace energon::vp
