// The comparison of replayed traces with the DRAMSys reference figures (reference.json), shared by
// energon-dram-replay (full traces, the table of docs/dram.md) and the fidelity test (reduced).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dram_reference_cases.h"
#include "dram_trace_replay.h"

namespace energon::hw {

struct DramReferenceFigures {
  double bandwidth_gbps = 0, read_latency_mean_ns = 0, read_latency_p95_ns = 0, row_hit_rate = 0;
};

struct DramReferenceRow {
  std::string trace, load;
  DramReferenceCase config;
  DramReplayResult model;
  DramReferenceFigures reference;
  double bandwidth_ratio() const { return model.bandwidth_gbps / reference.bandwidth_gbps; }
  double mean_ratio() const { return model.read_latency_mean_ns / reference.read_latency_mean_ns; }
  double p95_ratio() const { return model.read_latency_p95_ns / reference.read_latency_p95_ns; }
};

/// The traces of gen_traces.py.
const std::vector<std::string>& dram_reference_traces();

/// Writes the traces of `load` (sat or mod) into `dir` with /usr/bin/python3 and gen_traces.py
/// of `reference_dir`; throws std::runtime_error when that fails.
void generate_dram_reference_traces(const std::string& reference_dir, const std::string& dir, const std::string& load);

/// Figures of key `<trace>_<load>_<standard>__<variant>_<scheduler>` in reference.json.
DramReferenceFigures read_dram_reference(const std::string& reference_json, const std::string& key);

/// Every trace × case of `load` whose variant passes `want` (empty: all): each trace file
/// `<trace>_<load>_<standard>.stl` of `trace_dir` read once (first `max_requests`, 0: all),
/// replayed per case and paired with the reference; `row_done` sees each row as it is ready.
std::vector<DramReferenceRow> compare_with_dram_reference(
    const std::string& reference_dir, const std::string& trace_dir, const std::string& load,
    const std::vector<std::string>& variants, size_t max_requests,
    const std::function<void(const DramReferenceRow&)>& row_done = {});

/// One row of the markdown table (and its header).
std::string dram_reference_table_header();
std::string dram_reference_table_row(const DramReferenceRow& r);

}  // namespace energon::hw
