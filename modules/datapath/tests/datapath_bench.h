// The datapath on a plain test memory, the testbenches' common rig: one Bench per job, every job
// of a test case in one simulation (one sc_start per process).
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "energon/golden/golden.h"
#include "energon/hw/datapath.h"
#include "job_image.h"
#include "test_memory.h"

namespace energon::hw::test_rig {

constexpr uint64_t kBase = 0x80000000ull;
constexpr uint64_t kSize = 4 << 20;
const std::vector<uint8_t> kPlanes = {2, 2, 12};

struct Bench : sc_core::sc_module {
  test::TestMemory memory;
  Datapath dp;
  sc_core::sc_port<accel_job_if> job_port;
  Bench(sc_core::sc_module_name name, const AccelConfig& c)
      : sc_module(name), memory("memory", kBase, kSize), dp("datapath", c), job_port("job_port") {
    dp.mem.bind(memory.socket);
    job_port.bind(dp.job);
  }
  std::vector<int16_t> output(const energon_desc_t& d, const AttentionShape& s) const {
    std::vector<int16_t> out(s.q_elems());
    memory.load(d.out_addr, out.data(), out.size() * 2);
    return out;
  }
};

struct Run {
  JobOutcome outcome;
  DatapathStats stats;
  std::vector<int16_t> out;
  std::vector<uint8_t> importance;  ///< flag IMPORTANCE: the table the job wrote
};

struct JobSpec {
  const QuantizedLayer* layer;
  FilterConfig filter;
  AccelConfig config = AccelConfig::edge();
  std::vector<uint8_t> planes = kPlanes;
};

/// Places every job in its own bench and runs them all in one simulation (one per process).
inline std::vector<Run> run_jobs(const std::vector<JobSpec>& specs) {
  std::vector<std::unique_ptr<Bench>> benches;
  std::vector<std::unique_ptr<test::Stimulus>> stims;
  std::vector<Run> runs(specs.size());
  for (size_t n = 0; n < specs.size(); ++n) {
    const std::string name = "b" + std::to_string(n);
    benches.push_back(std::make_unique<Bench>(name.c_str(), specs[n].config));
    Bench& b = *benches.back();
    const energon_desc_t desc = test::place_job(b.memory, *specs[n].layer, specs[n].filter, specs[n].planes, kBase);
    Run& r = runs[n];
    stims.push_back(std::make_unique<test::Stimulus>(("stim" + std::to_string(n)).c_str(), [&b, &r, desc, &specs, n] {
      r.outcome = b.job_port->run_job(desc);
      r.stats = b.dp.stats();
      r.out = b.output(desc, specs[n].layer->shape);
      if (desc.flags & ENERGON_DESC_FLAG_IMPORTANCE) {
        r.importance.resize(ENERGON_IMPORTANCE_BYTES(desc.heads, desc.n_k));
        b.memory.load(desc.importance_addr, r.importance.data(), r.importance.size());
      }
    }));
  }
  sc_core::sc_start();
  for (const auto& s : stims) REQUIRE(s->finished);
  return runs;
}

/// The job ended without error, its output and its allowed and final kept counts equal
/// golden::run_attention's; returns the golden counts for the caller's further checks.
inline golden::GoldenStats check_output_against_golden(const QuantizedLayer& L, const FilterConfig& f, const Run& r) {
  golden::GoldenStats gs;
  const std::vector<int16_t> ref = golden::run_attention(L, f, &gs);
  CHECK(r.outcome.error == ENERGON_ERR_NONE);
  CHECK(r.out == ref);
  CHECK(r.outcome.allowed == gs.allowed);
  CHECK(r.outcome.final_kept == gs.final_kept);
  return gs;
}

}  // namespace energon::hw::test_rig
