// Attention engine alone (through its `cmd` export, K planes / V / output through the fetch unit
// and a test memory) against the golden model: scores, softmax_q16 + weighted_sum on random
// kept sets, a whole dense layer bit-exact, empty rows, leading planes handed over, cycles.
#include <catch2/catch.hpp>

#include <memory>
#include <random>

#include "energon/golden/golden.h"
#include "energon/hw/attention_engine.h"
#include "energon/hw/fetch_unit.h"
#include "job_image.h"
#include "test_memory.h"

using namespace energon;
using namespace energon::hw;

namespace {

struct Bench : sc_core::sc_module {
  AccelConfig cfg;
  test::TestMemory memory{"memory", 0x10000, 1 << 20};
  FetchUnit fetch;
  AttentionEngine au;
  sc_core::sc_port<attention_engine_if> port{"port"};
  explicit Bench(const AccelConfig& c = AccelConfig::edge(), sc_core::sc_module_name n = "bench")
      : sc_module(n), cfg(c), fetch("fetch", c), au("au", c) {
    fetch.mem.bind(memory.socket);
    au.fetch.bind(fetch.req);
    port.bind(au.cmd);
  }
  AttendJob row_job(const energon_desc_t& desc, const KPlaneLayout& l, const QuantizedLayer& L, uint32_t h,
                    uint32_t i) {
    const AttentionShape& s = L.shape;
    AttendJob j;
    j.layout = &l;
    j.kv_head = s.kv_head_of(h);
    j.v_addr = desc.v_addr;
    j.out_addr = desc.out_addr + (uint64_t(h) * s.n_q + i) * s.d * 2;
    j.q = L.q.data.data() + (size_t(h) * s.n_q + i) * s.d;
    j.c = golden::softmax_scale(L.q.scale[h], L.k.scale[j.kv_head], s.d);
    return j;
  }
  /// A query tile: jobs[first .. first + n) set to rows first .. of head 0 over every key, collected
  /// by the caller (no write-back).
  std::vector<AttendJob*> tile_rows(std::vector<AttendJob>& jobs, const energon_desc_t& desc, const KPlaneLayout& l,
                                    const QuantizedLayer& L, uint32_t first, uint32_t n) {
    std::vector<AttendJob*> rows;
    for (uint32_t i = first; i < first + n; ++i) {
      AttendJob& j = jobs[i];
      j = row_job(desc, l, L, 0, i);
      for (uint32_t k = 0; k < L.shape.n_k; ++k) j.keys.push_back(k);
      j.write_back = false;
      rows.push_back(&j);
    }
    return rows;
  }
};

/// The golden model's row over job.keys: the exact INT16 scores into `acc`, the output returned.
std::vector<int16_t> golden_row(const AttendJob& j, const QuantizedLayer& L, std::vector<int64_t>& acc) {
  const uint32_t d = L.shape.d, n = uint32_t(j.keys.size());
  acc.resize(n);
  for (uint32_t c = 0; c < n; ++c) acc[c] = golden::dot_int16(j.q, L.k.data.data() + size_t(j.keys[c]) * d, d);
  std::vector<uint16_t> p16(n);
  golden::softmax_q16(acc.data(), n, j.c, p16.data());
  std::vector<int16_t> out(d);
  golden::weighted_sum(p16.data(), j.keys.data(), n, L.v.data.data(), d, out.data());
  return out;
}

}  // namespace

