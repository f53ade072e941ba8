#include "energon/platform/llm/llm_app.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "energon/llama/sampler.h"

namespace energon::platform::llm {

const char* to_string(LlmMode m) {
  switch (m) {
    case LlmMode::generation:
      return "generation";
    case LlmMode::whole:
      return "whole";
    case LlmMode::prefill:
      return "prefill";
  }
  return "?";
}

bool parse_mode(const std::string& text, LlmMode& out) {
  for (LlmMode m : {LlmMode::generation, LlmMode::whole, LlmMode::prefill})
    if (text == to_string(m)) {
      out = m;
      return true;
    }
  return false;
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// Logits of a text under the float path, in the same mode as the platform run (whole-sequence
/// and token-by-token float logits are equal, but this keeps the reference beyond doubt).
std::vector<float> float_logits(const llama::Model& model, const llama::EvalText& text, bool token_by_token) {
  llama::Transformer net(model, uint32_t(text.tokens.size()));
  if (!token_by_token) return net.forward_sequence(text.tokens, 0, true);
  const uint32_t vocab = model.config.vocab_size;
  std::vector<float> all;
  for (uint32_t p = 0; p < text.tokens.size(); ++p) {
    const auto& l = net.forward(text.tokens[p], p);
    all.insert(all.end(), l.begin(), l.begin() + vocab);
  }
  return all;
}

}  // namespace

LlmApp::LlmApp(const llama::LoadedModel& loaded, const LlmAppConfig& config) : loaded_(loaded), config_(config) {
  const llama::ModelConfig& c = loaded_.model.config;
  if (c.head_dim() % 8 != 0 || c.head_dim() < 8 || c.head_dim() > 256)
    throw std::invalid_argument(loaded_.model.source + ": head dimension " + std::to_string(c.head_dim()) +
                                " is not supported by the accelerator (8..256, a multiple of 8)");
  if (!config_.layer_filters.empty() && config_.layer_filters.rbegin()->first >= c.n_layers)
    throw std::invalid_argument("per-layer rounds for layer " + std::to_string(config_.layer_filters.rbegin()->first) +
                                " but the model has " + std::to_string(c.n_layers) + " layers");
  if (config_.prompt.empty() && config_.eval.empty())
    throw std::invalid_argument("LlmApp: nothing to run (no prompt and no evaluation texts)");
  size_t need = config_.prompt.size() + config_.steps;
  for (const llama::EvalText& t : config_.eval) need = std::max(need, t.tokens.size());
  if (config_.context == 0) config_.context = uint32_t(std::min<size_t>(c.seq_len, need));
  if (config_.context > c.seq_len)
    throw std::invalid_argument("context " + std::to_string(config_.context) + " exceeds the model's " +
                                std::to_string(c.seq_len) + " positions");
  if (config_.prompt.size() > config_.context)
    throw std::invalid_argument("the prompt has " + std::to_string(config_.prompt.size()) +
                                " tokens, more than the context of " + std::to_string(config_.context));
  for (const llama::EvalText& t : config_.eval)
    if (t.tokens.size() < 2 || t.tokens.size() > config_.context)
      throw std::invalid_argument("evaluation texts need 2.." + std::to_string(config_.context) + " tokens");
}

double LlmApp::charge(HostCpu& cpu, const llama::Transformer& net) {
  const double ns = offloaded_network_ns(net.last_work(), config_.network);
  cpu.spend_ns(ns);
  result_.network_ns += ns;
  return ns;
}

void LlmApp::compare(const std::vector<float>& platform, const std::vector<float>& golden) {
  const uint32_t vocab = loaded_.model.config.vocab_size;
  const size_t rows = platform.size() / vocab;
  if (golden.size() != platform.size()) {
    result_.check.rows += rows;
    result_.check.rows_differing += rows;
    result_.check.max_abs_diff = INFINITY;
    return;
  }
  for (size_t r = 0; r < rows; ++r) {
    const float* a = &platform[r * vocab];
    const float* b = &golden[r * vocab];
    ++result_.check.rows;
    if (std::memcmp(a, b, vocab * sizeof(float)) == 0) continue;
    ++result_.check.rows_differing;
    for (uint32_t i = 0; i < vocab; ++i)
      result_.check.max_abs_diff = std::max(result_.check.max_abs_diff, double(std::fabs(a[i] - b[i])));
  }
}

void LlmApp::operator()(HostCpu& cpu) {
  energon_dev_t dev;
  int rc = energon_init(&dev, cpu.hal(), config_.reg_base);
  if (rc == ENERGON_FW_OK) rc = energon_probe(&dev);
  if (rc != ENERGON_FW_OK) throw std::runtime_error(std::string("accelerator bring-up: ") + energon_strerror(rc));
  const uint64_t ring = cpu.alloc(size_t(config_.ring_entries) * ENERGON_DESC_BYTES, 256);
  if (ring == ENERGON_HAL_NO_MEMORY) throw std::runtime_error("shared DRAM exhausted allocating the descriptor ring");
  if ((rc = energon_queue_setup(&dev, ring, config_.ring_entries)) != ENERGON_FW_OK)
    throw std::runtime_error(std::string("descriptor queue setup: ") + energon_strerror(rc));
  energon_clear_counters(&dev);

  AcceleratorAttention backend(cpu, dev, config_.filters(), config_.context, config_.timeout_us);
  llama::Transformer net(loaded_.model, backend, config_.context);
  std::unique_ptr<llama::CountingAttentionBackend> golden;
  std::unique_ptr<llama::Transformer> shadow;
  if (config_.check) {
    if (!config_.shadow) throw std::runtime_error("check requested but no shadow backend given (LlmAppConfig.shadow)");
    golden = config_.shadow(config_.filters());
    shadow = std::make_unique<llama::Transformer>(loaded_.model, *golden, config_.context);
  }
  // Copies the backend's figures out even when a step throws.
  struct Collect {
    LlmApp& app;
    AcceleratorAttention& backend;
    llama::CountingAttentionBackend* golden;
    llama::Transformer& net;
    ~Collect() {
      LlmAppResult& r = app.result_;
      r.records = backend.records();
      r.cache = backend.cache_stats();
      r.offload_host_time = backend.host_time();
      r.offload_wait_time = backend.wait_time();
      r.batches = backend.batches();
      r.network_work = net.total_work();
      if (golden) {
        r.golden_per_layer = golden->per_layer();
        r.golden_per_head = golden->per_head();
      }
    }
  } collect{*this, backend, golden.get(), net};

  if (!config_.prompt.empty()) generate(cpu, backend, net, shadow.get());
  if (!config_.eval.empty()) evaluate(cpu, backend, net, shadow.get());
  energon_read_counters(&dev, &result_.counters);
}

void LlmApp::generate(HostCpu& cpu, AcceleratorAttention& backend, llama::Transformer& net,
                      llama::Transformer* shadow) {
  const uint32_t vocab = loaded_.model.config.vocab_size;
  const std::vector<llama::TokenId>& prompt = config_.prompt;
  backend.clear_cache();
  net.reset();
  if (shadow) shadow->reset();
  double wall = 0;
  auto check = [&](const std::vector<float>& logits, auto&& golden_forward) {
    if (!shadow) return;
    const auto t0 = Clock::now();
    compare(logits, golden_forward());
    wall += since(t0);
  };

  LlmPhase& ph = result_.prompt;
  ph.start = cpu.now();
  double ns0 = result_.network_ns;
  const std::vector<float>* logits = nullptr;
  if (config_.mode == LlmMode::generation) {
    backend.set_placement(KvPlacement::resident);
    for (uint32_t p = 0; p < prompt.size(); ++p) {
      logits = &net.forward(prompt[p], p);
      charge(cpu, net);
      check(*logits, [&] { return shadow->forward(prompt[p], p); });
      ++ph.forward_steps;
    }
  } else {
    backend.set_placement(KvPlacement::per_job);
    logits = &net.forward_sequence(prompt, 0, false);
    charge(cpu, net);
    check(*logits, [&] { return shadow->forward_sequence(prompt, 0, false); });
    ++ph.forward_steps;
  }
  ph.tokens = prompt.size();
  ph.network_ns = result_.network_ns - ns0;
  ph.end = cpu.now();

  if (config_.mode == LlmMode::prefill) backend.set_placement(KvPlacement::resident);
  LlmPhase& gen = result_.generation;
  gen.start = cpu.now();
  ns0 = result_.network_ns;
  llama::Sampler sampler(config_.temperature, config_.seed);
  uint32_t pos = uint32_t(prompt.size());
  while (result_.generated.size() < config_.steps) {
    const llama::TokenId next = sampler.sample(logits->data() + logits->size() - vocab, vocab);
    const double sample_ns = host_work_ns(sampler.last_work(), config_.network);
    cpu.spend_ns(sample_ns);
    result_.network_ns += sample_ns;
    net.add_work(llama::HostOp::sampling, sampler.last_work());
    if (next == llama::Tokenizer::kBos || next == llama::Tokenizer::kEos) {
      result_.stopped = true;
      break;
    }
    result_.generated.push_back(next);
    if (config_.on_step) config_.on_step(result_.generated.size(), cpu.now().to_seconds());
    if (result_.generated.size() == config_.steps || pos >= config_.context) break;
    logits = &net.forward(next, pos);
    charge(cpu, net);
    check(*logits, [&] { return shadow->forward(next, pos); });
    ++gen.forward_steps;
    ++pos;
  }
  gen.tokens = result_.generated.size();
  gen.network_ns = result_.network_ns - ns0;
  gen.end = cpu.now();
  result_.check_wall_s += wall;
  result_.text = loaded_.tokenizer.decode(prompt) + loaded_.tokenizer.decode(result_.generated, prompt.back());
}

void LlmApp::evaluate(HostCpu& cpu, AcceleratorAttention& backend, llama::Transformer& net,
                      llama::Transformer* shadow) {
  const llama::Model& model = loaded_.model;
  const uint32_t vocab = model.config.vocab_size;
  const bool token_by_token = config_.mode == LlmMode::generation;
  backend.set_placement(token_by_token ? KvPlacement::resident : KvPlacement::per_job);
  llama::QualityMeter meter, golden_meter;
  LlmPhase& ph = result_.eval;
  result_.eval_min_float_margin = INFINITY;
  std::vector<double> margin;
  // Top-1 cannot change where the logits moved by less than half the float top-1 margin.
  auto margins = [&](const float* ref, const float* test, uint32_t n) {
    float first = -INFINITY, second = -INFINITY;
    for (uint32_t i = 0; i < n; ++i) {
      result_.eval_max_logit_diff = std::max(result_.eval_max_logit_diff, double(std::fabs(ref[i] - test[i])));
      if (ref[i] > first) {
        second = first;
        first = ref[i];
      } else if (ref[i] > second) {
        second = ref[i];
      }
    }
    result_.eval_min_float_margin = std::min(result_.eval_min_float_margin, double(first - second));
    margin.push_back(double(first - second));
  };
  ph.start = cpu.now();
  const double ns0 = result_.network_ns;
  uint64_t texts_done = 0;
  for (const llama::EvalText& text : config_.eval) {
    const auto t0 = Clock::now();
    const std::vector<float> ref = float_logits(model, text, token_by_token);
    result_.check_wall_s += since(t0);
    backend.clear_cache();
    net.reset();
    if (shadow) shadow->reset();
    std::vector<float> test, gold;
    if (token_by_token) {
      for (uint32_t p = 0; p < text.tokens.size(); ++p) {
        const auto& l = net.forward(text.tokens[p], p);
        test.insert(test.end(), l.begin(), l.begin() + vocab);
        charge(cpu, net);
        ++ph.forward_steps;
        if (shadow) {
          const auto t1 = Clock::now();
          const auto& g = shadow->forward(text.tokens[p], p);
          gold.insert(gold.end(), g.begin(), g.begin() + vocab);
          result_.check_wall_s += since(t1);
        }
      }
    } else {
      test = net.forward_sequence(text.tokens, 0, true);
      charge(cpu, net);
      ++ph.forward_steps;
      if (shadow) {
        const auto t1 = Clock::now();
        gold = shadow->forward_sequence(text.tokens, 0, true);
        result_.check_wall_s += since(t1);
      }
    }
    ph.tokens += text.tokens.size();
    const auto t2 = Clock::now();
    if (shadow) compare(test, gold);
    for (size_t p = 0; p + 1 < text.tokens.size(); ++p) {
      margins(&ref[p * vocab], &test[p * vocab], vocab);
      meter.add(&ref[p * vocab], &test[p * vocab], vocab, text.tokens[p + 1]);
      if (shadow) golden_meter.add(&ref[p * vocab], &gold[p * vocab], vocab, text.tokens[p + 1]);
    }
    result_.check_wall_s += since(t2);
    if (config_.on_step) config_.on_step(result_.generated.size() + ++texts_done, cpu.now().to_seconds());
  }
  ph.network_ns = result_.network_ns - ns0;
  ph.end = cpu.now();
  const double safe = double(
      std::count_if(margin.begin(), margin.end(), [&](double m) { return m > 2 * result_.eval_max_logit_diff; }));
  result_.eval_agreement_bound = margin.empty() ? 0.0 : safe / double(margin.size());
  result_.evaluated = true;
  result_.quality = meter.figures();
  if (shadow) result_.golden_quality = golden_meter.figures();
}

}  // namespace energon::platform::llm
