// energon-llm-eval: what the sparse policies cost in model quality on a real trained model.
// Runs a fixed evaluation set through the network with each layer's attention in the golden
// model (bit-exact with the accelerator) and compares next-token distributions with the
// float path: top-1 agreement, mean KL, perplexity, and kept fractions per layer and head.
#include <boost/program_options.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "energon/stats/options.h"
#include "energon/stats/progress.h"
#include "energon/filter_spec.h"
#include "energon/llama/model_loader.h"
#include "energon/llama/quality.h"
#include "energon/llama/transformer.h"
#include "energon/golden/policy_model.h"
#include "energon/hw/attention_policy.h"
#include "energon/llm_eval/golden_attention.h"

namespace po = boost::program_options;
using namespace energon;

namespace {

struct Options {
  std::string model, tokenizer, rounds, topk = "top=25%", policy = "mpmrf", csv;
  uint32_t texts = 4, length = 256;
  uint64_t seed = 1;
  bool sweep = false, generation = false, per_head = false;
};

struct Point {
  std::string label;
  FilterConfig filter;
};

/// Logits of every position of every text under `backend` (float path when null).
std::vector<std::vector<float>> run_texts(const llama::Model& model, const std::vector<llama::EvalText>& texts,
                                          llama::AttentionBackend* backend, bool generation) {
  llama::FloatAttention float_attention;
  llama::Transformer net(model, backend ? *backend : float_attention, uint32_t(texts[0].tokens.size()));
  const uint32_t vocab = model.config.vocab_size;
  std::vector<std::vector<float>> all;
  for (const llama::EvalText& t : texts) {
    net.reset();
    std::vector<float> logits;
    if (generation) {
      for (uint32_t p = 0; p < t.tokens.size(); ++p) {
        const auto& l = net.forward(t.tokens[p], p);
        logits.insert(logits.end(), l.begin(), l.begin() + vocab);
      }
    } else {
      logits = net.forward_sequence(t.tokens, 0, true);
    }
    all.push_back(std::move(logits));
  }
  return all;
}

llama::QualityFigures compare(const std::vector<llama::EvalText>& texts, const std::vector<std::vector<float>>& ref,
                              const std::vector<std::vector<float>>& test, uint32_t vocab) {
  llama::QualityMeter meter;
  for (size_t i = 0; i < texts.size(); ++i)
    for (size_t p = 0; p + 1 < texts[i].tokens.size(); ++p)
      meter.add(&ref[i][p * vocab], &test[i][p * vocab], vocab, texts[i].tokens[p + 1]);
  return meter.figures();
}

std::vector<Point> sweep_points() {
  std::vector<Point> pts{{"dense", FilterConfig::dense()}};
  for (uint32_t pct : {50u, 25u, 12u})
    pts.push_back({"topk top=" + std::to_string(pct) + "%", FilterConfig::topk_fraction(pct * (kFractionOne / 100))});
  for (double a1 : {-0.5, -0.25, 0.0, 0.25})
    for (double a2 : {-0.25, 0.0, 0.25, 0.5}) {
      FilterConfig f = FilterConfig::energon_default();
      f.rounds[0].select.alpha_q8 = int32_t(a1 * 256);
      f.rounds[1].select.alpha_q8 = int32_t(a2 * 256);
      pts.push_back({"mpmrf " + format_rounds(f.rounds), f});
    }
  return pts;
}

Point single_point(const Options& o) {
  Policy p;
  if (!parse_policy(o.policy, p))
    throw std::invalid_argument("--policy '" + o.policy + "': expected " + policy_names());
  hw::PolicyOptions po;
  po.rounds = o.rounds;
  po.topk = o.topk;
  const hw::AttentionPolicy& policy = hw::policy_of(p);
  Point pt{o.policy, policy.configure(po)};
  if (const std::string parameters = policy.parameters(pt.filter); !parameters.empty()) pt.label += " " + parameters;
  if (const std::string e = golden::validate_filter(pt.filter); !e.empty()) throw std::invalid_argument(e);
  return pt;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  po::options_description desc("energon-llm-eval: model quality of sparse attention policies on a trained model");
  desc.add_options()("help,h", "show this help")("model,m", po::value(&o.model)->required(),
                                                 "model file: llama2.c .bin or .gguf")(
      "tokenizer", po::value(&o.tokenizer), "llama2.c tokenizer .bin (not needed for .gguf)")(
      "policy,p", po::value(&o.policy)->default_value(o.policy), policy_names().c_str())(
      "rounds,r", po::value(&o.rounds), "mpmrf rounds, e.g. 4x2:alpha=0,4x4:alpha=0.5")(
      "topk", po::value(&o.topk)->default_value(o.topk), "topk rule: top=<k> or top=<p>%")(
      "sweep", po::bool_switch(&o.sweep), "evaluate dense, three top-k fractions and an α grid")(
      "texts", po::value(&o.texts)->default_value(o.texts), "evaluation texts")(
      "length", po::value(&o.length)->default_value(o.length), "tokens per text, BOS included (2..512)")(
      "seed", po::value(&o.seed)->default_value(o.seed), "seed of the first text")(
      "generation", po::bool_switch(&o.generation), "token-by-token (n_q = 1) instead of whole-sequence jobs")(
      "per-head", po::bool_switch(&o.per_head), "print kept fraction per layer and head")("csv", po::value(&o.csv),
                                                                                          "write the figures as CSV");
  if (const std::string e = stats::negative_count(argc, argv, {"--texts", "--length", "--seed"}); !e.empty()) {
    std::cerr << "energon-llm-eval: " << e << "\n";
    return 2;
  }
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
    if (o.texts < 1 || o.texts > 10000 || o.length < 2 || o.length > 512)
      throw std::invalid_argument("--texts " + std::to_string(o.texts) + ", --length " + std::to_string(o.length) +
                                  ": expected --texts in 1..10000 and --length in 2..512");
  } catch (const std::exception& e) {
    std::cerr << "energon-llm-eval: " << e.what() << "\n" << desc << "\n";
    return 2;
  }
  llama::LoadedModel lm;
  try {
    lm = llama::load_model_files(o.model, o.tokenizer);
  } catch (const std::exception& e) {  // a model or tokenizer that cannot be used is bad input
    std::cerr << "energon-llm-eval: " << e.what() << "\n";
    return 2;
  }
  try {
    const uint32_t vocab = lm.model.config.vocab_size;
    const std::vector<Point> points = o.sweep ? sweep_points() : std::vector<Point>{single_point(o)};
    const auto texts = llama::sample_eval_set(lm.model, o.texts, o.length, 1.0f, o.seed);
    const auto ref = run_texts(lm.model, texts, nullptr, o.generation);

    std::printf(
        "evaluation set: %u stories of %u tokens sampled from the float model (T = 1, seeds %llu..%llu), %s jobs\n\n",
        o.texts, o.length, (unsigned long long)o.seed, (unsigned long long)(o.seed + o.texts - 1),
        o.generation ? "token-by-token" : "whole-sequence");
    std::printf("%-40s %8s %10s %10s %8s %8s\n", "policy", "kept", "top-1 agr", "mean KL", "ppl", "ppl(fp)");
    std::ofstream csv;
    if (!o.csv.empty()) {
      csv.open(o.csv);
      if (!csv) throw std::runtime_error("cannot write --csv file '" + o.csv + "'");
      csv << "policy,kept_fraction,top1_agreement,mean_kl,perplexity,float_perplexity\n";
    }
    stats::Progress progress("energon-llm-eval", points.size(), true);
    for (const Point& pt : points) {
      llm_eval::GoldenAttention backend(pt.filter);
      const auto test = run_texts(lm.model, texts, &backend, o.generation);
      const llama::QualityFigures f = compare(texts, ref, test, vocab);
      const double kept = backend.total().fraction();
      std::printf("%-40s %8.4f %10.4f %10.5f %8.4f %8.4f\n", pt.label.c_str(), kept, f.top1_agreement, f.mean_kl,
                  f.perplexity, f.float_perplexity);
      if (csv)
        csv << pt.label << "," << kept << "," << f.top1_agreement << "," << f.mean_kl << "," << f.perplexity << ","
            << f.float_perplexity << "\n";
      if (o.per_head) {
        for (size_t l = 0; l < backend.per_head().size(); ++l) {
          std::printf("  layer %zu: %.4f  heads", l, backend.per_layer()[l].fraction());
          for (const auto& h : backend.per_head()[l]) std::printf(" %.3f", h.fraction());
          std::printf("\n");
        }
      }
      progress.update(uint64_t(&pt - points.data()) + 1, -1.0);
    }
    progress.finish();
  } catch (const std::exception& e) {
    std::cerr << "energon-llm-eval: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