TEST_CASE("attention_engine: dense layer bit-exact against golden run_attention", "[attention_engine]") {
  AttentionShape s;
  s.heads = 2;
  s.kv_heads = 1;
  s.n_q = 7;
  s.n_k = 9;
  s.d = 64;
  s.valid_len = 9;
  s.causal = true;
  const QuantizedLayer L = test::random_layer(s, 42);
  Bench b;
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {2, 2, 12}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  uint64_t qk_cycles = 0;
  sc_core::sc_time first_start = sc_core::SC_ZERO_TIME, last_done = sc_core::SC_ZERO_TIME;
  test::Stimulus stim("stim", [&] {
    for (uint32_t h = 0; h < s.heads; ++h)
      for (uint32_t i = 0; i < s.n_q; ++i) {
        AttendJob j = b.row_job(desc, l, L, h, i);
        for (uint32_t k = 0; k < s.allowed_end(i); ++k) j.keys.push_back(k);
        sc_core::sc_time delay;
        b.port->finish_row(j, delay);
        qk_cycles += b.au.qk_cycles(uint32_t(j.keys.size()), s.d);
        if (h == 0 && i == 0) first_start = j.started;
        last_done = j.done;
      }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  std::vector<int16_t> out(s.q_elems());
  b.memory.load(desc.out_addr, out.data(), out.size() * 2);
  CHECK(out == golden::run_attention(L, FilterConfig::dense()));
  CHECK(b.au.stats().rows == 14);
  // Each row is sent when the Q·K unit takes it, so some row is in the engine from the first
  // row's start until the last row's output is ready; its write-back (40 ns + 128 B at 16 B/ns)
  // comes after.
  const sc_core::sc_time ns(1, sc_core::SC_NS);
  CHECK(b.au.stats().busy_cycles == uint64_t(std::llround((last_done - first_start) / ns)) - 48);
  CHECK(qk_cycles == 2 * (3 + 4 + 5 + 6 + 7 + 8 + 9));  // 64 multipliers, d = 64: one key per cycle
  // Each K plane and V row of the kv head crosses the bus once (the on-chip buffer holds them).
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::k2)] == 9 * 64 * 12 / 8);
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::v)] == 9 * 64 * 2);
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::out)] == 14 * 64 * 2);
}

TEST_CASE("attention_engine: random kept sets equal golden softmax_q16 and weighted_sum", "[attention_engine]") {
  AttentionShape s;
  s.n_q = 30;
  s.n_k = 50;
  s.d = 16;
  s.valid_len = 50;
  const QuantizedLayer L = test::random_layer(s, 8, 32767);
  Bench b;
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {4, 12}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  size_t mismatched_rows = 0, mismatched_acc = 0;
  test::Stimulus stim("stim", [&] {
    std::mt19937 rng(99);
    for (uint32_t i = 0; i < s.n_q; ++i) {
      AttendJob j = b.row_job(desc, l, L, 0, i);
      for (uint32_t k = 0; k < s.n_k; ++k)
        if (rng() % 3 == 0 || k == i) j.keys.push_back(k);
      // Hand over plane 0 as the filter engine would (planes_have = 1).
      if (i % 2) {
        j.planes_have = 1;
        j.key_bits.resize(j.keys.size() * s.d);
        for (size_t c = 0; c < j.keys.size(); ++c)
          for (uint32_t t = 0; t < s.d; ++t) j.key_bits[c * s.d + t] = uint16_t(L.k.data[j.keys[c] * s.d + t]) & 0xF000;
      }
      sc_core::sc_time delay;
      b.port->finish_row(j, delay);
      std::vector<int64_t> acc;
      mismatched_rows += golden_row(j, L, acc) != j.out;
      for (size_t c = 0; c < j.keys.size(); ++c) mismatched_acc += acc[c] != j.acc[c];
    }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(mismatched_acc == 0);
  CHECK(mismatched_rows == 0);
  // Odd rows got plane 0 from the caller: plane 0 traffic only for the even rows' keys.
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::k1)] > b.fetch.stats().dram_bytes[size_t(Traffic::k0)]);
}

