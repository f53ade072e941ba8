#include "energon/golden/accuracy.h"

#include <cmath>
#include <limits>

namespace energon::golden {

void reference_row(const FloatLayer& layer, uint32_t head, uint32_t query, std::vector<double>& probs, double* out) {
  const AttentionShape& s = layer.shape;
  const uint32_t d = s.d, kvh = s.kv_head_of(head), end = s.allowed_end(query);
  const float* q = layer.q.data() + (size_t(head) * s.n_q + query) * d;
  const float* k = layer.k.data() + size_t(kvh) * s.n_k * d;
  const float* v = layer.v.data() + size_t(kvh) * s.n_k * d;
  probs.resize(end);
  for (uint32_t t = 0; t < d; ++t) out[t] = 0.0;
  if (end == 0) return;
  const double inv_sqrt_d = 1.0 / std::sqrt(double(d));
  double m = -std::numeric_limits<double>::infinity();
  for (uint32_t j = 0; j < end; ++j) {
    double acc = 0;
    for (uint32_t t = 0; t < d; ++t) acc += double(q[t]) * double(k[size_t(j) * d + t]);
    probs[j] = acc * inv_sqrt_d;
    m = std::max(m, probs[j]);
  }
  double z = 0;
  for (uint32_t j = 0; j < end; ++j) z += (probs[j] = std::exp(probs[j] - m));
  for (uint32_t j = 0; j < end; ++j) {
    probs[j] /= z;
    for (uint32_t t = 0; t < d; ++t) out[t] += probs[j] * double(v[size_t(j) * d + t]);
  }
}

AccuracyMeter::AccuracyMeter(const FloatLayer& reference)
    : ref_(reference),
      ref_out_(reference.shape.q_elems(), 0.0),
      row_recall_(size_t(reference.shape.heads) * reference.shape.n_q, std::numeric_limits<double>::quiet_NaN()) {}

void AccuracyMeter::on_round(uint32_t head, uint32_t query, uint32_t, const std::vector<uint32_t>& kept, bool last) {
  if (!last) return;
  const AttentionShape& s = ref_.shape;
  const size_t row = size_t(head) * s.n_q + query;
  reference_row(ref_, head, query, probs_, ref_out_.data() + row * s.d);
  double mass = probs_.empty() ? 1.0 : 0.0;  // a row with no allowed key loses nothing
  for (uint32_t j : kept) mass += probs_[j];
  row_recall_[row] = mass;
}

namespace {
struct Sums {
  double max_abs = 0, err2 = 0, ref2 = 0, out2 = 0, dot = 0, recall = 0;
  uint64_t rows = 0;
  void add(double o, double r) {
    const double e = o - r;
    max_abs = std::max(max_abs, std::fabs(e));
    err2 += e * e;
    ref2 += r * r;
    out2 += o * o;
    dot += o * r;
  }
  void merge(const Sums& b) {
    max_abs = std::max(max_abs, b.max_abs);
    err2 += b.err2, ref2 += b.ref2, out2 += b.out2, dot += b.dot, recall += b.recall, rows += b.rows;
  }
  Fidelity fidelity() const {
    Fidelity f;
    f.max_abs_error = max_abs;
    f.rel_l2_error = ref2 > 0 ? std::sqrt(err2 / ref2) : std::sqrt(err2);
    f.cosine = (ref2 > 0 && out2 > 0) ? dot / std::sqrt(ref2 * out2) : (ref2 == out2 ? 1.0 : 0.0);
    f.mass_recall = rows ? recall / double(rows) : 1.0;
    return f;
  }
};
}  // namespace

Accuracy AccuracyMeter::finish(const std::vector<int16_t>& out, const std::vector<float>& v_scale,
                               const PruneMask& prune) const {
  const AttentionShape& s = ref_.shape;
  Accuracy acc;
  Sums total;
  for (uint32_t h = 0; h < s.heads; ++h) {
    Sums head;
    const double scale = v_scale[s.kv_head_of(h)];
    for (uint32_t i = 0; i < s.n_q; ++i) {
      if (prune.query_pruned(s, i)) continue;
      const size_t row = size_t(h) * s.n_q + i;
      for (uint32_t t = 0; t < s.d; ++t) head.add(double(out[row * s.d + t]) * scale, ref_out_[row * s.d + t]);
      if (!std::isnan(row_recall_[row])) {
        head.recall += row_recall_[row];
        head.rows += 1;
      }
    }
    acc.per_head.push_back(head.fidelity());
    total.merge(head);
  }
  acc.total = total.fidelity();
  return acc;
}

GoldenRun run_with_accuracy(const FloatLayer& layer, const FilterConfig& filter) {
  GoldenRun run;
  run.quantized = quantize_layer(layer);
  AccuracyMeter meter(layer);
  run.output = run_attention(run.quantized, filter, &run.stats, &meter);
  run.accuracy = meter.finish(run.output, run.quantized.v.scale, run.quantized.prune);
  return run;
}

}  // namespace energon::golden
