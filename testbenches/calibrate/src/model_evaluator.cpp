// A trained model as the calibration source: golden attention per layer, float path reference.
#include <algorithm>

#include "energon/calibrate/evaluators.h"
#include "energon/golden/golden.h"
#include "energon/llama/attention_backend.h"
#include "energon/llama/transformer.h"

namespace energon::calibrate {
namespace {

/// Golden attention under per-layer filters, counting the keys of every round per layer.
class CountingGolden : public llama::AttentionBackend {
 public:
  explicit CountingGolden(const LayerFilters& f) : filters_(f) {}
  void attend(uint32_t layer, const FloatLayer& qkv, float* out) override {
    const AttentionShape& s = qkv.shape;
    if (counts.size() <= layer) counts.resize(layer + 1);
    const QuantizedLayer q = golden::quantize_layer(qkv);
    const FilterConfig& f = filters_.at(layer);
    golden::GoldenStats st;
    const std::vector<int16_t> o = golden::run_attention(q, f, &st);
    LayerCounts c;
    c.allowed = st.allowed;
    c.kept = st.final_kept;
    for (size_t r = 0; r < f.rounds.size() && r < st.rounds.size(); ++r)
      c.round_candidates.push_back(st.rounds[r].candidates);
    counts[layer].add(c);
    const size_t row = size_t(s.n_q) * s.d;
    for (uint32_t h = 0; h < s.heads; ++h) {
      const float scale = q.v.scale[s.kv_head_of(h)];
      for (size_t e = 0; e < row; ++e) out[h * row + e] = float(o[h * row + e]) * scale;
    }
  }
  std::vector<LayerCounts> counts;

 private:
  const LayerFilters& filters_;
};

uint32_t context_of(const std::vector<llama::EvalText>& texts) {
  size_t n = 1;
  for (const auto& t : texts) n = std::max(n, t.tokens.size());
  return uint32_t(n);
}

}  // namespace

ModelEvaluator::ModelEvaluator(const llama::Model& model, std::vector<llama::EvalText> calibration,
                               std::vector<llama::EvalText> held_out)
    : model_(model) {
  sets_[0] = std::move(calibration);
  sets_[1] = std::move(held_out);
  for (int s = 0; s < 2; ++s) {
    llama::Transformer net(model_, context_of(sets_[s]));
    for (const auto& text : sets_[s]) {
      net.reset();
      float_logits_[s].push_back(net.forward_sequence(text.tokens, 0, true));
    }
  }
}

SetFigures ModelEvaluator::run(const LayerFilters& f, const Target& t, bool held_out) {
  const int s = held_out ? 1 : 0;
  CountingGolden backend(f);
  llama::Transformer net(model_, backend, context_of(sets_[s]));
  llama::QualityMeter meter;
  const uint32_t vocab = model_.config.vocab_size;
  for (size_t i = 0; i < sets_[s].size(); ++i) {
    const llama::EvalText& text = sets_[s][i];
    net.reset();
    const std::vector<float> test = net.forward_sequence(text.tokens, 0, true);
    const std::vector<float>& ref = float_logits_[s][i];
    for (size_t p = 0; p + 1 < text.tokens.size(); ++p)
      meter.add(&ref[p * vocab], &test[p * vocab], vocab, text.tokens[p + 1]);
  }
  const llama::QualityFigures q = meter.figures();
  SetFigures out;
  out.agreement = q.top1_agreement;
  out.kl = q.mean_kl;
  out.perplexity = q.perplexity;
  out.float_perplexity = q.float_perplexity;
  out.positions = q.positions;
  out.metric = t.metric == Metric::kl ? q.mean_kl : q.top1_agreement;
  out.layers = backend.counts;
  out.layers.resize(model_.config.n_layers);
  return out;
}

}  // namespace energon::calibrate