TEST_CASE("attention_engine: a row's leading planes come from the kv head's buffer as from its own key_bits",
          "[attention_engine]") {
  // The datapath hands a row the filter engine's buffer of its kv head ([n_k][d] by key) instead
  // of a copy of its kept keys' rows: rows cycle through own key_bits with plane 0, the head's
  // buffer with plane 0 (merged into the decoded-row cache), and the head's buffer with every
  // plane (planes_have = n_planes: the rows are gathered by key, nothing fetched). Bit-exact.
  AttentionShape s;
  s.n_q = 30;
  s.n_k = 50;
  s.d = 16;
  s.valid_len = 50;
  const QuantizedLayer L = test::random_layer(s, 9, 32767);
  Bench b;
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {4, 12}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  auto msb = std::make_shared<std::vector<uint16_t>>(size_t(s.n_k) * s.d);
  auto full = std::make_shared<std::vector<uint16_t>>(size_t(s.n_k) * s.d);
  for (size_t e = 0; e < full->size(); ++e) {
    (*full)[e] = uint16_t(L.k.data[e]);
    (*msb)[e] = (*full)[e] & 0xF000;
  }
  size_t mismatched_rows = 0, mismatched_acc = 0;
  uint64_t k_bytes_full_rows = 0;
  test::Stimulus stim("stim_head_bits", [&] {
    std::mt19937 rng(7);
    for (uint32_t i = 0; i < s.n_q; ++i) {
      AttendJob j = b.row_job(desc, l, L, 0, i);
      for (uint32_t k = 0; k < s.n_k; ++k)
        if (rng() % 3 == 0 || k == i) j.keys.push_back(k);
      if (i % 3 == 0) {
        j.planes_have = 1;
        j.key_bits.resize(j.keys.size() * s.d);
        for (size_t c = 0; c < j.keys.size(); ++c)
          for (uint32_t t = 0; t < s.d; ++t) j.key_bits[c * s.d + t] = (*msb)[j.keys[c] * s.d + t];
      } else {
        j.planes_have = i % 3 == 1 ? 1 : l.n_planes;
        j.head_bits = i % 3 == 1 ? msb : full;
      }
      const FetchStats f0 = b.fetch.stats();
      sc_core::sc_time delay;
      b.port->finish_row(j, delay);
      if (i % 3 == 2)
        for (uint32_t p = 0; p < l.n_planes; ++p)
          k_bytes_full_rows += b.fetch.stats().dram_bytes[size_t(Traffic::k0) + p] +
                               b.fetch.stats().sram_bytes[size_t(Traffic::k0) + p] -
                               f0.dram_bytes[size_t(Traffic::k0) + p] - f0.sram_bytes[size_t(Traffic::k0) + p];
      std::vector<int64_t> acc;
      mismatched_rows += golden_row(j, L, acc) != j.out;
      for (size_t c = 0; c < j.keys.size(); ++c) mismatched_acc += acc[c] != j.acc[c];
    }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(mismatched_acc == 0);
  CHECK(mismatched_rows == 0);
  CHECK(k_bytes_full_rows == 0);  // rows holding every plane read no K
}

TEST_CASE("attention_engine: given scores are used as-is, an empty row writes zeros", "[attention_engine]") {
  AttentionShape s;
  s.n_q = 2;
  s.n_k = 4;
  s.d = 8;
  s.valid_len = 4;
  const QuantizedLayer L = test::random_layer(s, 1);
  Bench b;
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {2, 2, 12}, 0x10000);
  std::vector<int16_t> junk(s.d, 1234);
  b.memory.store(desc.out_addr, junk.data(), s.d * 2);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  AttendJob given, empty;
  test::Stimulus stim("stim", [&] {
    sc_core::sc_time delay;
    empty = b.row_job(desc, l, L, 0, 0);
    b.port->finish_row(empty, delay);
    given = b.row_job(desc, l, L, 0, 1);
    given.keys = {1, 3};
    given.acc = {1000, 1000};  // equal scores: p = 1/2 each, no K fetched
    b.port->finish_row(given, delay);
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  for (uint32_t t = 0; t < s.d; ++t) {
    const int64_t sum = 32768 * int64_t(L.v.data[1 * s.d + t]) + 32768 * int64_t(L.v.data[3 * s.d + t]);
    CHECK(given.out[t] == (sum >= 0 ? (sum + 32768) >> 16 : -((-sum + 32768) >> 16)));
  }
  std::vector<int16_t> row0(s.d);
  b.memory.load(desc.out_addr, row0.data(), s.d * 2);
  CHECK(row0 == std::vector<int16_t>(s.d, 0));
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::k0)] == 0);
  CHECK(empty.compute_cycles == b.cfg.au_latency);
}

