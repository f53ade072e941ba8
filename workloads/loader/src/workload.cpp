#include "energon/workload/workload.h"
#include "energon/config/named_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "npy_tensor.h"
#include "workload_raw.h"

namespace energon::workload {

namespace fs = std::filesystem;

const char* to_string(DataSource s) { return s == DataSource::npy ? "npy" : "synthetic"; }

static const NamedConfigDir kWorkloads("ENERGON_WORKLOADS_DIR", "workloads");

std::string workloads_dir() { return kWorkloads.dir(); }

std::vector<std::string> builtin_workloads() { return kWorkloads.names(); }

Workload parse_workload(const std::string& yaml_text, const std::string& source_file) {
  return detail::validate_raw(detail::parse_raw(yaml_text, source_file), source_file);
}

Workload load_workload(const std::string& name_or_path) {
  const std::string file = kWorkloads.resolve(name_or_path);
  if (file.empty()) {
    const std::string known = kWorkloads.names_list();
    throw WorkloadError("workload '" + name_or_path + "': no file " +
                        (fs::path(kWorkloads.dir()) / (name_or_path + ".yaml")).string() +
                        " (built-in workloads: " + (known == "none" ? "none found" : known) +
                        "; set ENERGON_WORKLOADS_DIR or give a path to a YAML file)");
  }
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw WorkloadError(file + ": is a folder, expected a workload YAML file");
  std::string text;
  if (const std::string e = read_text_file(file, text); !e.empty()) throw WorkloadError(file + ": workload file: " + e);
  return parse_workload(text, file);
}

FloatLayer make_layer(const Workload& w, uint32_t layer) {
  if (layer >= w.layers)
    throw WorkloadError(w.name + ": layer " + std::to_string(layer) + " out of range (the workload has " +
                        std::to_string(w.layers) + " layers)");
  if (w.source == DataSource::synthetic) return make_synthetic_layer(w.shape, w.synthetic, layer);
  if (w.npy.files.size() != w.layers)
    throw WorkloadError(w.name + ": npy source lists " + std::to_string(w.npy.files.size()) + " layers, expected " +
                        std::to_string(w.layers));
  const AttentionShape& s = w.shape;
  const NpyLayerFiles& f = w.npy.files[layer];
  FloatLayer out;
  out.shape = s;
  out.q = detail::read_npy_tensor(f.q, s.heads, s.n_q, s.d, w.npy.int16_scale_q);
  out.k = detail::read_npy_tensor(f.k, s.kv_heads, s.n_k, s.d, w.npy.int16_scale_k);
  out.v = detail::read_npy_tensor(f.v, s.kv_heads, s.n_k, s.d, w.npy.int16_scale_v);
  return out;
}

Workload with_seq_len(const Workload& w, uint32_t n) {
  if (w.source != DataSource::synthetic)
    throw WorkloadError(w.name + ": the sequence length of an npy workload is fixed by its files");
  if (w.shape.n_q != w.shape.n_k)
    throw WorkloadError(w.name + ": seq_len applies to self-attention, this workload has n_q " +
                        std::to_string(w.shape.n_q) + " and n_k " + std::to_string(w.shape.n_k));
  Workload out = w;
  out.shape.n_q = out.shape.n_k = n;
  out.shape.valid_len = w.shape.valid_len == w.shape.n_k ? n : std::min(w.shape.valid_len, n);
  out.synthetic.sink_tokens = std::min(w.synthetic.sink_tokens, n);
  const std::string e = validate(out.shape);
  if (!e.empty()) throw WorkloadError(w.name + ": seq_len " + std::to_string(n) + ": " + e);
  return out;
}

}  // namespace energon::workload
