#include "fuzz_common.h"

#include "energon/fw/energon_cascade.h"

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "energon/desc_fields.h"
#include "energon/golden/policy_model.h"
#include "energon/hw/log.h"
#include "energon/fw/energon_pack.h"

namespace energon::fuzz {

// ---- command line ----

namespace {

bool parse_u64(const std::string& text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = uint64_t(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = v;
  return true;
}

bool parse_minutes(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (!end || *end != '\0' || !std::isfinite(v) || v < 0 || v > 1e7) return false;
  out = v;
  return true;
}

}  // namespace

int set_up(int argc, char** argv, const char* program, const char* what, Options& o, platform::PlatformConfig& cfg) {
  const int prc = parse_options(argc, argv, program, what, o);
  if (prc >= 0) return prc;
  try {
    cfg = platform::load_platform_config(o.hw);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: --hw '%s': %s\n", program, o.hw.c_str(), e.what());
    return 2;
  }
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  if (!o.verbose) hw::log::set_level(hw::log::Level::error);  // every refused job would log a warning
  return -1;
}

int parse_options(int argc, char** argv, const char* program, const char* what, Options& o) {
  auto usage = [&](FILE* f) {
    std::fprintf(f,
                 "%s: %s\n"
                 "options:\n"
                 "  --seed N            random seed (default %" PRIu64
                 ")\n"
                 "  --iterations N      iterations to run, 0 = no bound (default %" PRIu64
                 ")\n"
                 "  --first N           number of the first iteration (default 0); iteration I draws from\n"
                 "                      seed and I alone, so --first I --iterations 1 replays it\n"
                 "  --minutes M         stop after M minutes of wall time, 0 = no bound (default 0)\n"
                 "  --timing lt|at      platform timing: loosely timed or accurate (default lt)\n"
                 "  --hw PRESET         hardware preset or YAML (default energon-edge)\n"
                 "  --iteration-timeout S  wall-clock seconds one iteration may take (default 120)\n"
                 "  --report-every N    progress line every N iterations (default 0: none)\n"
                 "  --verbose           model warnings on (every refused job logs one)\n"
                 "  --help              this help\n",
                 program, what, o.seed, o.iterations);
  };
  auto bad = [&](const std::string& option, const std::string& value, const char* expected) {
    std::fprintf(stderr, "%s: %s '%s': expected %s\n", program, option.c_str(), value.c_str(), expected);
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (a == "--verbose") {
      o.verbose = true;
      continue;
    }
    const bool takes_value = a == "--seed" || a == "--iterations" || a == "--first" || a == "--minutes" ||
                             a == "--timing" || a == "--hw" || a == "--iteration-timeout" || a == "--report-every";
    if (!takes_value) {
      std::fprintf(stderr, "%s: unknown option '%s' (--help lists them)\n", program, a.c_str());
      return 2;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s: %s needs a value\n", program, a.c_str());
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--seed") {
      if (!parse_u64(v, o.seed)) return bad(a, v, "an unsigned 64-bit integer");
    } else if (a == "--iterations") {
      if (!parse_u64(v, o.iterations)) return bad(a, v, "an unsigned integer (0 = no bound)");
    } else if (a == "--first") {
      if (!parse_u64(v, o.first)) return bad(a, v, "an unsigned integer");
    } else if (a == "--minutes") {
      if (!parse_minutes(v, o.minutes)) return bad(a, v, "a number of minutes >= 0");
    } else if (a == "--timing") {
      if (v != "lt" && v != "at") return bad(a, v, "lt or at");
      o.timing = v;
    } else if (a == "--hw") {
      if (v.empty()) return bad(a, v, "a hardware preset name or YAML file");
      o.hw = v;
    } else if (a == "--iteration-timeout") {
      double s = 0;
      if (!parse_minutes(v, s) || s <= 0) return bad(a, v, "a number of seconds > 0");
      o.iteration_timeout_s = s;
    } else if (a == "--report-every") {
      if (!parse_u64(v, o.report_every)) return bad(a, v, "an unsigned integer");
    }
  }
  return -1;
}

std::mt19937_64 iteration_rng(uint64_t seed, uint64_t iteration) {
  // splitmix64 of (seed, iteration): neighbouring iterations get unrelated streams.
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + iteration + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  std::seed_seq seq{uint32_t(z), uint32_t(z >> 32), uint32_t(seed), uint32_t(iteration)};
  return std::mt19937_64(seq);
}

// ---- random valid jobs ----

namespace {

uint64_t uni(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}
int64_t sint(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}
bool chance(std::mt19937_64& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

const int16_t kExtremes[] = {32767, -32768, -32767, 0, 1, -1, 16384, -16384};

const char* fill_tensor(std::mt19937_64& rng, std::vector<int16_t>& x, size_t rows, uint32_t d) {
  x.resize(rows * d);
  switch (uni(rng, 0, 6)) {
    case 0:
      for (auto& e : x) e = int16_t(sint(rng, -32768, 32767));
      return "uniform";
    case 1: {
      const int64_t r = sint(rng, 0, 300);
      for (auto& e : x) e = int16_t(sint(rng, -r, r));
      return "small";
    }
    case 2:
      for (auto& e : x) e = kExtremes[uni(rng, 0, 7)];
      return "extremes";
    case 3:
      for (size_t r = 0; r < rows; ++r) {  // all-equal rows
        const int16_t v = chance(rng, 0.5) ? kExtremes[uni(rng, 0, 7)] : int16_t(sint(rng, -32768, 32767));
        std::fill(x.begin() + r * d, x.begin() + (r + 1) * d, v);
      }
      return "equal-rows";
    case 4: {
      const int16_t v = kExtremes[uni(rng, 0, 7)];
      std::fill(x.begin(), x.end(), v);
      return "constant";
    }
    case 5:
      for (auto& e : x) e = chance(rng, 0.8) ? int16_t(0) : kExtremes[uni(rng, 0, 2)];
      return "sparse-extremes";
    default: {
      std::normal_distribution<double> n(0, sint(rng, 1, 12000));
      for (auto& e : x) e = int16_t(std::clamp<double>(std::nearbyint(n(rng)), -32768, 32767));
      return "normal";
    }
  }
}

float random_scale(std::mt19937_64& rng) {
  if (chance(rng, 0.06)) {
    const float special[] = {1.0f, FLT_MIN, 1e-20f, 1e10f, std::numeric_limits<float>::denorm_min(), 3e-5f, 65504.0f};
    return special[uni(rng, 0, 6)];
  }
  return float(std::pow(10.0, std::uniform_real_distribution<double>(-5, -1)(rng)));
}

SelectConfig random_topk_rule(std::mt19937_64& rng, uint32_t n) {
  SelectConfig c;
  c.rule = SelectRule::topk;
  switch (uni(rng, 0, 3)) {
    case 0:
      c.k = uint32_t(uni(rng, 1, n + 3));
      break;
    case 1:
      c.k_fraction_ppm = chance(rng, 0.5) ? 1u : kFractionOne;
      break;
    case 2:
      c.k_fraction_ppm = uint32_t(uni(rng, 1, kFractionOne));
      break;
    default:
      c.k = uint32_t(uni(rng, 1, 1000));  // both set: the fraction counts
      c.k_fraction_ppm = uint32_t(uni(rng, 1, kFractionOne));
  }
  return c;
}

SelectConfig random_threshold_rule(std::mt19937_64& rng) {
  SelectConfig c;
  c.rule = SelectRule::threshold;
  const int32_t edge[] = {-256, 256, 0, -64};
  c.alpha_q8 = chance(rng, 0.3) ? edge[uni(rng, 0, 3)] : int32_t(sint(rng, -256, 256));
  return c;
}

}  // namespace

JobSpec random_job(std::mt19937_64& rng, const JobBounds& b) {
  for (;;) {
    JobSpec j;
    AttentionShape& s = j.shape;
    s.heads = uint32_t(uni(rng, 1, b.max_heads));
    std::vector<uint32_t> divisors;
    for (uint32_t h = 1; h <= s.heads; ++h)
      if (s.heads % h == 0) divisors.push_back(h);
    s.kv_heads = divisors[uni(rng, 0, divisors.size() - 1)];
    s.n_q = uint32_t(uni(rng, 1, b.max_n));
    s.n_k = chance(rng, 0.3) ? s.n_q : uint32_t(uni(rng, 1, b.max_n));
    s.d = 8 * uint32_t(uni(rng, 1, b.max_d / 8));
    s.causal = chance(rng, 0.5);
    s.valid_len = chance(rng, 0.5) ? s.n_k : uint32_t(uni(rng, 1, s.n_k));

    FilterConfig& f = j.filter;
    switch (uni(rng, 0, 4)) {
      case 0:
        f = FilterConfig::dense();
        break;
      case 4: {  // a3: from one iteration to M = N, post-scoring from the maxima only to every candidate
        CandidateSearchConfig cs;
        const uint32_t fractions[] = {1, 125000, 500000, kFractionOne, uint32_t(uni(rng, 1, kFractionOne))};
        cs.iterations_ppm = fractions[uni(rng, 0, 4)];
        const uint32_t thresholds[] = {0, 1, 256, 2048, ENERGON_A3_MAX_THRESHOLD_Q8, uint32_t(uni(rng, 0, 65535))};
        cs.threshold_q8 = thresholds[uni(rng, 0, 5)];
        f = FilterConfig::a3(cs);
        break;
      }
      case 3: {  // spatten: any MSB width, thresholds from never to always
        ProgressiveConfig pq;
        pq.msb_bits = uint8_t(uni(rng, 1, 15));
        const uint32_t thresholds[] = {0, 1, 6554, 32768, 65535, 65536, uint32_t(uni(rng, 0, 65536))};
        pq.threshold_q16 = thresholds[uni(rng, 0, 6)];
        f = FilterConfig::spatten(0, pq);
        f.topk = random_topk_rule(rng, s.n_k);
        break;
      }
      case 1:
        f.policy = Policy::topk;
        f.topk = random_topk_rule(rng, s.n_k);
        break;
      default: {
        f.policy = Policy::mpmrf;
        const uint32_t rounds = uint32_t(uni(rng, 1, kMaxRounds));
        uint8_t k_bits = uint8_t(uni(rng, 1, 8));
        for (uint32_t r = 0; r < rounds; ++r) {
          FilterRound fr;
          if (r > 0 && chance(rng, 0.6)) k_bits = uint8_t(uni(rng, k_bits, 8));
          fr.k_bits = k_bits;
          fr.q_bits = uint8_t(uni(rng, 1, 8));
          fr.select = chance(rng, 0.7) ? random_threshold_rule(rng) : random_topk_rule(rng, s.n_k);
          f.rounds.push_back(fr);
        }
        const DescFilter df = desc_filter(f);
        uint8_t bits[ENERGON_MAX_PLANES];
        if (energon_planes_for_rounds(df.policy, df.rounds.data(), uint32_t(df.rounds.size()), bits) == 0)
          continue;  // more distinct k_bits than planes: draw again
      }
    }
    if (!validate(s).empty() || !validate(f).empty()) continue;

    std::ostringstream kind;
    kind << "q:" << fill_tensor(rng, j.q, size_t(s.heads) * s.n_q, s.d);
    kind << " k:" << fill_tensor(rng, j.k, size_t(s.kv_heads) * s.n_k, s.d);
    kind << " v:" << fill_tensor(rng, j.v, size_t(s.kv_heads) * s.n_k, s.d);
    j.data_kind = kind.str();
    for (uint32_t h = 0; h < s.heads; ++h) j.q_scales.push_back(random_scale(rng));
    for (uint32_t h = 0; h < s.kv_heads; ++h) j.k_scales.push_back(random_scale(rng));
    // Cascade pruning's fields (docs/pruning.md): a quarter of the jobs prune random heads and
    // tokens, a third write their importance table.
    if (uni(rng, 0, 3) == 0) {
      for (uint32_t h = 0; h < s.heads; ++h) j.prune.head.push_back(uint8_t(uni(rng, 0, 3) == 0));
      for (uint32_t t = 0; t < s.n_k; ++t) j.prune.token.push_back(uint8_t(uni(rng, 0, 2) == 0));
    }
    j.importance = uni(rng, 0, 2) == 0;
    return j;
  }
}

DescFilter desc_filter(const FilterConfig& f) {
  DescFilter d;
  d.policy = to_desc_policy(f.policy);
  d.rounds = desc_rounds(f);
  d.topk = to_select(f.topk, 0, 0);
  return d;
}

FilterConfig filter_of(const energon_desc_t& d) {
  FilterConfig f;
  f.policy = d.policy == ENERGON_POLICY_TOPK      ? Policy::topk
             : d.policy == ENERGON_POLICY_MPMRF   ? Policy::mpmrf
             : d.policy == ENERGON_POLICY_SPATTEN ? Policy::spatten
             : d.policy == ENERGON_POLICY_A3      ? Policy::a3
                                                  : Policy::dense;
  if (f.policy == Policy::mpmrf)
    for (unsigned r = 0; r < d.n_rounds && r < ENERGON_MAX_ROUNDS; ++r)
      f.rounds.push_back({d.round[r].q_bits, d.round[r].k_bits, from_select(d.round[r])});
  if (f.policy == Policy::topk || f.policy == Policy::spatten) f.topk = from_select(d.topk);
  if (f.policy == Policy::spatten) f.progressive = progressive_from_select(d.round[0]);
  if (f.policy == Policy::a3) f.candidate_search = candidate_search_from_select(d.round[0]);
  return f;
}

Placed place(platform::HostCpu& cpu, const JobSpec& job) {
  const AttentionShape& s = job.shape;
  const energon_job_shape_t shape = {s.heads, s.kv_heads, s.n_q, s.n_k, s.d, s.valid_len, s.causal ? 1 : 0};
  const energon_job_tensors_t t = {job.q.data(), job.k.data(), job.v.data(), job.q_scales.data(), job.k_scales.data()};
  const DescFilter df = desc_filter(job.filter);
  Placed p;
  p.rc = energon_job_place(cpu.hal(), &shape, &t, df.policy, df.rounds.data(), uint32_t(df.rounds.size()), &df.topk,
                           &p.desc, &p.buffers);
  if (p.rc == ENERGON_FW_OK && !job.prune.empty()) {
    const std::vector<uint8_t> mask = job.prune.encode(s.heads, s.n_k);
    const uint64_t at = cpu.alloc(mask.size(), ENERGON_BUFFER_ALIGN);
    if (at == ENERGON_HAL_NO_MEMORY)
      p.rc = ENERGON_FW_ENOMEM;
    else if (!cpu.write_mem(at, mask.data(), mask.size()))
      p.rc = ENERGON_FW_EIO;
    else
      energon_desc_set_prune_mask(&p.desc, at);
  }
  if (p.rc == ENERGON_FW_OK && job.importance) {
    const uint64_t at = cpu.alloc(ENERGON_IMPORTANCE_BYTES(s.heads, s.n_k), ENERGON_BUFFER_ALIGN);
    if (at == ENERGON_HAL_NO_MEMORY)
      p.rc = ENERGON_FW_ENOMEM;
    else
      energon_desc_set_importance(&p.desc, at);
  }
  return p;
}

GoldenResult golden_of(const JobSpec& job) {
  QuantizedLayer ql;
  ql.shape = job.shape;
  ql.q = {job.q, job.q_scales};
  ql.k = {job.k, job.k_scales};
  ql.v = {job.v, std::vector<float>(job.shape.kv_heads, 1.0f)};
  ql.prune = job.prune;
  GoldenResult g;
  g.out = golden::run_attention(ql, job.filter, &g.stats);
  return g;
}

static AttentionShape shape_of(const energon_desc_t& d) {
  AttentionShape s;
  s.heads = d.heads;
  s.kv_heads = d.kv_heads;
  s.n_q = d.n_q;
  s.n_k = d.n_k;
  s.d = d.d;
  s.valid_len = d.valid_len;
  s.causal = (d.flags & ENERGON_DESC_FLAG_CAUSAL) != 0;
  return s;
}

static uint64_t plane_bytes(const energon_desc_t& d, unsigned p) {
  return uint64_t(d.kv_heads) * d.n_k * d.d * d.plane_bits[p] / 8;
}

GoldenResult golden_from_memory(platform::HostCpu& cpu, const energon_desc_t& d) {
  const AttentionShape s = shape_of(d);
  JobSpec j;
  j.shape = s;
  j.filter = filter_of(d);
  j.q.resize(s.q_elems());
  j.k.resize(s.kv_elems());
  j.v.resize(s.kv_elems());
  std::vector<float> scales(size_t(s.heads) + s.kv_heads);
  bool ok = cpu.read_mem(d.q_addr, j.q.data(), j.q.size() * 2) && cpu.read_mem(d.v_addr, j.v.data(), j.v.size() * 2) &&
            cpu.read_mem(d.scale_addr, scales.data(), scales.size() * 4);
  std::vector<std::vector<uint8_t>> planes(d.n_planes);
  std::vector<const uint8_t*> ptrs(d.n_planes);
  for (unsigned p = 0; p < d.n_planes && ok; ++p) {
    planes[p].resize(plane_bytes(d, p));
    ok = cpu.read_mem(d.k_plane_addr[p], planes[p].data(), planes[p].size());
    ptrs[p] = planes[p].data();
  }
  if (ok && (d.flags & ENERGON_DESC_FLAG_PRUNE)) {
    std::vector<uint8_t> mask(ENERGON_PRUNE_MASK_BYTES(d.heads, d.n_k));
    ok = cpu.read_mem(d.prune_mask_addr, mask.data(), mask.size());
    j.prune = PruneMask::decode(mask.data(), d.heads, d.n_k);
  }
  if (!ok) throw std::runtime_error("golden_from_memory: a buffer could not be read back");
  if (energon_unpack_k_planes(ptrs.data(), size_t(s.kv_heads) * s.n_k, s.d, d.plane_bits, d.n_planes, j.k.data()) != 0)
    throw std::runtime_error("golden_from_memory: plane layout refused by energon_unpack_k_planes");
  j.q_scales.assign(scales.begin(), scales.begin() + s.heads);
  j.k_scales.assign(scales.begin() + s.heads, scales.end());
  return golden_of(j);
}

std::string compare_with_golden(const energon_desc_t& d, const energon_result_t& r, const std::vector<int16_t>& out,
                                const GoldenResult& g, const std::vector<uint8_t>* importance) {
  std::ostringstream e;
  if (!r.done || r.error != ENERGON_ERR_NONE) {
    e << "result block: done " << r.done << ", error " << error_name(uint8_t(r.error));
    return e.str();
  }
  if (out.size() != g.out.size()) {
    e << "output has " << out.size() << " elements, golden " << g.out.size();
    return e.str();
  }
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] != g.out[i]) {
      size_t n = 0;
      for (size_t k = i; k < out.size(); ++k) n += out[k] != g.out[k];
      e << "output differs from golden at element " << i << " (hardware " << out[i] << ", golden " << g.out[i] << "), "
        << n << " elements differ";
      return e.str();
    }
  if (r.allowed != g.stats.allowed) e << "allowed " << r.allowed << " vs golden " << g.stats.allowed << "; ";
  if (r.final_kept != g.stats.final_kept)
    e << "final kept " << r.final_kept << " vs golden " << g.stats.final_kept << "; ";
  const FilterConfig filter = filter_of(d);
  const size_t rounds = golden::policy_model(filter.policy).schedule(filter).selection_steps();
  for (unsigned k = 0; k < ENERGON_MAX_ROUNDS; ++k) {
    const uint64_t want = k < rounds && k < g.stats.rounds.size() ? g.stats.rounds[k].kept : 0;
    if (r.kept[k] != want) e << "kept[" << k << "] " << r.kept[k] << " vs golden " << want << "; ";
  }
  if (importance && (d.flags & ENERGON_DESC_FLAG_IMPORTANCE) &&
      !(Importance::decode(importance->data(), d.heads, d.n_k) == g.stats.importance))
    e << "importance table differs from golden; ";
  return e.str();
}

// ---- expected verdict ----

bool MemoryMap::unmapped(uint64_t a, uint64_t bytes) const {
  if (bytes == 0) return false;
  const uint64_t last = a + (bytes - 1);
  if (last < a) return false;  // wraps: not a plain range
  const bool hits_dram = a < dram_end;
  const bool hits_regs = a < regs_base + ENERGON_REG_SPACE_BYTES && last >= regs_base;
  return !hits_dram && !hits_regs;
}

uint8_t expected_check_error(const energon_desc_t& d, uint64_t ring_base, uint64_t ring_bytes) {
  // 1. magic
  if (d.magic != ENERGON_DESC_MAGIC) return ENERGON_ERR_BAD_MAGIC;
  // 2. reserved: flags other than CAUSAL, PRUNE and IMPORTANCE, reserved0, a pruning address without
  // its flag, reserved byte of the rules in use
  if ((d.flags & 0xF8u) != 0 || d.reserved0 != 0) return ENERGON_ERR_RESERVED;
  if ((!(d.flags & 2u) && d.prune_mask_addr != 0) || (!(d.flags & 4u) && d.importance_addr != 0))
    return ENERGON_ERR_RESERVED;
  if ((d.policy == ENERGON_POLICY_TOPK || d.policy == ENERGON_POLICY_SPATTEN) && d.topk.reserved != 0)
    return ENERGON_ERR_RESERVED;
  if ((d.policy == ENERGON_POLICY_SPATTEN || d.policy == ENERGON_POLICY_A3) && d.round[0].reserved != 0)
    return ENERGON_ERR_RESERVED;
  if (d.policy == ENERGON_POLICY_MPMRF)
    for (unsigned r = 0; r < d.n_rounds && r < ENERGON_MAX_ROUNDS; ++r)
      if (d.round[r].reserved != 0) return ENERGON_ERR_RESERVED;
  // 3.-6. shape
  if (d.heads == 0 || d.kv_heads == 0 || d.n_q == 0 || d.n_k == 0 || d.valid_len == 0) return ENERGON_ERR_ZERO_SIZE;
  if (d.heads % d.kv_heads != 0) return ENERGON_ERR_KV_HEADS;
  if (d.d < 8 || d.d > 256 || d.d % 8 != 0) return ENERGON_ERR_HEAD_DIM;
  if (d.n_k > 65536 || d.n_q > 65536 || d.valid_len > d.n_k) return ENERGON_ERR_SIZE_LIMIT;
  const std::string shape_error = validate(shape_of(d));  // the spec layer must agree from here on
  if (!shape_error.empty()) throw std::logic_error("oracle: field checks pass but validate(shape) says " + shape_error);
  // 7. policy: a known policy byte and known rule bytes, then the spec layer's validate()
  if (d.policy > ENERGON_POLICY_A3) return ENERGON_ERR_POLICY;
  if ((d.policy == ENERGON_POLICY_TOPK || d.policy == ENERGON_POLICY_SPATTEN) && d.topk.rule != ENERGON_RULE_TOPK)
    return ENERGON_ERR_POLICY;
  if (d.policy == ENERGON_POLICY_SPATTEN) {  // round[0] is the MSB pass: rule 0, q_bits 0, k = threshold
    const energon_select_t& pq = d.round[0];
    if (d.n_rounds != 1 || pq.rule != ENERGON_RULE_THRESHOLD || pq.q_bits != 0 || pq.alpha_q8 != 0 ||
        pq.k_fraction_ppm != 0 || pq.k_bits < 1 || pq.k_bits > 15 || pq.k > 65536)
      return ENERGON_ERR_POLICY;
  }
  if (d.policy == ENERGON_POLICY_A3) {  // round[0] is the search: rule 0, widths and α 0, m in (0, 1], T Q8.8
    const energon_select_t& cs = d.round[0];
    if (d.n_rounds != 1 || cs.rule != ENERGON_RULE_THRESHOLD || cs.q_bits != 0 || cs.k_bits != 0 || cs.alpha_q8 != 0 ||
        cs.k_fraction_ppm < 1 || cs.k_fraction_ppm > 1000000 || cs.k > 65535)
      return ENERGON_ERR_POLICY;
  }
  if (d.policy == ENERGON_POLICY_MPMRF) {
    if (d.n_rounds < 1 || d.n_rounds > ENERGON_MAX_ROUNDS) return ENERGON_ERR_POLICY;
    for (unsigned r = 0; r < d.n_rounds; ++r)
      if (d.round[r].rule > ENERGON_RULE_TOPK) return ENERGON_ERR_POLICY;
  }
  if (!golden::validate_filter(filter_of(d)).empty()) return ENERGON_ERR_POLICY;
  // 8. planes
  if (d.n_planes < 1 || d.n_planes > 4) return ENERGON_ERR_PLANES;
  unsigned sum = 0;
  std::vector<unsigned> prefix;
  for (unsigned p = 0; p < d.n_planes; ++p) {
    if (d.plane_bits[p] == 0) return ENERGON_ERR_PLANES;
    sum += d.plane_bits[p];
    prefix.push_back(sum);
  }
  if (sum != 16) return ENERGON_ERR_PLANES;
  if (d.policy == ENERGON_POLICY_MPMRF)
    for (unsigned r = 0; r < d.n_rounds; ++r)
      if (std::find(prefix.begin(), prefix.end(), unsigned(d.round[r].k_bits)) == prefix.end())
        return ENERGON_ERR_PLANES;
  if (d.policy == ENERGON_POLICY_SPATTEN &&
      std::find(prefix.begin(), prefix.end(), unsigned(d.round[0].k_bits)) == prefix.end())
    return ENERGON_ERR_PLANES;
  // 9. alignment of the buffers in use
  std::vector<uint64_t> addrs = {d.q_addr, d.v_addr, d.scale_addr, d.out_addr, d.prune_mask_addr, d.importance_addr};
  for (unsigned p = 0; p < d.n_planes; ++p) addrs.push_back(d.k_plane_addr[p]);
  for (uint64_t a : addrs)
    if (a % 64 != 0) return ENERGON_ERR_MISALIGNED;
  // 10. wrap past 2^64
  const uint64_t q_bytes = uint64_t(d.heads) * d.n_q * d.d * 2;
  std::vector<Extent> inputs = {{d.q_addr, q_bytes},
                                {d.v_addr, uint64_t(d.kv_heads) * d.n_k * d.d * 2},
                                {d.scale_addr, (uint64_t(d.heads) + d.kv_heads) * 4}};
  for (unsigned p = 0; p < d.n_planes; ++p) inputs.push_back({d.k_plane_addr[p], plane_bytes(d, p)});
  // The prune mask: a 64-bit-word head bitmap, then one bit per key.
  if (d.flags & 2u) inputs.push_back({d.prune_mask_addr, uint64_t(d.heads + 63) / 64 * 8 + (uint64_t(d.n_k) + 7) / 8});
  const Extent out{d.out_addr, q_bytes};
  const Extent importance{d.importance_addr, (d.flags & 4u) ? 8 * (uint64_t(d.n_k) + d.heads) : 0};
  if (out.wraps() || importance.wraps()) return ENERGON_ERR_ADDRESS;
  for (const Extent& x : inputs)
    if (x.wraps()) return ENERGON_ERR_ADDRESS;
  // 11. the output over an input or the ring
  for (const Extent& x : inputs)
    if (out.overlaps(x)) return ENERGON_ERR_OVERLAP;
  if (out.overlaps({ring_base, ring_bytes})) return ENERGON_ERR_OVERLAP;
  // 12. the importance table over an input, the output or the ring
  for (const Extent& x : inputs)
    if (importance.overlaps(x)) return ENERGON_ERR_OVERLAP;
  if (importance.overlaps(out) || importance.overlaps({ring_base, ring_bytes})) return ENERGON_ERR_OVERLAP;
  return ENERGON_ERR_NONE;
}

Expectation expect(platform::HostCpu& cpu, const MemoryMap& map, const energon_desc_t& d, uint64_t ring_base,
                   uint64_t ring_bytes) {
  Expectation e;
  e.error = expected_check_error(d, ring_base, ring_bytes);
  if (e.error != ENERGON_ERR_NONE) {
    e.why = "field checks";
    return e;
  }
  e.work = uint64_t(d.heads) * d.n_q * d.n_k * d.d;
  const uint64_t q_bytes = uint64_t(d.heads) * d.n_q * d.d * 2;
  const Extent scale{d.scale_addr, (uint64_t(d.heads) + d.kv_heads) * 4};
  const Extent q{d.q_addr, q_bytes}, out{d.out_addr, q_bytes}, v{d.v_addr, uint64_t(d.kv_heads) * d.n_k * d.d * 2};
  e.bytes = scale.bytes + 2 * q_bytes + v.bytes;
  for (unsigned p = 0; p < d.n_planes; ++p) e.bytes += plane_bytes(d, p);
  // The datapath reads the whole scale table first (one request, pieces of >= 8 bytes: the register
  // block refuses them), checks it, then streams Q (whole), K planes, V (rows of kept keys) and
  // writes the whole output.
  if (!map.in_dram(scale.begin, scale.bytes)) {
    e.error = ENERGON_ERR_ADDRESS;
    e.why = "scale table off DRAM";
    return e;
  }
  std::vector<float> table(scale.bytes / 4);
  if (!cpu.read_mem(scale.begin, table.data(), scale.bytes)) throw std::runtime_error("oracle: scale table unreadable");
  for (float x : table)
    if (!(std::isfinite(x) && x > 0.0f)) {
      e.error = ENERGON_ERR_SCALE;
      e.why = "scale not a finite number above 0";
      return e;
    }
  // Flag PRUNE: the prune mask is read next, in one request; what it prunes is never read.
  bool pruned_any = false;
  if (d.flags & ENERGON_DESC_FLAG_PRUNE) {
    const Extent m{d.prune_mask_addr, ENERGON_PRUNE_MASK_BYTES(d.heads, d.n_k)};
    if (!map.in_dram(m.begin, m.bytes)) {
      if (map.unmapped(m.begin, m.bytes)) {
        e.error = ENERGON_ERR_ADDRESS;
        e.why = "prune mask off the memory map";
      } else {
        e.ambiguous = true;
        e.why = "prune mask partly mapped";
      }
      return e;
    }
    std::vector<uint8_t> image(m.bytes);
    if (!cpu.read_mem(m.begin, image.data(), m.bytes)) throw std::runtime_error("oracle: prune mask unreadable");
    pruned_any = !PruneMask::decode(image.data(), d.heads, d.n_k).empty();
  }
  bool off = false;
  if (d.flags & ENERGON_DESC_FLAG_IMPORTANCE) {  // written whole at the end of the job
    const Extent imp{d.importance_addr, ENERGON_IMPORTANCE_BYTES(d.heads, d.n_k)};
    if (!map.in_dram(imp.begin, imp.bytes)) {
      if (!map.unmapped(imp.begin, imp.bytes)) {
        e.ambiguous = true;
        e.why = "importance table partly mapped";
        return e;
      }
      off = true;
    }
  }
  const Extent whole[3] = {q, out, v};  // read whole (Q), written whole (out), >= 1 row of >= 16 bytes (V)
  for (unsigned i = 0; i < 3; ++i) {
    const Extent& x = whole[i];
    if (!map.in_dram(x.begin, x.bytes)) {
      if (i == 2 && (x.begin < map.dram_end || pruned_any)) {  // V: depends on which keys are kept
        e.ambiguous = true;
        e.why = "V partly in DRAM";
        return e;
      }
      off = true;
    }
  }
  unsigned plane_end_bits = 0;
  for (unsigned p = 0; p < d.n_planes; ++p) {
    const Extent k{d.k_plane_addr[p], plane_bytes(d, p)};
    plane_end_bits += d.plane_bits[p];
    if (map.in_dram(k.begin, k.bytes)) continue;
    if (pruned_any) {
      e.ambiguous = true;  // the keys left after pruning decide which rows are read
      e.why = "K plane off DRAM with keys pruned";
      return e;
    }
    if (d.policy == ENERGON_POLICY_SPATTEN && plane_end_bits > d.round[0].k_bits) {
      e.ambiguous = true;  // spatten reads its LSB planes only for the rows it recomputes
      e.why = "spatten LSB plane off DRAM";
      return e;
    }
    if (map.unmapped(k.begin, k.bytes)) {
      off = true;
      continue;
    }
    e.ambiguous = true;  // partly in DRAM, or rows of 4 bytes the register block would answer
    e.why = "K plane partly mapped";
    return e;
  }
  if (off) {
    e.error = ENERGON_ERR_ADDRESS;
    e.why = "buffer off the memory map";
  }
  return e;
}

// ---- raw bus ----

tlm::tlm_response_status RawBus::access(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t length,
                                        const uint8_t* byte_enable, uint32_t be_length, uint32_t streaming_width) {
  tlm::tlm_generic_payload t;
  t.set_command(cmd);
  t.set_address(addr);
  t.set_data_ptr(data);
  t.set_data_length(length);
  t.set_streaming_width(streaming_width ? streaming_width : length);
  t.set_byte_enable_ptr(const_cast<uint8_t*>(byte_enable));
  t.set_byte_enable_length(byte_enable ? be_length : 0);
  t.set_dmi_allowed(false);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(t, delay);
  if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  return t.get_response_status();
}

bool RawBus::debug_read32(uint64_t addr, uint32_t& value) {
  tlm::tlm_generic_payload t;
  uint8_t b[4] = {};
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(b);
  t.set_data_length(4);
  t.set_streaming_width(4);
  t.set_byte_enable_ptr(nullptr);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const unsigned n = socket->transport_dbg(t);
  std::memcpy(&value, b, 4);
  return n == 4 && t.is_response_ok();
}

// ---- helpers ----

void print_counts(const char* title, const Counts& c) {
  std::printf("%s:\n", title);
  for (const auto& [name, n] : c) std::printf("  %-28s %10" PRIu64 "\n", name.c_str(), n);
}

std::string hex_dump(const uint8_t* b, size_t n) {
  std::string s;
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    if (i % 32 == 0) {
      std::snprintf(buf, sizeof buf, "%s%04zx:", i ? "\n" : "", i);
      s += buf;
    }
    std::snprintf(buf, sizeof buf, " %02x", b[i]);
    s += buf;
  }
  return s;
}

