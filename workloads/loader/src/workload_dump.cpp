#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "energon/workload/workload.h"

namespace energon::workload {

namespace {

std::string exact(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

}  // namespace

std::string dump_workload_yaml(const Workload& w) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << w.name;
  e << YAML::Key << "description" << YAML::Value << w.description;
  e << YAML::Key << "layers" << YAML::Value << w.layers;
  e << YAML::Key << "heads" << YAML::Value << w.shape.heads;
  e << YAML::Key << "kv_heads" << YAML::Value << w.shape.kv_heads;
  e << YAML::Key << "d" << YAML::Value << w.shape.d;
  e << YAML::Key << "n_q" << YAML::Value << w.shape.n_q;
  e << YAML::Key << "n_k" << YAML::Value << w.shape.n_k;
  e << YAML::Key << "valid_len" << YAML::Value << w.shape.valid_len;
  e << YAML::Key << "causal" << YAML::Value << w.shape.causal;
  e << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
  if (w.source == DataSource::synthetic) {
    const SyntheticParams& p = w.synthetic;
    e << YAML::Key << "source" << YAML::Value << "synthetic";
    e << YAML::Key << "seed" << YAML::Value << p.seed;
    e << YAML::Key << "dominant_keys" << YAML::Value << p.dominant_keys;
    e << YAML::Key << "dominant_strength" << YAML::Value << exact(p.dominant_strength);
    e << YAML::Key << "local_window" << YAML::Value << p.local_window;
    e << YAML::Key << "local_strength" << YAML::Value << exact(p.local_strength);
    e << YAML::Key << "sink_tokens" << YAML::Value << p.sink_tokens;
    e << YAML::Key << "sink_strength" << YAML::Value << exact(p.sink_strength);
    e << YAML::Key << "noise" << YAML::Value << exact(p.noise);
    e << YAML::Key << "head_variation" << YAML::Value << exact(p.head_variation);
  } else {
    e << YAML::Key << "source" << YAML::Value << "npy";
    e << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
    for (const NpyLayerFiles& f : w.npy.files)
      e << YAML::BeginMap << YAML::Key << "q" << YAML::Value << f.q << YAML::Key << "k" << YAML::Value << f.k
        << YAML::Key << "v" << YAML::Value << f.v << YAML::EndMap;
    e << YAML::EndSeq;
    if (w.npy.int16_scale_q > 0)
      e << YAML::Key << "int16_scale" << YAML::Value << YAML::BeginMap << YAML::Key << "q" << YAML::Value
        << exact(w.npy.int16_scale_q) << YAML::Key << "k" << YAML::Value << exact(w.npy.int16_scale_k) << YAML::Key
        << "v" << YAML::Value << exact(w.npy.int16_scale_v) << YAML::EndMap;
  }
  e << YAML::EndMap << YAML::EndMap;
  return e.c_str();
}

}  // namespace energon::workload
