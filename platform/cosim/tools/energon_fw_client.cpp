// energon-fw-client: the unmodified C driver and packing code in their own process, driving
// `energon-vp --serve` through energon_hal_remote (docs/cosim.md). Runs a workload's layers one
// job each and checks every output against the golden model. No SystemC here.
#include <cmath>
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "energon/cosim/energon_hal_remote.h"
#include "energon/desc_fields.h"
#include "energon/filter_spec.h"
#include "energon/fw/energon_fw.h"
#include "energon/fw/energon_job.h"
#include "energon/golden/golden.h"
#include "energon/hw/attention_policy.h"
#include "energon/workload/workload.h"

namespace po = boost::program_options;
using namespace energon;

namespace {

struct Options {
  std::string connect, workload = "bert-base-128", policy = "mpmrf", rounds, topk = "top=25%", pq_threshold;
  std::optional<uint32_t> pq_msb_bits;
  std::string a3_iterations, a3_threshold;
  uint32_t layers = 1, seq_len = 0;
  bool shutdown = true;
  // Host work charged to simulated time (ADVANCE), as the built-in host program's cost model
  // does (docs/architecture.md, "Host CPU cost model"; energon-edge's values by default).
  double quantize_ns_per_elem = 1.0, pack_ns_per_byte = 0.5, desc_build_ns = 100;
  bool charge_host = true;
};

void charge(energon_remote_t* r, const Options& o, double ns) {
  if (o.charge_host && ns > 0) energon_remote_advance(r, uint64_t(std::llround(ns * 1000.0)));
}

int fail(const std::string& what) {
  std::cerr << "energon-fw-client: " << what << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  po::options_description desc(
      "energon-fw-client --connect ADDRESS [options]: a workload through energon-vp --serve, every layer "
      "checked against the golden model (docs/cosim.md)\n\nOptions");
  desc.add_options()("help,h", "this help")("connect", po::value(&o.connect)->required(),
                                            "server address: unix:PATH, PATH or tcp:127.0.0.1:PORT")(
      "workload", po::value(&o.workload), "workload name or YAML file (default bert-base-128)")(
      "layers", po::value(&o.layers), "layers to run (default 1)")("seq-len", po::value(&o.seq_len),
                                                                   "sequence length override (0: the workload's)")(
      "policy", po::value(&o.policy), (policy_names() + " (default mpmrf)").c_str())(
      "rounds", po::value(&o.rounds), "mpmrf rounds, e.g. 4x2:alpha=-0.25,4x4:alpha=0")("topk", po::value(&o.topk),
                                                                                        "topk rule (default top=25%)")(
      "pq-threshold", po::value(&o.pq_threshold), "spatten: recompute threshold, a decimal in [0, 1] (default 0.1)")(
      "pq-msb-bits", po::value<uint32_t>(), "spatten: K bits of the first pass, 1..15 (default 8)")(
      "a3-iterations", po::value(&o.a3_iterations), "a3: search iterations per allowed key, in (0, 1] (default 0.5)")(
      "a3-threshold", po::value(&o.a3_threshold), "a3: post-scoring threshold in nats, [0, 255] (default 8)")(
      "no-shutdown", "leave the server running (it exits when this client disconnects anyway)")(
      "quantize-ns-per-elem", po::value(&o.quantize_ns_per_elem), "host cost of quantizing, ns per element (1)")(
      "pack-ns-per-byte", po::value(&o.pack_ns_per_byte), "host cost of K bit-plane packing, ns per byte (0.5)")(
      "desc-build-ns", po::value(&o.desc_build_ns), "host cost of filling a descriptor, ns (100)")(
      "no-host-cost", "charge no simulated time for the host's own work (only bus accesses take time)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    return fail(std::string(e.what()) + " (--help lists the options)");
  }
  o.shutdown = vm.count("no-shutdown") == 0;
  if (vm.count("pq-msb-bits")) o.pq_msb_bits = vm["pq-msb-bits"].as<uint32_t>();
  o.charge_host = vm.count("no-host-cost") == 0;

  FilterConfig filter;
  Policy policy_kind;
  if (!parse_policy(o.policy, policy_kind)) return fail("--policy '" + o.policy + "': expected " + policy_names());
  if ((!o.pq_threshold.empty() || o.pq_msb_bits) && policy_kind != Policy::spatten)
    return fail("--pq-threshold and --pq-msb-bits apply to --policy spatten only");
  if ((!o.a3_iterations.empty() || !o.a3_threshold.empty()) && policy_kind != Policy::a3)
    return fail("--a3-iterations and --a3-threshold apply to --policy a3 only");
  try {
    hw::PolicyOptions po;
    po.rounds = o.rounds;
    po.topk = o.topk;
    po.pq_threshold = o.pq_threshold;
    po.pq_msb_bits = o.pq_msb_bits;
    po.a3_iterations = o.a3_iterations;
    po.a3_threshold = o.a3_threshold;
    filter = hw::policy_of(policy_kind).configure(po);
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  workload::Workload w;
  try {
    w = workload::load_workload(o.workload);
    if (o.seq_len) w = workload::with_seq_len(w, o.seq_len);
  } catch (const std::exception& e) {
    return fail(std::string("--workload: ") + e.what());
  }
  if (o.layers == 0 || o.layers > w.layers)
    return fail("--layers " + std::to_string(o.layers) + ": expected 1.." + std::to_string(w.layers));

  char error[256];
  energon_remote_t* remote = energon_remote_connect(o.connect.c_str(), error, sizeof error);
  if (!remote) return fail(std::string("cannot connect: ") + error);
  const energon_hal_t* hal = energon_remote_hal(remote);
  energon_dev_t dev;
  int rc = energon_init(&dev, hal, energon_remote_platform(remote)->reg_base);
  if (rc == ENERGON_FW_OK) rc = energon_probe(&dev);
  // The built-in host program's sequence: a 16-entry ring, counters cleared, buffers reused per layer.
  if (rc == ENERGON_FW_OK) rc = energon_queue_setup(&dev, hal->mem_alloc(hal->ctx, 16 * ENERGON_DESC_BYTES, 256), 16);
  if (rc == ENERGON_FW_OK) energon_clear_counters(&dev);
  const uint64_t mark = energon_remote_alloc_mark(remote);
  if (rc != ENERGON_FW_OK) {
    std::cerr << "energon-fw-client: bring-up: " << energon_strerror(rc) << " (" << energon_remote_last_error(remote)
              << ")\n";
    energon_remote_close(remote);
    return 1;
  }

  const std::vector<energon_select_t> rounds = desc_rounds(filter);
  const energon_select_t topk = to_select(filter.topk, 0, 0);
  const uint8_t policy = to_desc_policy(filter.policy);
  bool all_exact = true;
  for (uint32_t l = 0; l < o.layers; ++l) {
    const FloatLayer layer = workload::make_layer(w, l);
    const AttentionShape& s = layer.shape;
    QuantizedLayer q;
    q.shape = s;
    q.q.data.resize(s.q_elems()), q.q.scale.resize(s.heads);
    q.k.data.resize(s.kv_elems()), q.k.scale.resize(s.kv_heads);
    q.v.data.resize(s.kv_elems()), q.v.scale.resize(s.kv_heads);
    energon_quantize_heads(layer.q.data(), s.heads, size_t(s.n_q) * s.d, q.q.data.data(), q.q.scale.data());
    energon_quantize_heads(layer.k.data(), s.kv_heads, size_t(s.n_k) * s.d, q.k.data.data(), q.k.scale.data());
    energon_quantize_heads(layer.v.data(), s.kv_heads, size_t(s.n_k) * s.d, q.v.data.data(), q.v.scale.data());
    const energon_job_shape_t shape = {s.heads, s.kv_heads, s.n_q, s.n_k, s.d, s.valid_len, s.causal ? 1 : 0};
    const energon_job_tensors_t t = {q.q.data.data(), q.k.data.data(), q.v.data.data(), q.q.scale.data(),
                                     q.k.scale.data()};
    uint8_t bits[ENERGON_MAX_PLANES];
    const uint32_t n_planes = energon_planes_for_rounds(policy, rounds.data(), uint32_t(rounds.size()), bits);
    energon_job_sizes_t sizes{};
    energon_job_sizes(&shape, bits, n_planes, &sizes);
    double plane_bytes = 0;
    for (uint32_t p = 0; p < n_planes; ++p) plane_bytes += double(sizes.k_plane[p]);
    charge(remote, o, o.quantize_ns_per_elem * double(s.q_elems() + 2 * s.kv_elems()));
    charge(remote, o, o.pack_ns_per_byte * plane_bytes);
    energon_desc_t d;
    uint32_t index = 0;
    energon_wait_info_t info;
    energon_result_t result{};
    rc = energon_job_place(hal, &shape, &t, policy, rounds.data(), uint32_t(rounds.size()), &topk, &d, nullptr);
    charge(remote, o, o.desc_build_ns);
    if (rc == ENERGON_FW_OK) rc = energon_submit(&dev, &d, 1, &index);
    if (rc == ENERGON_FW_OK) rc = energon_wait(&dev, 100000000, &info);
    if (rc == ENERGON_FW_OK) rc = energon_read_result(&dev, index, &result);
    std::vector<int16_t> out(s.q_elems());
    if (rc == ENERGON_FW_OK && hal->mem_read(hal->ctx, d.out_addr, out.data(), out.size() * 2) != 0)
      rc = ENERGON_FW_EIO;
    const bool exact = rc == ENERGON_FW_OK && out == golden::run_attention(q, filter);
    all_exact = all_exact && exact;
    energon_remote_release_to(remote, mark);
    std::printf("layer %u: %s, cycles %llu, kept %llu of %llu, bit-exact vs golden: %s\n", l, energon_strerror(rc),
                static_cast<unsigned long long>(result.cycles), static_cast<unsigned long long>(result.final_kept),
                static_cast<unsigned long long>(result.allowed), exact ? "PASS" : "FAIL");
  }
  uint64_t now = 0;
  energon_remote_time_ps(remote, &now);
  std::printf("energon-fw-client: %u layers, %llu frames, simulated time %llu ps, bit-exact vs golden: %s\n", o.layers,
              static_cast<unsigned long long>(energon_remote_frames(remote)), static_cast<unsigned long long>(now),
              all_exact ? "PASS" : "FAIL");
  if (o.shutdown) energon_remote_shutdown(remote);
  energon_remote_close(remote);
  return all_exact ? 0 : 1;
}
