// Workload YAML: shipped models, lookup, and every error message names file, key, expectation.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "energon/config/named_config.h"
#include "energon/workload/workload.h"
#include "workload_test_dir.h"

using namespace energon;
using namespace energon::workload;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;

namespace {

const char* kBase = R"(name: bert
layers: 2
heads: 12
d: 64
seq_len: 128
)";

std::string error_of(const std::string& yaml, const std::string& file = "bert.yaml") {
  try {
    parse_workload(yaml, file);
  } catch (const WorkloadError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("workload_builtin_models_load_and_validate") {
  struct Expect {
    uint32_t layers, heads, n;
    bool causal;
  };
  const std::map<std::string, Expect> table = {
      {"bert-base-128", {12, 12, 128, false}},   {"bert-base-384", {12, 12, 384, false}},
      {"bert-base-512", {12, 12, 512, false}},   {"bert-large-512", {24, 16, 512, false}},
      {"gpt2-small-1024", {12, 12, 1024, true}}, {"vit-b16-197", {12, 12, 197, false}},
      {"deit-s-197", {12, 6, 197, false}},       {"gpt2-style-2048", {12, 12, 2048, true}},
      {"gpt2-style-4096", {12, 12, 4096, true}}, {"longformer-base-4096", {12, 12, 4096, false}}};
  const std::vector<std::string> names = builtin_workloads();
  REQUIRE(names.size() == table.size());
  for (const std::string& name : names) {
    INFO(name);
    REQUIRE(table.count(name) == 1);
    const Workload w = load_workload(name);
    const Expect& e = table.at(name);
    CHECK(w.name == name);
    CHECK(w.source_file == workloads_dir() + "/" + name + ".yaml");
    CHECK(w.layers == e.layers);
    CHECK(w.shape.heads == e.heads);
    CHECK(w.shape.kv_heads == e.heads);
    CHECK(w.shape.d == 64);
    CHECK(w.shape.n_q == e.n);
    CHECK(w.shape.n_k == e.n);
    CHECK(w.shape.valid_len == e.n);
    CHECK(w.shape.causal == e.causal);
    CHECK(w.source == DataSource::synthetic);
    CHECK(validate(w.shape).empty());
    CHECK_FALSE(w.description.empty());
  }
}

TEST_CASE("workload_lookup_by_path_and_env_dir") {
  const Workload by_path = load_workload(std::string(ENERGON_WORKLOADS_SOURCE_DIR) + "/bert-base-128.yaml");
  CHECK(by_path.name == "bert-base-128");

  test::TestDir dir("lookup");
  dir.write("tiny.yaml", "name: tiny\nlayers: 1\nheads: 2\nd: 8\nseq_len: 16\n");
  REQUIRE(::setenv("ENERGON_WORKLOADS_DIR", dir.str().c_str(), 1) == 0);
  CHECK(workloads_dir() == dir.str());
  CHECK(builtin_workloads() == std::vector<std::string>{"tiny"});
  const Workload w = load_workload("tiny");
  CHECK(w.shape.heads == 2);
  CHECK(w.shape.d == 8);
  try {
    load_workload("bert-base-128");
    FAIL("expected a lookup error");
  } catch (const WorkloadError& e) {
    CHECK_THAT(e.what(), StartsWith("workload 'bert-base-128': no file " + dir.str() + "/bert-base-128.yaml"));
    CHECK_THAT(e.what(), Contains("built-in workloads: tiny"));
  }
  ::unsetenv("ENERGON_WORKLOADS_DIR");
  // Without the variable the folder is <data root>/workloads, never the source tree.
  CHECK(workloads_dir() == energon::data_root() + "/workloads");
  CHECK(workloads_dir().find(ENERGON_WORKLOADS_SOURCE_DIR) == std::string::npos);
}

TEST_CASE("workload_defaults_and_explicit_shape") {
  const Workload w = parse_workload(kBase, "bert.yaml");
  CHECK(w.shape.kv_heads == 12);
  CHECK(w.shape.valid_len == 128);
  CHECK_FALSE(w.shape.causal);
  CHECK(w.source == DataSource::synthetic);
  CHECK(w.synthetic.seed == SyntheticParams::kDefaultSeed);
  CHECK(w.synthetic.noise == SyntheticParams::kDefaultNoise);

  const Workload x = parse_workload(R"(name: cross
layers: 1
heads: 8
kv_heads: 2
d: 32
n_q: 16
n_k: 300
valid_len: 250
causal: true
data: {source: synthetic, seed: 99, dominant_keys: 2, dominant_strength: 3.5, local_window: 0,
       local_strength: 0, sink_tokens: 2, sink_strength: 1, noise: 0.25, head_variation: 0}
)",
                                    "cross.yaml");
  CHECK(x.shape.n_q == 16);
  CHECK(x.shape.n_k == 300);
  CHECK(x.shape.kv_heads == 2);
  CHECK(x.shape.valid_len == 250);
  CHECK(x.shape.causal);
  CHECK(x.synthetic.seed == 99);
  CHECK(x.synthetic.dominant_keys == 2);
  CHECK(x.synthetic.dominant_strength == 3.5f);
  CHECK(x.synthetic.local_window == 0);
  CHECK(x.synthetic.sink_tokens == 2);
  CHECK(x.synthetic.noise == 0.25f);
  CHECK(x.synthetic.head_variation == 0.0f);
  CHECK(w.synthetic.head_variation == SyntheticParams::kDefaultHeadVariation);
}

TEST_CASE("workload_missing_unknown_and_mistyped_keys") {
  CHECK(error_of("name: bert\nlayers: 2\nd: 64\nseq_len: 128\n") ==
        "bert.yaml: key 'heads': missing (expected a positive integer)");
  CHECK(error_of("name: bert\nlayers: 2\nheads: 12\nd: 64\n") ==
        "bert.yaml: key 'seq_len': missing (expected a positive integer, or n_q and n_k)");
  CHECK(error_of("layers: 2\nheads: 12\nd: 64\nseq_len: 8\n") ==
        "bert.yaml: key 'name': missing (expected a non-empty string)");
  CHECK_THAT(error_of(std::string(kBase) + "head: 12\n"),
             StartsWith("bert.yaml: unknown key 'head' (expected one of: name, description, layers, heads"));
  CHECK_THAT(error_of(std::string(kBase) + "data: {source: synthetic, sed: 3}\n"),
             StartsWith("bert.yaml: unknown key 'data.sed' (expected one of: source, seed,"));
  CHECK(error_of("name: bert\nlayers: 2\nheads: twelve\nd: 64\nseq_len: 128\n") ==
        "bert.yaml: key 'heads': expected a positive integer, got 'twelve'");
  CHECK(error_of("name: bert\nlayers: 0\nheads: 12\nd: 64\nseq_len: 128\n") ==
        "bert.yaml: key 'layers': expected a positive integer, got '0'");
  CHECK(error_of("name: bert\nlayers: -3\nheads: 12\nd: 64\nseq_len: 128\n") ==
        "bert.yaml: key 'layers': expected a positive integer, got '-3'");
  CHECK(error_of("name: bert\nlayers: 2\nheads: 12\nd: 64\nseq_len: 99999999999\n") ==
        "bert.yaml: key 'seq_len': expected a positive integer below 2^32, got '99999999999'");
  CHECK(error_of(std::string(kBase) + "causal: maybe\n") ==
        "bert.yaml: key 'causal': expected true or false, got 'maybe'");
  CHECK(error_of(std::string(kBase) + "data: {source: synthetic, noise: [1, 2]}\n") ==
        "bert.yaml: key 'data.noise': expected a non-negative number, got a list");
  CHECK(error_of(std::string(kBase) + "data: {source: synthetic, noise: -1}\n") ==
        "bert.yaml: key 'data.noise': expected a non-negative number, got '-1'");
  CHECK(error_of(std::string(kBase) + "data: synthetic\n") ==
        "bert.yaml: key 'data': expected a mapping of keys, got 'synthetic'");
  CHECK(error_of(std::string(kBase) + "data: {seed: 3}\n") ==
        "bert.yaml: key 'data.source': missing (expected 'synthetic' or 'npy')");
  CHECK(error_of(std::string(kBase) + "data: {source: random}\n") ==
        "bert.yaml: key 'data.source': expected 'synthetic' or 'npy', got 'random'");
  CHECK_THAT(error_of(std::string(kBase) + "data: {source: npy, seed: 3, q: a, k: b, v: c}\n"),
             StartsWith("bert.yaml: key 'data.seed' is not used by source 'npy'"));
  CHECK_THAT(error_of(std::string(kBase) + "data: {source: synthetic, files: []}\n"),
             StartsWith("bert.yaml: key 'data.files' is not used by source 'synthetic'"));
  CHECK(error_of(std::string(kBase) + "name: again\n") == "bert.yaml: key 'name': given twice");
  CHECK_THAT(error_of("name: bert\nheads: [12\n"), StartsWith("bert.yaml: YAML syntax error at line 3, column 1"));
  CHECK(error_of("- 1\n- 2\n") == "bert.yaml: expected a mapping of workload keys at the top level, got a list");
}

TEST_CASE("workload_shape_rules") {
  CHECK(error_of(std::string(kBase) + "kv_heads: 5\n") ==
        "bert.yaml: key 'kv_heads': expected a divisor of heads (12), got 5");
  CHECK(error_of(std::string(kBase) + "valid_len: 129\n") ==
        "bert.yaml: key 'valid_len': expected at most n_k (128), got 129");
  CHECK(error_of(std::string(kBase) + "n_q: 4\n") ==
        "bert.yaml: key 'n_q': give either seq_len (self-attention) or n_q and n_k, not both");
  CHECK(error_of("name: x\nlayers: 1\nheads: 1\nd: 8\nn_q: 4\n") ==
        "bert.yaml: key 'n_k': missing (expected a positive integer since n_q is given)");
  CHECK(error_of("name: x\nlayers: 1\nheads: 1\nd: 300\nseq_len: 4\n") ==
        "bert.yaml: invalid attention shape: d (300) exceeds the supported maximum 256");
  CHECK(error_of("name: x\nlayers: 1\nheads: 1\nd: 8\nseq_len: 70000\n") ==
        "bert.yaml: invalid attention shape: n_k (70000) exceeds the supported maximum 65536");
  CHECK(error_of(std::string(kBase) + "data: {source: synthetic, dominant_keys: 17}\n") ==
        "bert.yaml: key 'data.dominant_keys': expected an integer in 0..16, got 17");
  CHECK(error_of(std::string(kBase) + "data: {source: synthetic, sink_tokens: 200}\n") ==
        "bert.yaml: key 'data.sink_tokens': expected at most n_k (128), got 200");
  CHECK(error_of(std::string(kBase) + "data: {source: synthetic, head_variation: 2.5}\n") ==
        "bert.yaml: key 'data.head_variation': expected a number in 0..2, got 2.5");
  CHECK_THAT(error_of(std::string(kBase) + "data: {source: synthetic, sink_strength: 80}\n"),
             Equals("bert.yaml: key 'data.sink_strength': expected a number in 0..50, got 80"));
}

TEST_CASE("workload_npy_paths_are_checked_at_load") {
  test::TestDir dir("paths");
  CHECK(error_of(std::string(kBase) + "data: {source: npy, files: [{q: missing.npy, k: k.npy, v: v.npy}, {}]}\n",
                 dir.file("bert.yaml")) ==
        dir.file("bert.yaml") +
            ": key 'data.files[0].q': expected an existing .npy file, 'missing.npy' not found "
            "(looked for " +
            dir.file("missing.npy") + ")");
  CHECK(error_of(std::string(kBase) + "data: {source: npy, files: [{q: a, k: b, v: c}]}\n") ==
        "bert.yaml: key 'data.files': expected 2 entries (one per layer), got 1");
  CHECK(error_of(std::string(kBase) + "data: {source: npy, q: q.npy, k: k.npy, v: v.npy}\n") ==
        "bert.yaml: key 'data.q': expected a path pattern containing {layer} (the workload has 2 layers), "
        "got 'q.npy'");
  CHECK(error_of(std::string(kBase) + "data: {source: npy}\n") ==
        "bert.yaml: key 'data.files': missing (expected a list of {q, k, v} paths per layer, or q/k/v "
        "patterns with {layer})");
  CHECK(error_of("name: x\nlayers: 1\nheads: 1\nd: 4\nseq_len: 2\ndata: {source: npy, files: [{q: q.npy, v: "
                 "v.npy}]}\n",
                 dir.file("x.yaml"))
            .find("key 'data.files[0].q': expected an existing .npy file") != std::string::npos);
}

TEST_CASE("workload_bad_file_and_layer_errors") {
  try {
    load_workload("/nonexistent/dir/model.yaml");
    FAIL("expected an error");
  } catch (const WorkloadError& e) {
    CHECK(std::string(e.what()) == "/nonexistent/dir/model.yaml: workload file: no such file");
  }
  const std::string folder = std::string(ENERGON_WORKLOADS_SOURCE_DIR) + "/";
  CHECK_THROWS_WITH(load_workload(folder), folder + ": is a folder, expected a workload YAML file");
  const Workload w = parse_workload(kBase, "bert.yaml");
  try {
    make_layer(w, 2);
    FAIL("expected an error");
  } catch (const WorkloadError& e) {
    CHECK(std::string(e.what()) == "bert: layer 2 out of range (the workload has 2 layers)");
  }
}

TEST_CASE("workload_with_seq_len") {
  const Workload w = load_workload("bert-base-512");
  const Workload s = with_seq_len(w, 64);
  CHECK(s.shape.n_q == 64);
  CHECK(s.shape.n_k == 64);
  CHECK(s.shape.valid_len == 64);
  CHECK(s.synthetic.seed == w.synthetic.seed);
  const FloatLayer l = make_layer(s, 0);
  CHECK(l.q.size() == size_t(12) * 64 * 64);
  const Workload padded = parse_workload(std::string(kBase) + "valid_len: 100\n", "bert.yaml");
  CHECK(with_seq_len(padded, 64).shape.valid_len == 64);
  CHECK(with_seq_len(padded, 512).shape.valid_len == 100);
  CHECK_THROWS_WITH(with_seq_len(w, 0), Contains("must all be non-zero"));
  const Workload cross = parse_workload("name: c\nlayers: 1\nheads: 1\nd: 8\nn_q: 4\nn_k: 8\n", "c.yaml");
  CHECK_THROWS_WITH(with_seq_len(cross, 16), Contains("seq_len applies to self-attention"));
}
