// A workload: a model's attention shape per layer and where its Q/K/V come from,
// loaded from workloads/models/<name>.yaml or any YAML file (docs/workloads.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "energon/attention_job.h"
#include "energon/workload/synthetic.h"
#include "energon/workload/workload_error.h"

namespace energon::workload {

enum class DataSource : uint8_t { synthetic, npy };

const char* to_string(DataSource s);

/// The three .npy files of one layer, as absolute or YAML-relative-resolved paths.
struct NpyLayerFiles {
  std::string q, k, v;
};

/// Where an npy workload's tensors live and how int16 files are scaled to float.
struct NpySource {
  std::vector<NpyLayerFiles> files;  ///< one entry per layer
  /// Multiplier applied to '<i2' files (x_real = scale · x_int); 0 = not given in YAML.
  float int16_scale_q = 0.0f, int16_scale_k = 0.0f, int16_scale_v = 0.0f;
};

/// A validated workload.
struct Workload {
  std::string name;
  std::string description;
  std::string source_file;  ///< the YAML file it came from ("" when built in code)
  uint32_t layers = 1;
  AttentionShape shape;
  DataSource source = DataSource::synthetic;
  SyntheticParams synthetic;  ///< used when source == synthetic
  NpySource npy;              ///< used when source == npy
};

/// Loads a workload by name (workloads_dir()/<name>.yaml) or by path to a YAML file
/// (anything containing '/' or ending in .yaml/.yml). Throws WorkloadError.
Workload load_workload(const std::string& name_or_path);

/// The workload as YAML that parse_workload() reads back into the same workload (every key
/// explicit, numbers exact); npy file paths as resolved.
std::string dump_workload_yaml(const Workload& w);

/// Parses YAML text as if it came from `source_file` (relative npy paths resolve
/// against that file's folder). Throws WorkloadError.
Workload parse_workload(const std::string& yaml_text, const std::string& source_file);

/// Float tensors of layer `layer` (< w.layers): generated or read from .npy.
/// Throws WorkloadError.
FloatLayer make_layer(const Workload& w, uint32_t layer);

/// Names of the YAML files in workloads_dir(), sorted.
std::vector<std::string> builtin_workloads();

/// $ENERGON_WORKLOADS_DIR if set, else the source tree's workloads/models.
std::string workloads_dir();

/// The same synthetic self-attention workload at sequence length n (n_q = n_k = n;
/// a valid_len equal to the old n_k follows n, a shorter one is clamped to n).
/// Throws WorkloadError for npy workloads, cross-attention shapes or an invalid n.
Workload with_seq_len(const Workload& w, uint32_t n);

}  // namespace energon::workload
