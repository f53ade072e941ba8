// Shared pieces of the platform-level testbenches: a platform on the energon-edge preset, small
// synthetic layers, and a program runner. Checks happen after sc_start, never inside the thread.
#pragma once

#include <systemc>

#include <functional>
#include <vector>

#include "energon/fw/energon_fw.h"
#include "energon/golden/golden.h"
#include "energon/platform/job_placement.h"
#include "energon/platform/platform.h"
#include "energon/workload/synthetic.h"

namespace energon::test {

inline AttentionShape small_shape(uint32_t heads, uint32_t kv_heads, uint32_t n, uint32_t d, bool causal = false) {
  AttentionShape s;
  s.heads = heads;
  s.kv_heads = kv_heads;
  s.n_q = n;
  s.n_k = n;
  s.d = d;
  s.causal = causal;
  s.valid_len = n;
  return s;
}

inline FloatLayer small_layer(const AttentionShape& s, uint32_t seed = 1) {
  workload::SyntheticParams p;
  p.seed = seed;
  return workload::make_synthetic_layer(s, p, 0);
}

/// A platform on energon-edge; run() loads the program and simulates to its end.
struct PlatformBench {
  platform::PlatformConfig config = platform::load_platform_config("energon-edge");
  platform::Platform top;

  explicit PlatformBench(platform::PlatformTiming timing = platform::PlatformTiming::lt) : top("top", config, timing) {}

  void run(std::function<void(platform::HostCpu&)> program) {
    top.cpu.load_program(std::move(program));
    sc_core::sc_start();
  }
};

/// Driver brought up on the platform's register block with a ring of `entries`.
inline int bring_up(platform::HostCpu& cpu, energon_dev_t& dev, uint32_t entries = 8) {
  int rc = energon_init(&dev, cpu.hal(), platform::kAccelRegBase);
  if (rc == ENERGON_FW_OK) rc = energon_probe(&dev);
  const uint64_t ring = cpu.alloc(size_t(entries) * ENERGON_DESC_BYTES, 256);
  if (rc == ENERGON_FW_OK) rc = energon_queue_setup(&dev, ring, entries);
  return rc;
}

/// What one submitted job came back with.
struct JobReport {
  int wait_status = 99;
  energon_wait_info_t info{};
  energon_result_t result{};
  std::vector<int16_t> output;
};

/// Submits one descriptor, waits, reads its result block (and output when it succeeded).
inline JobReport submit_one(platform::HostCpu& cpu, energon_dev_t& dev, const platform::PlacedJob& job,
                            const energon_desc_t& desc) {
  JobReport r;
  uint32_t index = 0;
  if (energon_submit(&dev, &desc, 1, &index) != ENERGON_FW_OK) return r;
  r.wait_status = energon_wait(&dev, 100000, &r.info);
  energon_read_result(&dev, index, &r.result);
  if (r.wait_status == ENERGON_FW_OK) r.output = platform::read_output(cpu, job);
  return r;
}

inline std::vector<int16_t> golden_output(const FloatLayer& layer, const FilterConfig& f,
                                          golden::GoldenStats* stats = nullptr) {
  return golden::run_attention(golden::quantize_layer(layer), f, stats);
}

}  // namespace energon::test
