#include <algorithm>
#include <filesystem>
#include <sstream>

#include "npy_tensor.h"
#include "workload_raw.h"

namespace energon::workload::detail {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSyntheticKeys[] = {"source",       "seed",           "dominant_keys", "dominant_strength",
                                          "local_window", "local_strength", "sink_tokens",   "sink_strength",
                                          "noise",        "head_variation"};
constexpr const char* kNpyKeys[] = {"source", "files", "q", "k", "v", "int16_scale"};
constexpr double kMaxStrength = 50.0;  // logits beyond this only saturate the softmax

// Shortest readable form of a number for messages (2.5, not 2.500000).
std::string number_text(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

template <typename T>
T required(const std::optional<T>& v, const std::string& file, const std::string& key, const std::string& expected) {
  if (!v) throw WorkloadError(key_error(file, key, "missing (expected " + expected + ")"));
  return *v;
}

template <size_t N>
void check_keys_of_source(const RawData& d, const char* const (&allowed)[N], const std::string& source,
                          const std::string& file) {
  for (const std::string& k : d.keys_present) {
    if (std::find(std::begin(allowed), std::end(allowed), k) != std::end(allowed)) continue;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw WorkloadError(file + ": key 'data." + k + "' is not used by source '" + source + "' (its keys: " + list +
                        ")");
  }
}

float strength(const std::optional<double>& v, float fallback, const std::string& file, const std::string& key) {
  if (!v) return fallback;
  if (*v > kMaxStrength)
    throw WorkloadError(key_error(
        file, key, "expected a number in 0.." + std::to_string(int(kMaxStrength)) + ", got " + number_text(*v)));
  return static_cast<float>(*v);
}

SyntheticParams validate_synthetic(const RawData& d, const AttentionShape& s, const std::string& file) {
  SyntheticParams p;
  if (d.seed) p.seed = *d.seed;
  if (d.dominant_keys) {
    if (*d.dominant_keys > SyntheticParams::kMaxDominantKeys)
      throw WorkloadError(key_error(file, "data.dominant_keys",
                                    "expected an integer in 0.." + std::to_string(SyntheticParams::kMaxDominantKeys) +
                                        ", got " + std::to_string(*d.dominant_keys)));
    p.dominant_keys = *d.dominant_keys;
  }
  if (d.local_window) p.local_window = *d.local_window;
  if (d.sink_tokens) {
    if (*d.sink_tokens > s.n_k)
      throw WorkloadError(
          key_error(file, "data.sink_tokens",
                    "expected at most n_k (" + std::to_string(s.n_k) + "), got " + std::to_string(*d.sink_tokens)));
    p.sink_tokens = *d.sink_tokens;
  }
  p.dominant_strength = strength(d.dominant_strength, p.dominant_strength, file, "data.dominant_strength");
  p.local_strength = strength(d.local_strength, p.local_strength, file, "data.local_strength");
  p.sink_strength = strength(d.sink_strength, p.sink_strength, file, "data.sink_strength");
  p.noise = strength(d.noise, p.noise, file, "data.noise");
  if (d.head_variation) {
    if (*d.head_variation > SyntheticParams::kMaxHeadVariation)
      throw WorkloadError(key_error(file, "data.head_variation",
                                    "expected a number in 0.." +
                                        std::to_string(int(SyntheticParams::kMaxHeadVariation)) + ", got " +
                                        number_text(*d.head_variation)));
    p.head_variation = static_cast<float>(*d.head_variation);
  }
  return p;
}

// Checks one npy file named by `key`: exists, readable header, shape, int16 scale.
std::string checked_npy_path(const std::string& given, const fs::path& base, const std::string& key, uint32_t heads,
                             uint32_t n, uint32_t d, double int16_scale, const std::string& file) {
  const fs::path p = fs::path(given).is_absolute() ? fs::path(given) : base / given;
  std::string resolved = p.lexically_normal().string();
  std::error_code ec;
  const fs::file_status st = fs::status(p, ec);
  if (!fs::exists(st))
    throw WorkloadError(key_error(
        file, key, "expected an existing .npy file, '" + given + "' not found (looked for " + resolved + ")"));
  if (!fs::is_regular_file(st))
    throw WorkloadError(key_error(file, key,
                                  "'" + resolved + "' is " +
                                      (fs::is_directory(st) ? "a folder" : "not a regular file") +
                                      ", expected an .npy file"));
  NpyHeader h;
  try {
    h = read_npy_header(resolved);
  } catch (const WorkloadError& e) {
    throw WorkloadError(key_error(file, key, e.what()));
  }
  const std::string problem = npy_shape_problem(h, heads, n, d);
  if (!problem.empty()) throw WorkloadError(key_error(file, key, resolved + ": " + problem));
  if (h.dtype == NpyDtype::i2 && !(int16_scale > 0.0))
    throw WorkloadError(
        key_error(file, "data.int16_scale", "missing (expected a positive number: " + resolved + " holds int16 data)"));
  return resolved;
}

NpySource validate_npy(const RawData& d, const Workload& w, const std::string& file) {
  NpySource src;
  src.int16_scale_q = static_cast<float>(d.int16_scale_q.value_or(0.0));
  src.int16_scale_k = static_cast<float>(d.int16_scale_k.value_or(0.0));
  src.int16_scale_v = static_cast<float>(d.int16_scale_v.value_or(0.0));
  const bool patterns = d.q || d.k || d.v;
  if (patterns && d.files)
    throw WorkloadError(file + ": key 'data.files': give either 'files' or the q/k/v path patterns, not both");
  if (!patterns && !d.files)
    throw WorkloadError(key_error(
        file, "data.files", "missing (expected a list of {q, k, v} paths per layer, or q/k/v patterns with {layer})"));
  std::vector<RawNpyFiles> raw;
  if (d.files) {
    raw = *d.files;
    if (raw.size() != w.layers)
      throw WorkloadError(key_error(
          file, "data.files",
          "expected " + std::to_string(w.layers) + " entries (one per layer), got " + std::to_string(raw.size())));
  } else {
    const std::string expected = "a path pattern containing {layer}";
    const std::string q = required(d.q, file, "data.q", expected);
    const std::string k = required(d.k, file, "data.k", expected);
    const std::string v = required(d.v, file, "data.v", expected);
    const std::pair<const char*, std::string> patterns_by_key[] = {{"data.q", q}, {"data.k", k}, {"data.v", v}};
    for (const auto& [key, pat] : patterns_by_key)
      if (w.layers > 1 && pat.find("{layer}") == std::string::npos)
        throw WorkloadError(key_error(
            file, key,
            "expected " + expected + " (the workload has " + std::to_string(w.layers) + " layers), got '" + pat + "'"));
    auto subst = [](std::string pat, uint32_t layer) {
      for (size_t at; (at = pat.find("{layer}")) != std::string::npos;) pat.replace(at, 7, std::to_string(layer));
      return pat;
    };
    for (uint32_t l = 0; l < w.layers; ++l) raw.push_back({subst(q, l), subst(k, l), subst(v, l)});
  }
  const fs::path base = fs::path(file).parent_path();
  const AttentionShape& s = w.shape;
  for (size_t l = 0; l < raw.size(); ++l) {
    const std::string at = d.files ? "data.files[" + std::to_string(l) + "]." : "data.";
    const std::string expected = "a path to an .npy file";
    NpyLayerFiles f;
    f.q = checked_npy_path(required(raw[l].q, file, at + "q", expected), base, at + "q", s.heads, s.n_q, s.d,
                           src.int16_scale_q, file);
    f.k = checked_npy_path(required(raw[l].k, file, at + "k", expected), base, at + "k", s.kv_heads, s.n_k, s.d,
                           src.int16_scale_k, file);
    f.v = checked_npy_path(required(raw[l].v, file, at + "v", expected), base, at + "v", s.kv_heads, s.n_k, s.d,
                           src.int16_scale_v, file);
    src.files.push_back(f);
  }
  return src;
}

AttentionShape validate_shape(const RawWorkload& r, const std::string& file) {
  const std::string pos = "a positive integer";
  AttentionShape s;
  s.heads = required(r.heads, file, "heads", pos);
  s.kv_heads = r.kv_heads.value_or(s.heads);
  s.d = required(r.d, file, "d", pos);
  s.causal = r.causal.value_or(false);
  if (r.seq_len) {
    if (r.n_q || r.n_k)
      throw WorkloadError(
          key_error(file, r.n_q ? "n_q" : "n_k", "give either seq_len (self-attention) or n_q and n_k, not both"));
    s.n_q = s.n_k = *r.seq_len;
  } else if (r.n_q || r.n_k) {
    s.n_q = required(r.n_q, file, "n_q", pos + " since n_k is given");
    s.n_k = required(r.n_k, file, "n_k", pos + " since n_q is given");
  } else {
    throw WorkloadError(key_error(file, "seq_len", "missing (expected " + pos + ", or n_q and n_k)"));
  }
  if (s.heads % s.kv_heads != 0)
    throw WorkloadError(
        key_error(file, "kv_heads",
                  "expected a divisor of heads (" + std::to_string(s.heads) + "), got " + std::to_string(s.kv_heads)));
  s.valid_len = r.valid_len.value_or(s.n_k);
  if (s.valid_len > s.n_k)
    throw WorkloadError(key_error(
        file, "valid_len", "expected at most n_k (" + std::to_string(s.n_k) + "), got " + std::to_string(s.valid_len)));
  const std::string e = validate(s);
  if (!e.empty()) throw WorkloadError(file + ": invalid attention shape: " + e);
  return s;
}

}  // namespace

Workload validate_raw(const RawWorkload& r, const std::string& file) {
  Workload w;
  w.source_file = file;
  w.name = required(r.name, file, "name", "a non-empty string");
  w.description = r.description.value_or("");
  w.layers = required(r.layers, file, "layers", "a positive integer");
  w.shape = validate_shape(r, file);
  if (!r.data) return w;  // synthetic with every default
  const RawData& d = *r.data;
  const std::string source = required(d.source, file, "data.source", "'synthetic' or 'npy'");
  if (source == "synthetic") {
    check_keys_of_source(d, kSyntheticKeys, source, file);
    w.source = DataSource::synthetic;
    w.synthetic = validate_synthetic(d, w.shape, file);
  } else if (source == "npy") {
    check_keys_of_source(d, kNpyKeys, source, file);
    w.source = DataSource::npy;
    w.npy = validate_npy(d, w, file);
  } else {
    throw WorkloadError(key_error(file, "data.source", "expected 'synthetic' or 'npy', got '" + source + "'"));
  }
  return w;
}

}  // namespace energon::workload::detail
