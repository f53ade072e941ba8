// Command line of energon-vp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "energon/attention_job.h"
#include "energon/cascade_schedule.h"
#include "energon/config/rounds_yaml.h"
#include "energon/platform/platform.h"
#include "energon/platform/platform_config.h"
#include "energon/workload/workload.h"

namespace energon::vp {

struct VpOptions {
  std::string hw = "energon-edge";
  std::string workload = "bert-base-512";
  Policy policy = Policy::mpmrf;
  std::string rounds;                         ///< "" = Energon default rounds
  std::optional<double> alpha;                ///< overrides every threshold round's α
  std::string rounds_file;                    ///< --rounds-file: the --policy pass's rules per layer
  config::RoundsFile layer_rounds;            ///< its contents (parse_options reads it)
  std::optional<uint32_t> topk_fraction_ppm;  ///< topk policy: kept fraction in ppm (default: mpmrf's, else 1/4)
  std::string pq_threshold;                   ///< spatten: --pq-threshold, a decimal in [0, 1] ("" = 0.1)
  std::optional<uint32_t> pq_msb_bits;        ///< spatten: --pq-msb-bits (default 8)
  std::string a3_iterations;                  ///< a3: --a3-iterations, M per allowed key in (0, 1] ("" = 0.5)
  std::string a3_threshold;                   ///< a3: --a3-threshold, post-scoring T in nats ("" = 8)
  CascadeSchedule cascade;                    ///< --token-keep / --head-keep: the --policy pass's pruning
  uint32_t layers = 0;                        ///< 0 = all layers of the workload
  uint32_t seq_len = 0;                       ///< 0 = the workload's own n
  platform::PlatformTiming timing = platform::PlatformTiming::lt;
  uint32_t queue_depth = 2;
  bool check = true;
  bool compare = false;
  std::string json_path;
  bool quiet = false;
  std::string serve;              ///< co-simulation server address ("" = run the built-in host program)
  std::string vcd;                ///< waveform file ("" = none)
  std::string timeline;           ///< Chrome trace-event JSON file ("" = none)
  std::string log_level;          ///< --log-level spec ("" = warning)
  std::string log_file;           ///< --log file ("" = stderr)
  std::string command_line;       ///< the whole command, for the report's provenance
  std::vector<std::string> sets;  ///< --set KEY=VALUE preset overrides
  bool dump_config = false;       ///< print the resolved configuration as YAML and stop
  uint64_t max_memory = 0;        ///< refuse a run estimated to need more host memory (bytes)
};

/// Parsed options, or the exit code to return (0 after --help / --list, 2 after a bad option).
struct ParseOutcome {
  std::optional<VpOptions> options;
  int exit_code = 0;
};

ParseOutcome parse_options(int argc, char** argv);

/// The filter configuration `policy` runs with under these options (with --rounds-file, the
/// file's default for its policy).
FilterConfig filter_for(const VpOptions& o, Policy policy, uint32_t topk_fraction_ppm);

}  // namespace energon::vp

namespace energon::vp {

/// The resolved configuration of a run as YAML: run options, hardware section (parse_platform_config
/// reads it), workload section (parse_workload reads it).
std::string dump_config(const VpOptions& o, const platform::PlatformConfig& hw, const workload::Workload& w,
                        uint32_t layers);

}  // namespace energon::vp
