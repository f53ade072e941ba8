#include "energon/workload/synthetic.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "energon/workload/workload_error.h"
#include "rng.h"

namespace energon::workload {

namespace {

using detail::RandomStream;
using detail::stream_seed;

constexpr uint64_t kTagBasis = 1, kTagKeys = 2, kTagValues = 3, kTagQueries = 4, kTagHeadMix = 5;
constexpr uint32_t kMaxPositionPairs = 8;  // random Fourier features of the local window

// The structural subspace of one kv head: an orthonormal basis (sink direction, then
// cos/sin pairs of random Fourier position features) and the feature frequencies.
struct Structure {
  uint32_t d = 0;
  bool sink = false;
  uint32_t pairs = 0;
  std::vector<double> basis;  // [rank][d]
  std::vector<double> omega, phase;
  double sink_gain = 0.0, pos_gain = 0.0;

  uint32_t rank() const { return (sink ? 1u : 0u) + 2 * pairs; }
  const double* row(uint32_t b) const { return basis.data() + size_t(b) * d; }

  // Position features of every key position, computed once per kv head and shared by
  // keys and queries: [n_k][d].
  std::vector<double> position_rows;

  void position_features(double* out, double pos) const {
    for (uint32_t t = 0; t < d; ++t) out[t] = 0.0;
    const uint32_t first = sink ? 1 : 0;
    for (uint32_t f = 0; f < pairs; ++f) {
      const double a = omega[f] * pos + phase[f];
      const double c = pos_gain * std::cos(a), s = pos_gain * std::sin(a);
      const double* bc = row(first + 2 * f);
      const double* bs = row(first + 2 * f + 1);
      for (uint32_t t = 0; t < d; ++t) out[t] += c * bc[t] + s * bs[t];
    }
  }

  void cache_positions(uint32_t n_k) {
    if (pairs == 0) return;
    position_rows.resize(size_t(n_k) * d);
    for (uint32_t j = 0; j < n_k; ++j) position_features(position_rows.data() + size_t(j) * d, double(j));
  }

  // Adds sink_scale × the sink direction and pos_scale × the position features of `pos`.
  void add(double* x, double pos, double sink_scale, double pos_scale, double* scratch) const {
    if (sink && sink_scale != 0.0) {
      const double g = sink_scale * sink_gain;
      for (uint32_t t = 0; t < d; ++t) x[t] += g * basis[t];
    }
    if (pairs == 0) return;
    const double* p = scratch;
    const size_t rows = position_rows.size() / d;
    if (pos >= 0.0 && pos < double(rows) && pos == std::floor(pos)) {
      p = position_rows.data() + size_t(pos) * d;
    } else {
      position_features(scratch, pos);
    }
    for (uint32_t t = 0; t < d; ++t) x[t] += pos_scale * p[t];
  }

