#include "vp_run.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <chrono>

#include "energon/filter_spec.h"
#include "energon/stats/progress.h"
#include "vp_tracing.h"
#include "energon/platform/platform.h"

namespace energon::vp {

static double kept_fraction(const checks::AppResult& r) {
  uint64_t allowed = 0, kept = 0;
  for (auto& l : r.layers) {
    allowed += l.hw.allowed;
    kept += l.hw.final_kept;
  }
  return allowed ? double(kept) / double(allowed) : 0.0;
}

static uint64_t order_size(const VpOptions& o) { return o.compare ? 3 : 1; }

RunResult run_platform(const VpOptions& o, const platform::PlatformConfig& hw, const workload::Workload& w,
                       uint32_t layers) {
  RunResult result;
  platform::Platform top("energon", hw, o.timing);
  RunTracing tracing(top, o.vcd, o.timeline);

  // The --policy pass first; under --compare mpmrf runs before topk so that topk can keep the
  // same fraction of keys (the fair SpAtten-style comparison), then the rest.
  std::vector<Policy> order = {o.policy};
  if (o.compare)
    for (Policy p : {Policy::mpmrf, Policy::topk, Policy::dense})
      if (p != o.policy) order.push_back(p);

  stats::Progress progress("energon-vp " + w.name, uint64_t(layers) * order_size(o), !o.quiet);
  uint64_t layers_before = 0;
  top.cpu.load_program([&](platform::HostCpu& cpu) {
    double mpmrf_kept = -1;
    for (Policy p : order) {
      const uint32_t frac = o.topk_fraction_ppm ? *o.topk_fraction_ppm
                            : mpmrf_kept > 0    ? fraction_to_ppm(mpmrf_kept)
                                                : kFractionOne / 4;
      PassResult pass;
      pass.filter = filter_for(o, p, frac);
      checks::AppConfig cfg;
      cfg.reg_base = platform::kAccelRegBase;
      cfg.filter = pass.filter;
      // --rounds-file: the requested pass runs each layer under the file's rules (golden check too).
      if (p == o.policy && !o.rounds_file.empty()) cfg.layer_filters = o.layer_rounds.filters.layers;
      if (p == o.policy) cfg.cascade = o.cascade;  // --token-keep / --head-keep
      pass.filters = LayerFilters(pass.filter, cfg.layer_filters);
      cfg.queue_depth = o.queue_depth;
      cfg.check = o.check;
      cfg.on_layer = [&](uint32_t done) { progress.update(layers_before + done, cpu.now().to_seconds()); };
      const size_t first_job = top.jobs().size();
      // Every pass starts from reset state at a quantum boundary, so its cycles are those it has when
      // it runs alone, whatever ran before it (--compare).
      cpu.sync();
      const sc_core::sc_time q = tlm_utils::tlm_quantumkeeper::get_global_quantum();
      if (q > sc_core::SC_ZERO_TIME) {
        const sc_core::sc_time into = sc_core::sc_time::from_value(sc_core::sc_time_stamp().value() % q.value());
        if (into > sc_core::SC_ZERO_TIME) sc_core::wait(q - into);
      }
      top.dram.reset();
      checks::AttentionApp app(
          layers, [&](uint32_t l) { return workload::make_layer(w, l); }, cfg);
      const uint64_t mark = cpu.alloc_mark();
      app(cpu);
      cpu.release_to(mark);
      layers_before += layers;
      pass.app = app.result();
      pass.dram = top.dram.stats();
      pass.jobs.assign(top.jobs().begin() + long(first_job), top.jobs().end());
      pass.host = cpu.stats();
      result.check_wall_s += pass.app.check_wall_s;
      if (p == Policy::mpmrf) mpmrf_kept = kept_fraction(pass.app);
      result.passes.push_back(std::move(pass));
      if (result.passes.back().app.status != ENERGON_FW_OK) break;
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  progress.finish();
  const std::string traced = tracing.finish("{\"tool\":\"energon-vp\",\"workload\":\"" + w.name + "\",\"hw\":\"" +
                                            hw.name + "\",\"policy\":\"" + to_string(o.policy) + "\"}");
  if (!traced.empty()) result.error = traced;
  if (!top.cpu.program_error().empty())
    result.error = top.cpu.program_error();
  else if (!top.cpu.finished())
    result.error = "the simulation ended before the host program finished";
  return result;
}

}  // namespace energon::vp