TEST_CASE("attention_engine: cycle model from multipliers, softmax lanes and latencies", "[attention_engine]") {
  AccelConfig c = AccelConfig::edge();
  AttentionEngine au("au", c);
  CHECK(au.qk_cycles(100, 64) == 100);
  CHECK(au.exp_cycles(100) == 13);      // 8 exp lanes
  CHECK(au.xv_cycles(100, 64) == 100);  // 64 ×V multipliers; the normalize pass (13) hides under it
  CHECK(au.xv_cycles(100, 1) == 13);    // tiny rows: the 8 normalize lanes bound it
  AccelConfig srv = AccelConfig::server();
  AttentionEngine au4("au4", srv);
  CHECK(au4.qk_cycles(100, 64) == 25);
  CHECK(au4.xv_cycles(100, 64) == 25);
}

TEST_CASE("attention_engine: row caches change neither bits nor cycles nor traffic", "[attention_engine]") {
  // The same rows through an engine with its decoded-row and V-row caches and one without.
  AttentionShape s;
  s.heads = 2;
  s.kv_heads = 2;
  s.n_q = 24;
  s.n_k = 40;
  s.d = 32;
  s.valid_len = 40;
  const QuantizedLayer L = test::random_layer(s, 5, 32767);
  Bench cached(AccelConfig::edge(), "cached"), plain(AccelConfig::edge(), "plain");
  plain.au.set_row_cache_limit(0);
  const energon_desc_t desc = test::place_job(cached.memory, L, FilterConfig::dense(), {4, 4, 8}, 0x10000);
  test::place_job(plain.memory, L, FilterConfig::dense(), {4, 4, 8}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  size_t differing = 0, rows = 0;
  test::Stimulus stim("stim", [&] {
    std::mt19937 rng(2024);
    for (uint32_t h = 0; h < s.heads; ++h)
      for (uint32_t i = 0; i < s.n_q; ++i) {
        std::vector<uint32_t> keys;
        for (uint32_t k = 0; k < s.n_k; ++k)
          if (rng() % 2 == 0 || k == i) keys.push_back(k);
        const bool handed_over = rng() % 2 == 0, score_first = rng() % 3 == 0;
        AttendJob jobs[2] = {cached.row_job(desc, l, L, h, i), plain.row_job(desc, l, L, h, i)};
        Bench* benches[2] = {&cached, &plain};
        sc_core::sc_time delays[2];
        for (int e = 0; e < 2; ++e) {
          AttendJob& j = jobs[e];
          j.keys = keys;
          if (handed_over) {  // plane 0 from the filter engine, as in mpmrf
            j.planes_have = 1;
            j.key_bits.resize(keys.size() * s.d);
            for (size_t c = 0; c < keys.size(); ++c)
              for (uint32_t t = 0; t < s.d; ++t)
                j.key_bits[c * s.d + t] =
                    uint16_t(L.k.data[(size_t(s.kv_head_of(h)) * s.n_k + keys[c]) * s.d + t]) & 0xF000;
          }
          if (score_first) benches[e]->port->score_keys(j, delays[e]);  // as the topk policy does
          benches[e]->port->finish_row(j, delays[e]);
        }
        ++rows;
        differing += jobs[0].out != jobs[1].out || jobs[0].acc != jobs[1].acc ||
                     jobs[0].compute_cycles != jobs[1].compute_cycles ||
                     jobs[0].memory_cycles != jobs[1].memory_cycles || delays[0] != delays[1];
      }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(rows == 48);
  CHECK(differing == 0);
  for (size_t c = 0; c < size_t(Traffic::count); ++c) {
    CHECK(cached.fetch.stats().dram_bytes[c] == plain.fetch.stats().dram_bytes[c]);
    CHECK(cached.fetch.stats().sram_bytes[c] == plain.fetch.stats().sram_bytes[c]);
  }
  CHECK(cached.au.stats().busy_cycles == plain.au.stats().busy_cycles);
  std::vector<int16_t> out_a(s.q_elems()), out_b(s.q_elems());
  cached.memory.load(desc.out_addr, out_a.data(), out_a.size() * 2);
  plain.memory.load(desc.out_addr, out_b.data(), out_b.size() * 2);
  CHECK(out_a == out_b);
}

namespace {

/// Rows of n keys (all of [0, n)) through the engine back to back, every K plane and V row
/// already in the on-chip buffer (a warm-up row fetched them), no write-back: the pipeline alone.
/// Per row: when the caller may send the next row (cycles after the first row's arrival) and
/// when the row's output is ready.
struct PipelineRun {
  std::vector<uint64_t> accepted, done;
  AttentionEngineStats stats;
};

/// Brings keys [0, n) of kv head 0 (every K plane and V row) into the on-chip buffer with one
/// row, waits until it is done and starts the engine's pipeline afresh (from the thread of a
/// Stimulus): later rows find everything resident.
void warm_up(Bench& b, const energon_desc_t& desc, const KPlaneLayout& l, const QuantizedLayer& L, uint32_t n) {
  AttendJob warm = b.row_job(desc, l, L, 0, 0);
  for (uint32_t k = 0; k < n; ++k) warm.keys.push_back(k);
  sc_core::sc_time delay;
  b.port->finish_row(warm, delay);
  sc_core::wait(warm.done - sc_core::sc_time_stamp() + sc_core::sc_time(1, sc_core::SC_US));
  b.au.begin_job();
}

PipelineRun run_pipeline(const AccelConfig& cfg, uint32_t rows, uint32_t n, const char* name) {
  AttentionShape s;
  s.n_q = rows;
  s.n_k = n;
  s.d = 64;
  s.valid_len = n;
  const QuantizedLayer L = test::random_layer(s, 3);
  Bench b(cfg, name);
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {4, 12}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  PipelineRun r;
  std::vector<AttendJob> jobs;
  test::Stimulus stim(("stim_" + std::string(name)).c_str(), [&] {
    warm_up(b, desc, l, L, n);
    sc_core::sc_time delay;
    const AttentionEngineStats before = b.au.stats();
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    const double period = 1.0e6 / cfg.clock_mhz;  // ps
    const auto cycles = [&](const sc_core::sc_time& t) {
      return uint64_t(std::llround((t - t0).to_seconds() * 1e12 / period));
    };
    delay = sc_core::SC_ZERO_TIME;
    for (uint32_t i = 0; i < rows; ++i) {
      AttendJob j = b.row_job(desc, l, L, 0, i);
      for (uint32_t k = 0; k < n; ++k) j.keys.push_back(k);
      j.write_back = false;
      b.port->finish_row(j, delay);
      r.accepted.push_back(cycles(BlockClock::local(delay)));
      r.done.push_back(cycles(j.done));
    }
    (r.stats = b.au.stats()) -= before;
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  return r;
}

}  // namespace

TEST_CASE("attention_engine: pipeline fill steady state and drain in exact cycles", "[attention_engine]") {
  // Edge, d = 64, N = 64 resident keys: Q·K N = 64 cycles (64 multipliers), exp pass N/8 = 8 and
  // softmax_latency 24, normalize + ×V max(N/8, N) = 64, au_latency 8. Row r enters the Q·K unit
  // at 64·r; its ×V starts at 64·(r+1) + 8 + 24 or when row r−1's ×V ends, whichever is later.
  const PipelineRun r = run_pipeline(AccelConfig::edge(), 4, 64, "steady");
  CHECK(r.accepted == std::vector<uint64_t>{64, 128, 192, 256});
  // Fill: row 0 is done at 64 + 8 + 24 + 64 + 8 = 168; then one row per 64 cycles.
  CHECK(r.done == std::vector<uint64_t>{168, 232, 296, 360});
  CHECK(r.stats.busy_cycles == 360);  // unpipelined: 4 × (64 + 3·8 + 24 + 64 + 8) = 736
  CHECK(r.stats.qk_busy_cycles == 4 * 64);
  CHECK(r.stats.exp_busy_cycles == 4 * 8);
  CHECK(r.stats.xv_busy_cycles == 4 * 64);
  CHECK(r.stats.score_buffer_stalls == 0);
  CHECK(r.stats.v_wait_cycles == 0);
}

TEST_CASE("attention_engine: a softmax-bound row hides the softmax latency after fill", "[attention_engine]") {
  // One exp lane: the exp pass takes N = 64 cycles and the normalize pass 64; Q·K 64. Every unit
  // is busy 64 cycles a row, so the steady state is still one row per 64 cycles; the exp latency
  // (24) and au_latency (8) show once.
  AccelConfig c = AccelConfig::edge();
  c.softmax_lanes = 1;
  const PipelineRun r = run_pipeline(c, 3, 64, "softmax_bound");
  CHECK(r.accepted == std::vector<uint64_t>{64, 128, 192});
  CHECK(r.done == std::vector<uint64_t>{64 + 64 + 24 + 64 + 8, 288, 352});
}

TEST_CASE("attention_engine: a full score buffer holds the Q·K unit back", "[attention_engine]") {
  // Room for one row of 64 scores: row r+1 enters the Q·K unit only when row r's ×V pass ends, at
  // 64 + 8 + 24 + 64 = 160 after its start: no overlap across rows.
  AccelConfig c = AccelConfig::edge();
  c.au_score_buffer_keys = 64;
  const PipelineRun r = run_pipeline(c, 3, 64, "buffer_bound");
  CHECK(r.accepted == std::vector<uint64_t>{64, 160 + 64, 320 + 64});
  CHECK(r.done == std::vector<uint64_t>{168, 328, 488});
  CHECK(r.stats.score_buffer_stalls == 2);
  CHECK(r.stats.score_buffer_stall_cycles == 2 * (160 - 64));
}

TEST_CASE("attention_engine: rows longer than the score buffer recompute the rest", "[attention_engine]") {
  // 32 entries, rows of 64 keys: keys 32..63 are scored again in the exp pass and in the
  // normalize pass (32 Q·K cycles each, their K rows re-streamed: 32·(32 + 96) B over 8 banks of
  // 16 B = 32 cycles). Exp pass max(8, 32) = 32 from 64; ×V from 64 + 32 + 24 = 120 for
  // max(64, 32) = 64 cycles; done at 120 + 64 + 8 = 192.
  AccelConfig c = AccelConfig::edge();
  c.au_score_buffer_keys = 32;
  const PipelineRun r = run_pipeline(c, 1, 64, "recompute");
  CHECK(r.accepted == std::vector<uint64_t>{64});
  CHECK(r.done == std::vector<uint64_t>{192});
  CHECK(r.stats.recomputed_rows == 1);
  CHECK(r.stats.recomputed_keys == 2 * 32);
  CHECK(r.stats.qk_macs == (64 + 2 * 32) * 64);
}

TEST_CASE("attention_engine: query tiles share one K and one V stream in exact cycles", "[attention_engine]") {
  // Two tiles of two rows of the same 64 resident keys (edge, d = 64). Per tile: Q·K 2 × 64 =
  // 128 cycles; exp 2 × 8 = 16, + 24; ×V 2 × 64 = 128; + au_latency 8. Tile 1: 0..128, exp
  // 128..144, ×V 168..296, done 304. Tile 2: Q·K 128..256 (overlapping tile 1's softmax and ×V),
  // exp 256..272, ×V from max(296, 296) to 424, done 432.
  AttentionShape s;
  s.n_q = 4;
  s.n_k = 64;
  s.d = 64;
  s.valid_len = 64;
  const QuantizedLayer L = test::random_layer(s, 21);
  Bench b(AccelConfig::edge(), "tiles");
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {4, 12}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  std::vector<uint64_t> accepted, done;
  std::vector<AttendJob> jobs(4);
  uint64_t sram_k = 0, sram_v = 0;
  test::Stimulus stim("stim_tiles", [&] {
    warm_up(b, desc, l, L, s.n_k);
    sc_core::sc_time delay;
    const FetchStats f0 = b.fetch.stats();
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    const auto cycles = [&](const sc_core::sc_time& t) {
      return uint64_t(std::llround((t - t0) / sc_core::sc_time(1, sc_core::SC_NS)));
    };
    delay = sc_core::SC_ZERO_TIME;
    for (uint32_t tile = 0; tile < 2; ++tile) {
      std::vector<AttendJob*> rows = b.tile_rows(jobs, desc, l, L, tile * 2, 2);
      b.port->score_tile(rows, delay);
      b.port->finish_tile(rows, delay);
      accepted.push_back(cycles(BlockClock::local(delay)));
      done.push_back(cycles(rows[0]->done));
    }
    sram_k = b.fetch.stats().sram_bytes[size_t(Traffic::k0)] + b.fetch.stats().sram_bytes[size_t(Traffic::k1)] -
             f0.sram_bytes[size_t(Traffic::k0)] - f0.sram_bytes[size_t(Traffic::k1)];
    sram_v = b.fetch.stats().sram_bytes[size_t(Traffic::v)] - f0.sram_bytes[size_t(Traffic::v)];
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(accepted == std::vector<uint64_t>{128, 256});
  CHECK(done == std::vector<uint64_t>{304, 432});
  CHECK(b.au.stats().tiles == 2);
  // Each tile reads the 64 K rows (32 + 96 B) and V rows (128 B) once, not once per row.
  CHECK(sram_k == 2 * 64 * (32 + 96));
  CHECK(sram_v == 2 * 64 * 128);
  // Bit-exact per row against the golden model.
  size_t mismatched = 0;
  for (uint32_t i = 0; i < 4; ++i) {  // every key 0 .. n_k - 1
    std::vector<int64_t> acc;
    mismatched += golden_row(jobs[i], L, acc) != jobs[i].out;
  }
  CHECK(mismatched == 0);
}

TEST_CASE("attention_engine: a tile's V stream is the union of the keys left after score_tile", "[attention_engine]") {
  // finish_tile keeps score_tile's key union when no row lost keys since, and builds it again when
  // one did (a selection): tile 1's rows keep keys 0..31 and 0..15 of 64 (V union 32 rows), tile
  // 2's rows keep all 64 (the union of score_tile, 64 rows).
  AttentionShape s;
  s.n_q = 4;
  s.n_k = 64;
  s.d = 64;
  s.valid_len = 64;
  const QuantizedLayer L = test::random_layer(s, 22);
  Bench b(AccelConfig::edge(), "tile_union");
  const energon_desc_t desc = test::place_job(b.memory, L, FilterConfig::dense(), {4, 12}, 0x10000);
  const KPlaneLayout l = KPlaneLayout::from_desc(desc);
  std::vector<AttendJob> jobs(4);
  std::vector<uint64_t> v_bytes;
  test::Stimulus stim("stim_tile_union", [&] {
    warm_up(b, desc, l, L, s.n_k);
    sc_core::sc_time delay;
    for (uint32_t tile = 0; tile < 2; ++tile) {
      std::vector<AttendJob*> rows = b.tile_rows(jobs, desc, l, L, tile * 2, 2);
      b.port->score_tile(rows, delay);
      if (tile == 0)  // a selection keeps a prefix of each row's keys (and their scores)
        for (uint32_t r = 0; r < 2; ++r) {
          rows[r]->keys.resize(r == 0 ? 32 : 16);
          rows[r]->acc.resize(rows[r]->keys.size());
        }
      const uint64_t v0 = b.fetch.stats().sram_bytes[size_t(Traffic::v)];
      b.port->finish_tile(rows, delay);
      v_bytes.push_back(b.fetch.stats().sram_bytes[size_t(Traffic::v)] - v0);
    }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(v_bytes == std::vector<uint64_t>{32 * 128, 64 * 128});
  // The rows' outputs over the keys they kept, bit-exact against the golden model.
  for (uint32_t i = 0; i < 4; ++i) {
    std::vector<int64_t> acc;
    CHECK(jobs[i].out == golden_row(jobs[i], L, acc));
  }
}