  // Removes the structural components from x so content and structure do not interfere.
  void project_out(double* x) const {
    for (uint32_t b = 0; b < rank(); ++b) {
      const double* e = row(b);
      double dot = 0.0;
      for (uint32_t t = 0; t < d; ++t) dot += x[t] * e[t];
      for (uint32_t t = 0; t < d; ++t) x[t] -= dot * e[t];
    }
  }
};

Structure make_structure(const AttentionShape& s, const SyntheticParams& p, RandomStream& rng) {
  Structure st;
  st.d = s.d;
  const uint32_t budget = s.d / 2;  // structure takes at most half of the head dimension
  st.sink = p.sink_tokens > 0 && p.sink_strength > 0.0f && budget >= 1;
  if (p.local_window > 0 && p.local_strength > 0.0f)
    st.pairs = std::min(kMaxPositionPairs, (budget - (st.sink ? 1 : 0)) / 2);
  const double sqrt_d = std::sqrt(double(s.d));
  // Gains split evenly between query and key so that q·k/sqrt(d) equals the strength.
  st.sink_gain = std::sqrt(double(p.sink_strength) * sqrt_d);
  if (st.pairs > 0) st.pos_gain = std::sqrt(double(p.local_strength) * sqrt_d / st.pairs);

  // Gram-Schmidt on Gaussian vectors: an orthonormal basis of rank() directions.
  st.basis.assign(size_t(st.rank()) * s.d, 0.0);
  for (uint32_t b = 0; b < st.rank(); ++b) {
    double* e = st.basis.data() + size_t(b) * s.d;
    for (uint32_t t = 0; t < s.d; ++t) e[t] = rng.normal();
    for (uint32_t c = 0; c < b; ++c) {
      const double* o = st.row(c);
      double dot = 0.0;
      for (uint32_t t = 0; t < s.d; ++t) dot += e[t] * o[t];
      for (uint32_t t = 0; t < s.d; ++t) e[t] -= dot * o[t];
    }
    double norm = 0.0;
    for (uint32_t t = 0; t < s.d; ++t) norm += e[t] * e[t];
    norm = std::sqrt(norm);
    for (uint32_t t = 0; t < s.d; ++t) e[t] /= norm;
  }
  // ω ~ N(0, 1/w²) makes E[cos(ω·Δ)] = exp(-Δ²/2w²): a Gaussian window of width w.
  for (uint32_t f = 0; f < st.pairs; ++f) {
    st.omega.push_back(rng.normal() / double(p.local_window));
    st.phase.push_back(6.283185307179586 * rng.uniform());
  }
  return st;
}

// Position of query i on the key axis (decoders with a KV cache: the last query is
// the last key).
double query_position(const AttentionShape& s, uint32_t i) {
  if (s.causal || s.n_q == s.n_k) return double(i) + double(s.n_k) - double(s.n_q);
  return double(i) * double(s.n_k) / double(s.n_q);
}

void check(const AttentionShape& s, const SyntheticParams& p) {
  const std::string e = validate(s);
  if (!e.empty()) throw WorkloadError("synthetic layer: invalid attention shape: " + e);
  if (!std::isfinite(p.dominant_strength) || !std::isfinite(p.local_strength) || !std::isfinite(p.sink_strength) ||
      !std::isfinite(p.noise) || !std::isfinite(p.head_variation) || p.dominant_strength < 0 || p.local_strength < 0 ||
      p.sink_strength < 0 || p.noise < 0 || p.head_variation < 0 ||
      p.head_variation > SyntheticParams::kMaxHeadVariation)
    throw WorkloadError(
        "synthetic layer: strengths, noise and head_variation must be finite and non-negative "
        "(head_variation at most " +
        std::to_string(SyntheticParams::kMaxHeadVariation) + ")");
  if (p.dominant_keys > SyntheticParams::kMaxDominantKeys)
    throw WorkloadError("synthetic layer: dominant_keys above " + std::to_string(SyntheticParams::kMaxDominantKeys));
}

}  // namespace

FloatLayer make_synthetic_layer(const AttentionShape& s, const SyntheticParams& p, uint32_t layer) {
  check(s, p);
  FloatLayer out;
  out.shape = s;
  out.q.resize(s.q_elems());
  out.k.resize(s.kv_elems());
  out.v.resize(s.kv_elems());
  const uint32_t d = s.d;
  const uint32_t group = s.heads / s.kv_heads;
  std::vector<double> x(d), scratch(d);

  for (uint32_t kh = 0; kh < s.kv_heads; ++kh) {
    RandomStream basis_rng(stream_seed(p.seed, layer, kTagBasis, kh));
    Structure st = make_structure(s, p, basis_rng);
    st.cache_positions(s.n_k);
    const double content_dims = double(d - st.rank());
    const double dominant_gain = double(p.dominant_strength) * std::sqrt(double(d)) / content_dims;
    // Scale K up and Q down by the same factor (logits unchanged) so both have about
    // the same mean square: quantization then treats them alike.
    const double mean_dominant = p.dominant_keys > 0 ? 0.5 * (1.0 + p.dominant_keys) : 0.0;
    const double pos_sq = double(st.pairs) * st.pos_gain * st.pos_gain / d;
    const double sink_sq = st.sink ? st.sink_gain * st.sink_gain / d : 0.0;
    const double q_sq =
        double(p.noise) * p.noise + mean_dominant * dominant_gain * dominant_gain * content_dims / d + pos_sq + sink_sq;
    const double k_sq = content_dims / d + pos_sq + sink_sq * std::min(p.sink_tokens, s.n_k) / s.n_k;
    const double k_gain = std::sqrt(std::sqrt(q_sq / k_sq)), q_gain = 1.0 / k_gain;

    // Keys: content (orthogonal to the structure) + sink direction + position features.
    // Content is kept apart for the queries' dominant-key components.
    std::vector<double> content(size_t(s.n_k) * d);
    RandomStream key_rng(stream_seed(p.seed, layer, kTagKeys, kh));
    for (uint32_t j = 0; j < s.n_k; ++j) {
      double* g = content.data() + size_t(j) * d;
      for (uint32_t t = 0; t < d; ++t) g[t] = key_rng.normal();
      st.project_out(g);
      for (uint32_t t = 0; t < d; ++t) x[t] = g[t];
      st.add(x.data(), double(j), j < p.sink_tokens ? 1.0 : 0.0, 1.0, scratch.data());
      float* k = out.k.data() + (size_t(kh) * s.n_k + j) * d;
      for (uint32_t t = 0; t < d; ++t) k[t] = static_cast<float>(k_gain * x[t]);
    }
    RandomStream value_rng(stream_seed(p.seed, layer, kTagValues, kh));
    float* v = out.v.data() + size_t(kh) * s.n_k * d;
    for (size_t e = 0; e < size_t(s.n_k) * d; ++e) v[e] = static_cast<float>(value_rng.normal());

    for (uint32_t h = kh * group; h < (kh + 1) * group; ++h) {
      // Heads differ: each query head scales its components by lognormal factors.
      RandomStream mix(stream_seed(p.seed, layer, kTagHeadMix, h));
      const double spread = p.head_variation;
      const double noise = p.noise * std::exp(spread * mix.normal());
      const double sink_scale = std::exp(spread * mix.normal());
      const double pos_scale = std::exp(spread * mix.normal());
      const double head_dominant_gain = dominant_gain * std::exp(spread * mix.normal());
      RandomStream rng(stream_seed(p.seed, layer, kTagQueries, h));
      for (uint32_t i = 0; i < s.n_q; ++i) {
        for (uint32_t t = 0; t < d; ++t) x[t] = noise * rng.normal();
        st.add(x.data(), query_position(s, i), sink_scale, pos_scale, scratch.data());
        const uint32_t allowed = s.allowed_end(i);
        if (p.dominant_keys > 0 && allowed > 0) {
          const uint32_t count = std::min(1 + rng.below(p.dominant_keys), allowed);
          uint32_t picked[SyntheticParams::kMaxDominantKeys];
          for (uint32_t m = 0; m < count; ++m) {
            uint32_t j = rng.below(allowed);
            for (int retry = 0; retry < 8 && std::count(picked, picked + m, j) != 0; ++retry) j = rng.below(allowed);
            picked[m] = j;
            const double* g = content.data() + size_t(j) * d;
            for (uint32_t t = 0; t < d; ++t) x[t] += head_dominant_gain * g[t];
          }
        }
        float* q = out.q.data() + (size_t(h) * s.n_q + i) * d;
        for (uint32_t t = 0; t < d; ++t) q[t] = static_cast<float>(q_gain * x[t]);
      }
    }
  }
  return out;
}

}  // namespace energon::workload