const char* error_name(uint8_t code) { return energon_error_name(int(code)); }

Watchdog::Watchdog(double limit_s, std::string what) : limit_s_(limit_s), what_(std::move(what)) {
  thread_ = std::thread([this] { loop(); });
}

Watchdog::~Watchdog() {
  stop_.store(true);
  thread_.join();
}

static std::mutex g_repro_mutex;

static int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Watchdog::start_iteration(uint64_t iteration, const std::string& reproduce) {
  {
    std::lock_guard<std::mutex> lock(g_repro_mutex);
    reproduce_ = reproduce;
  }
  iteration_.store(iteration);
  started_ms_.store(now_ms());
}

void Watchdog::loop() {
  while (!stop_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const int64_t started = started_ms_.load();
    if (started != 0 && double(now_ms() - started) > limit_s_ * 1000.0) {
      std::lock_guard<std::mutex> lock(g_repro_mutex);
      std::fprintf(stderr,
                   "%s: FAIL: iteration %" PRIu64
                   " still running after %.0f s of wall time (phase: %s): a hang\n"
                   "reproduce: %s\n",
                   what_.c_str(), iteration_.load(), limit_s_, phase_.load(), reproduce_.c_str());
      std::fflush(stderr);
      std::fflush(stdout);
      std::_Exit(1);
    }
  }
}

}  // namespace energon::fuzz
