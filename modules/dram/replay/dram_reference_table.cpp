#include "dram_reference_table.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace energon::hw {

const std::vector<std::string>& dram_reference_traces() {
  static const std::vector<std::string> traces = {"seq", "rand", "stride", "mix", "accel"};
  return traces;
}

void generate_dram_reference_traces(const std::string& reference_dir, const std::string& dir, const std::string& load) {
  const std::string cmd =
      "/usr/bin/python3 '" + reference_dir + "/gen_traces.py' '" + dir + "' --load " + load + " > /dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

DramReferenceFigures read_dram_reference(const std::string& reference_json, const std::string& key) {
  static std::string loaded_path;
  static YAML::Node root;  // JSON is YAML: yaml-cpp reads it
  if (loaded_path != reference_json) {
    root = YAML::LoadFile(reference_json);
    loaded_path = reference_json;
  }
  const YAML::Node n = root[key];
  if (!n.IsDefined()) throw std::runtime_error(reference_json + ": no key '" + key + "'");
  DramReferenceFigures f;
  f.bandwidth_gbps = n["bw"].as<double>();
  f.read_latency_mean_ns = n["lat_mean"].as<double>();
  f.read_latency_p95_ns = n["lat_p95"].as<double>();
  f.row_hit_rate = n["hit"].as<double>();
  return f;
}

std::vector<DramReferenceRow> compare_with_dram_reference(
    const std::string& reference_dir, const std::string& trace_dir, const std::string& load,
    const std::vector<std::string>& variants, size_t max_requests,
    const std::function<void(const DramReferenceRow&)>& row_done) {
  std::vector<DramReferenceRow> rows;
  const auto cases = dram_reference_cases();
  for (const auto& trace : dram_reference_traces()) {
    for (const char* standard : {"ddr4", "lpddr4", "hbm2"}) {
      std::vector<DramTraceRequest> requests;
      for (const auto& c : cases) {
        if (c.standard != standard) continue;
        if (!variants.empty() && std::find(variants.begin(), variants.end(), c.variant) == variants.end()) continue;
        const std::string stem = trace + "_" + load + "_" + c.standard;
        if (requests.empty()) requests = read_dram_trace(trace_dir + "/" + stem + ".stl", max_requests);
        DramReferenceRow row;
        row.trace = trace;
        row.load = load;
        row.config = c;
        DramReplayOptions options;
        options.handoff_bytes = c.request_bytes();
        row.model = replay_dram_trace(dram_reference_config(c), requests, options);
        row.reference =
            read_dram_reference(reference_dir + "/reference.json", stem + "__" + c.variant + "_" + c.scheduler);
        if (row_done) row_done(row);
        rows.push_back(row);
      }
    }
  }
  return rows;
}

std::string dram_reference_table_header() {
  return "| trace | variant | scheduler | BW GB/s model / DRAMSys | BW ratio | mean rd ns model / DRAMSys | mean ratio "
         "| p95 rd ns model / DRAMSys | p95 ratio | row-hit model / DRAMSys |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n";
}

std::string dram_reference_table_row(const DramReferenceRow& r) {
  char line[512];
  std::snprintf(line, sizeof line,
                "| %s | %s | %s | %.2f / %.2f | %.2f | %.1f / %.1f | %.2f | %.1f / %.1f | %.2f | %.2f / %.2f |\n",
                r.trace.c_str(), r.config.variant.c_str(), r.config.scheduler.c_str(), r.model.bandwidth_gbps,
                r.reference.bandwidth_gbps, r.bandwidth_ratio(), r.model.read_latency_mean_ns,
                r.reference.read_latency_mean_ns, r.mean_ratio(), r.model.read_latency_p95_ns,
                r.reference.read_latency_p95_ns, r.p95_ratio(), r.model.row_hit_rate, r.reference.row_hit_rate);
  return line;
}

}  // namespace energon::hw
