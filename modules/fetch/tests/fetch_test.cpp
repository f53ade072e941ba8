// Fetch unit alone: bit-plane unpacking, on-chip buffer policy, byte counters per traffic class,
// bus errors and the two timing modes, driven through its `req` socket against a test memory.
#include <tlm_utils/simple_initiator_socket.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "energon/hw/fetch_unit.h"
#include "energon/hw/k_planes.h"
#include "job_image.h"
#include "test_memory.h"

using namespace energon;
using namespace energon::hw;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

struct Bench : sc_core::sc_module {
  test::TestMemory memory{"memory", 0x1000, 0x10000, sc_time(40, SC_NS), 16.0};
  FetchUnit fetch;
  tlm_utils::simple_initiator_socket<Bench> port{"port"};
  PayloadPool payloads;
  explicit Bench(const AccelConfig& c, sc_core::sc_module_name name = "bench") : sc_module(name), fetch("fetch", c) {
    fetch.mem.bind(memory.socket);
    port.bind(fetch.req);
  }
  uint64_t onchip_cycles = 0;
  /// Reads through the fetch unit; returns the annotated (or waited) time in ns.
  double read(uint64_t addr, uint32_t len, Traffic cls, int64_t tag, std::vector<uint8_t>& out) {
    out.assign(len, 0);
    sc_time delay;
    const sc_time t0 = sc_core::sc_time_stamp();
    onchip_cycles = fetch_transfer(port, payloads, tlm::TLM_READ_COMMAND, addr, out.data(), len, cls, tag, delay);
    return (sc_core::sc_time_stamp() - t0 + delay).to_seconds() * 1e9;
  }
};

AccelConfig small_buffer(uint64_t bytes, TimingMode mode = TimingMode::lt) {
  AccelConfig c;
  c.sram_bytes = bytes;
  c.sram_bytes_per_cycle = 64;
  c.timing = mode;
  return c;
}

}  // namespace

TEST_CASE("fetch: plane rows unpack to the MSB slices of INT16 K", "[fetch]") {
  const std::vector<std::vector<uint8_t>> layouts = {{2, 2, 4, 8}, {2, 2, 12}, {4, 12}, {3, 5, 8}, {16}, {1, 1, 6, 8}};
  for (uint32_t rows : {3u, 300u}) {  // 300 rows: the table-driven path for 2- and 4-bit planes
    for (const auto& widths : layouts) {
      const uint32_t d = 64;
      std::vector<int16_t> k(size_t(rows) * d);
      for (size_t e = 0; e < k.size(); ++e) k[e] = int16_t(e * 2654435761u >> 7);
      std::vector<uint16_t> bits(k.size(), 0xFFFF);
      uint32_t used = 0;
      for (uint32_t p = 0; p < widths.size(); ++p) {
        used += widths[p];
        const auto plane = test::pack_plane(k, d, 16 - used, widths[p]);
        REQUIRE(plane.size() == size_t(rows) * d * widths[p] / 8);
        unpack_plane_rows(plane.data(), rows, d, widths[p], 16 - used, bits.data(), p == 0);
        size_t wrong = 0;  // the leading planes give the used-bit MSB slice
        for (size_t e = 0; e < k.size(); ++e)
          wrong += (int32_t(int16_t(bits[e])) >> (16 - used)) != (int32_t(k[e]) >> (16 - used));
        CHECK(wrong == 0);
      }
      size_t wrong = 0;
      for (size_t e = 0; e < k.size(); ++e) wrong += int16_t(bits[e]) != k[e];
      CHECK(wrong == 0);
    }
  }

  KPlaneLayout l;
  l.n_planes = 3;
  l.bits[0] = 2;
  l.bits[1] = 2;
  l.bits[2] = 12;
  REQUIRE(l.planes_for_bits(2) == 1);
  REQUIRE(l.planes_for_bits(3) == 2);
  REQUIRE(l.planes_for_bits(4) == 2);
  REQUIRE(l.planes_for_bits(16) == 3);
  REQUIRE(l.shift(0) == 14);
  REQUIRE(l.shift(2) == 0);
}

TEST_CASE("fetch: resident rows are served on chip, bypass and classes counted", "[fetch]") {
  Bench b(small_buffer(4096));
  for (uint32_t i = 0; i < 0x10000; ++i) b.memory.bytes[i] = uint8_t(i * 7);
  std::vector<uint8_t> got;
  double t_miss = 0, t_hit = 0;
  uint64_t miss_stream = 0, hit_stream = 0;
  bool ok = true;
  test::Stimulus stim("stim", [&] {
    t_miss = b.read(0x1000, 256, Traffic::k0, 0, got);
    miss_stream = b.onchip_cycles;
    for (uint32_t i = 0; i < 256; ++i) ok = ok && got[i] == uint8_t(i * 7);
    t_hit = b.read(0x1000 + 64, 128, Traffic::k0, 0, got);  // inside the resident range
    hit_stream = b.onchip_cycles;
    for (uint32_t i = 0; i < 128; ++i) ok = ok && got[i] == uint8_t((i + 64) * 7);
    b.read(0x1000 + 192, 128, Traffic::k0, 0, got);  // half resident: 64 new bytes from memory
    for (uint32_t i = 0; i < 128; ++i) ok = ok && got[i] == uint8_t((i + 192) * 7);
    b.read(0x2000, 64, Traffic::q, -1, got);  // bypass: Q rows never allocate
    b.read(0x2000, 64, Traffic::q, -1, got);
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(ok);
  const FetchStats& s = b.fetch.stats();
  CHECK(s.dram_bytes[size_t(Traffic::k0)] == 256 + 64);
  CHECK(s.sram_bytes[size_t(Traffic::k0)] == 128 + 64);
  CHECK(s.dram_bytes[size_t(Traffic::q)] == 128);
  CHECK(s.dram_transactions == 4);
  CHECK(b.memory.bytes_read == 256 + 64 + 128);
  // A miss costs the memory latency; a hit no delay but streaming cycles for the engine to
  // overlap with its compute (128 B at 64 B/cycle).
  CHECK(t_miss == Approx(40.0 + 256.0 / 16.0));
  CHECK(miss_stream == 0);
  CHECK(t_hit == Approx(0.0));
  CHECK(hit_stream == 2);
}

TEST_CASE("fetch: buffer fills until full keeping what fits, a newer kv head takes its half over", "[fetch]") {
  Bench b(small_buffer(1024));  // two halves of 512 bytes
  std::vector<uint8_t> got;
  test::Stimulus stim("stim", [&] {
    b.read(0x1000, 384, Traffic::v, 0, got);        // fits in half 0
    b.read(0x1000 + 384, 256, Traffic::v, 0, got);  // fills the half: its first 128 bytes kept
    b.read(0x1000, 640, Traffic::v, 0, got);        // first 512 on chip, 128 again from memory
    b.read(0x3000, 128, Traffic::k1, 1, got);       // kv head 1 uses half 1
    b.read(0x4000, 128, Traffic::k1, 2, got);       // kv head 2 clears half 0 (kv head 0's)
    b.read(0x1000, 128, Traffic::v, 0, got);        // late request of kv head 0: bypasses
    // ... and so do the runs of a late gathered request, even of bytes half 0 now holds (for kv head 2).
    std::vector<uint8_t> gathered(128);
    const std::vector<FetchRun> runs = {{0x4000, gathered.data(), 64, true}, {0x4040, gathered.data() + 64, 64, true}};
    sc_time delay;
    fetch_gather(b.port, b.payloads, runs, Traffic::k1, 0, delay);
    b.read(0x3000, 128, Traffic::k1, 1, got);  // kv head 1 still resident
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  const FetchStats& s = b.fetch.stats();
  CHECK(s.dram_bytes[size_t(Traffic::v)] == 384 + 256 + 128 + 128);
  CHECK(s.sram_bytes[size_t(Traffic::v)] == 512);
  CHECK(s.dram_bytes[size_t(Traffic::k1)] == 128 + 128 + 128);
  CHECK(s.sram_bytes[size_t(Traffic::k1)] == 128);
}

TEST_CASE("fetch: a bus error response reaches the requester as BusError", "[fetch]") {
  Bench b(small_buffer(4096));
  std::vector<uint8_t> got;
  bool thrown = false, later_ok = false;
  test::Stimulus stim("stim", [&] {
    try {
      b.read(0x10F00, 512, Traffic::v, 0, got);  // runs past the end of memory
    } catch (const BusError& e) {
      thrown = e.addr == 0x10F00;
    }
    b.read(0x1000, 64, Traffic::v, 0, got);  // the unit keeps working
    later_ok = true;
  });
  sc_core::sc_start();
  CHECK(thrown);
  CHECK(later_ok);
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::v)] == 64);
}

TEST_CASE("fetch: accurate mode waits per transaction, lt mode annotates", "[fetch]") {
  Bench lt(small_buffer(0, TimingMode::lt), "lt");
  Bench acc(small_buffer(0, TimingMode::accurate), "acc");
  sc_time lt_delay, lt_now, acc_delay, acc_now;
  test::Stimulus stim("stim", [&] {
    std::vector<uint8_t> buf(160);
    fetch_transfer(lt.port, lt.payloads, tlm::TLM_READ_COMMAND, 0x1000, buf.data(), 160, Traffic::v, 0, lt_delay);
    lt_now = sc_core::sc_time_stamp();
    fetch_transfer(acc.port, acc.payloads, tlm::TLM_READ_COMMAND, 0x1000, buf.data(), 160, Traffic::v, 0, acc_delay);
    acc_now = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  CHECK(lt_now == sc_core::SC_ZERO_TIME);
  CHECK(lt_delay == sc_time(50, SC_NS));
  CHECK(acc_delay == sc_core::SC_ZERO_TIME);
  CHECK(acc_now == sc_time(50, SC_NS));
  CHECK(lt.fetch.stats().busy_cycles == 50);
}

TEST_CASE("fetch: base-protocol answers for byte enables, streaming width, ignore and foreign requests", "[fetch]") {
  Bench b(small_buffer(4096));
  std::vector<tlm::tlm_response_status> got;
  sc_core::sc_spawn([&] {
    uint8_t data[64] = {};
    auto request = [&](tlm::tlm_command cmd, uint32_t width, const unsigned char* be, bool extension) {
      FetchExtension ext;
      ext.cls = Traffic::q;
      tlm::tlm_generic_payload p;
      p.set_command(cmd);
      p.set_address(0x1000);
      p.set_data_ptr(data);
      p.set_data_length(64);
      p.set_streaming_width(width);
      p.set_byte_enable_ptr(const_cast<unsigned char*>(be));
      p.set_byte_enable_length(be ? 64 : 0);
      p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      if (extension) p.set_extension(&ext);
      sc_time delay;
      b.port->b_transport(p, delay);
      if (extension) p.clear_extension(&ext);
      got.push_back(p.get_response_status());
    };
    static const unsigned char be[64] = {0xFF};
    request(tlm::TLM_READ_COMMAND, 32, nullptr, true);    // streaming width below the length
    request(tlm::TLM_READ_COMMAND, 128, nullptr, true);   // above the length: a plain burst
    request(tlm::TLM_READ_COMMAND, 64, be, true);         // byte enables
    request(tlm::TLM_IGNORE_COMMAND, 64, nullptr, true);  // nothing to do
    request(tlm::TLM_READ_COMMAND, 64, nullptr, false);   // not an engine's request
  });
  sc_core::sc_start();
  REQUIRE(got.size() == 5);
  CHECK(got[0] == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(got[1] == tlm::TLM_OK_RESPONSE);
  CHECK(got[2] == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  CHECK(got[3] == tlm::TLM_OK_RESPONSE);
  CHECK(got[4] == tlm::TLM_GENERIC_ERROR_RESPONSE);
  CHECK(b.memory.reads == 1);  // only the wide-burst read reached memory
}

// Found by energon-fuzz-loop (seed 5, iteration 27180): a K plane whose last byte is 2^64 − 1 passes
// the field checks (it does not pass 2^64); the on-chip buffer computed its end as addr + len, which
// wrapped to 0, found nothing missing and answered the read from its own (stale) bytes: the job
// completed with no error instead of ADDRESS from the bus.
TEST_CASE("fetch: on-chip buffer lookups of a range ending at the top of the address space", "[fetch]") {
  OnChipBuffer buf(4096);
  std::vector<OnChipBuffer::Span> missing;
  const uint64_t top = 0 - uint64_t(256);  // [2^64 − 256, 2^64)
  buf.read(top, 256, nullptr, missing);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].addr == top);
  CHECK(missing[0].len == 256);
  std::vector<uint8_t> bytes(128, 0xA5), got(256, 0);
  buf.fill(top + 64, 128, bytes.data());
  buf.read(top, 256, got.data(), missing);
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].addr == top);
  CHECK(missing[0].len == 64);
  CHECK(missing[1].addr == top + 192);
  CHECK(missing[1].len == 64);
  CHECK(got[64] == 0xA5);
  CHECK(got[191] == 0xA5);
  CHECK(got[63] == 0);
  buf.read(top + 64, 64, got.data(), missing);  // entirely resident, starting inside a chunk
  CHECK(missing.empty());
}

TEST_CASE("fetch: a requester holding the rows skips the copy with the same traffic and cycles", "[fetch]") {
  // Two identical benches; the second reads the resident part with copy_resident = false.
  Bench a(small_buffer(4096), "copy"), b(small_buffer(4096), "nocopy");
  for (Bench* x : {&a, &b})
    for (uint32_t i = 0; i < 0x10000; ++i) x->memory.bytes[i] = uint8_t(i * 5);
  std::vector<uint8_t> got_a(256, 0), got_b(256, 0xEE);
  uint64_t stream_a = 0, stream_b = 0;
  sc_time delay_a, delay_b;
  test::Stimulus stim("stim", [&] {
    sc_time d;
    std::vector<uint8_t> warm(192);
    fetch_transfer(a.port, a.payloads, tlm::TLM_READ_COMMAND, 0x1000, warm.data(), 192, Traffic::v, 0, d);
    fetch_transfer(b.port, b.payloads, tlm::TLM_READ_COMMAND, 0x1000, warm.data(), 192, Traffic::v, 0, d);
    // 192 bytes resident, 64 missing: both read the missing part from memory.
    stream_a = fetch_transfer(a.port, a.payloads, tlm::TLM_READ_COMMAND, 0x1000, got_a.data(), 256, Traffic::v, 0,
                              delay_a, true);
    stream_b = fetch_transfer(b.port, b.payloads, tlm::TLM_READ_COMMAND, 0x1000, got_b.data(), 256, Traffic::v, 0,
                              delay_b, false);
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(stream_a == stream_b);
  CHECK(delay_a == delay_b);
  for (uint32_t i = 0; i < 192; ++i) CHECK(got_b[i] == 0xEE);                         // resident: not copied
  for (uint32_t i = 192; i < 256; ++i) CHECK(got_b[i] == uint8_t((0x1000 + i) * 5));  // missing: from memory
  for (uint32_t i = 0; i < 256; ++i) CHECK(got_a[i] == uint8_t((0x1000 + i) * 5));
  for (size_t c = 0; c < size_t(Traffic::count); ++c) {
    CHECK(a.fetch.stats().dram_bytes[c] == b.fetch.stats().dram_bytes[c]);
    CHECK(a.fetch.stats().sram_bytes[c] == b.fetch.stats().sram_bytes[c]);
  }
  CHECK(a.fetch.stats().busy_cycles == b.fetch.stats().busy_cycles);
}

TEST_CASE("fetch: transactions reuse pooled payloads instead of constructing one each", "[fetch]") {
  Bench b(small_buffer(0));  // no buffer: every request reaches memory
  test::Stimulus stim("stim", [&] {
    std::vector<uint8_t> buf(64);
    for (int i = 0; i < 1000; ++i) {
      sc_time d;
      fetch_transfer(b.port, b.payloads, tlm::TLM_READ_COMMAND, 0x1000 + 64 * (i % 100), buf.data(), 64, Traffic::v, 0,
                     d);
    }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(b.fetch.stats().dram_transactions == 1000);
  CHECK(b.payloads.constructed() == 1);  // one request at a time: one payload, reused 1000 times
}

TEST_CASE("payload pool: a reused payload starts from the default state", "[fetch]") {
  PayloadPool pool;
  unsigned char byte = 0, be = 0xFF;
  tlm::tlm_generic_payload* p = pool.allocate();
  p->set_command(tlm::TLM_WRITE_COMMAND);
  p->set_address(0x1234);
  p->set_data_ptr(&byte);
  p->set_data_length(1);
  p->set_byte_enable_ptr(&be);
  p->set_byte_enable_length(1);
  p->set_streaming_width(1);
  p->set_dmi_allowed(true);
  p->set_response_status(tlm::TLM_OK_RESPONSE);
  p->release();
  tlm::tlm_generic_payload* q = pool.allocate();
  CHECK(q == p);
  CHECK(pool.constructed() == 1);
  CHECK(q->get_ref_count() == 1);
  CHECK(q->get_command() == tlm::TLM_IGNORE_COMMAND);
  CHECK(q->get_address() == 0);
  CHECK(q->get_data_ptr() == nullptr);
  CHECK(q->get_data_length() == 0);
  CHECK(q->get_byte_enable_ptr() == nullptr);
  CHECK(q->get_byte_enable_length() == 0);
  CHECK(q->get_streaming_width() == 0);
  CHECK(!q->is_dmi_allowed());
  CHECK(q->get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE);
  tlm::tlm_generic_payload* r = pool.allocate();  // q is still held: a second payload
  CHECK(r != q);
  CHECK(pool.constructed() == 2);
  q->release();
  r->release();
}

TEST_CASE("fetch: a gathered request equals one request per run in bytes and time", "[fetch]") {
  // Same runs on two benches (a small buffer: some runs hit, some miss, one fills it up).
  Bench a(small_buffer(512), "separate"), b(small_buffer(512), "gathered");
  for (Bench* x : {&a, &b})
    for (uint32_t i = 0; i < 0x10000; ++i) x->memory.bytes[i] = uint8_t(i * 3 + 1);
  const std::vector<std::pair<uint64_t, uint32_t>> spans = {{0x1000, 96},  {0x1100, 32},  {0x1040, 64}, {0x1200, 256},
                                                            {0x1000, 128}, {0x1400, 200}, {0x1100, 64}};
  std::vector<uint8_t> got_a(4096, 0), got_b(4096, 0);
  uint64_t stream_a = 0, stream_b = 0;
  sc_time delay_a, delay_b;
  test::Stimulus stim("stim", [&] {
    uint32_t at = 0;
    std::vector<FetchRun> runs;
    for (const auto& [addr, len] : spans) {
      stream_a += fetch_transfer(a.port, a.payloads, tlm::TLM_READ_COMMAND, addr, got_a.data() + at, len, Traffic::k1,
                                 0, delay_a);
      runs.push_back({addr, got_b.data() + at, len, true});
      at += len;
    }
    stream_b = fetch_gather(b.port, b.payloads, runs, Traffic::k1, 0, delay_b);
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(got_a == got_b);
  // On-chip cycles are the request's, by bank: never more than the runs' one by one.
  CHECK(stream_b <= stream_a);
  CHECK(stream_b > 0);
  CHECK(delay_a == delay_b);
  for (size_t c = 0; c < size_t(Traffic::count); ++c) {
    CHECK(a.fetch.stats().dram_bytes[c] == b.fetch.stats().dram_bytes[c]);
    CHECK(a.fetch.stats().sram_bytes[c] == b.fetch.stats().sram_bytes[c]);
  }
  CHECK(a.fetch.stats().dram_transactions == b.fetch.stats().dram_transactions);
  CHECK(a.fetch.stats().busy_cycles == b.fetch.stats().busy_cycles);
  CHECK(b.fetch.stats().sram_bytes[size_t(Traffic::k1)] > 0);  // the runs did hit the buffer
  CHECK(b.payloads.constructed() == 1);                        // one payload for the whole gather
}

TEST_CASE("fetch: a gathered request stops at the first run answered with an error", "[fetch]") {
  Bench b(small_buffer(4096));
  std::vector<uint8_t> buf(256);
  bool threw = false;
  test::Stimulus stim("stim", [&] {
    const std::vector<FetchRun> runs = {
        {0x1000, buf.data(), 64, true}, {0x20000, buf.data() + 64, 64, true}, {0x1100, buf.data() + 128, 64, true}};
    sc_time d;
    try {
      fetch_gather(b.port, b.payloads, runs, Traffic::v, 0, d);
    } catch (const BusError&) {
      threw = true;
    }
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(threw);
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::v)] == 64);  // the third run was not issued
}

TEST_CASE("fetch: on-chip reads of a gathered request cost the busiest bank's words", "[fetch]") {
  // 64 B/cycle over 8 banks of 8 B words. Eight 8 B rows 16 B apart sit in banks 0, 2, 4, 6, 0, …:
  // 2 words in the busiest bank, 2 cycles for the gathered request (8 as separate requests).
  // Eight rows 64 B apart all sit in bank 0: 8 cycles, a bank conflict.
  Bench b(small_buffer(8192));
  std::vector<uint8_t> got(4096);
  uint64_t spread = 0, conflict = 0, single = 0;
  test::Stimulus stim("stim", [&] {
    sc_time delay;
    fetch_transfer(b.port, b.payloads, tlm::TLM_READ_COMMAND, 0x1000, got.data(), 1024, Traffic::k0, 0, delay);
    std::vector<FetchRun> runs;
    for (uint32_t r = 0; r < 8; ++r) runs.push_back({0x1000 + r * 16, got.data() + r * 8, 8, true});
    spread = fetch_gather(b.port, b.payloads, runs, Traffic::k0, 0, delay);
    runs.clear();
    for (uint32_t r = 0; r < 8; ++r) runs.push_back({0x1000 + r * 64, got.data() + r * 8, 8, true});
    conflict = fetch_gather(b.port, b.payloads, runs, Traffic::k0, 0, delay);
    single = fetch_transfer(b.port, b.payloads, tlm::TLM_READ_COMMAND, 0x1004, got.data(), 8, Traffic::k0, 0, delay);
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(spread == 2);
  CHECK(conflict == 8);
  CHECK(single == 1);  // 8 B across a word boundary: two words in two banks, one cycle
}

TEST_CASE("fetch: the bank counter counts each word once and handles the top of the address space", "[fetch]") {
  SramBankCounter c(64, 8);  // 8 B words
  c.add(0, 64);              // words 0..7: one per bank
  CHECK(c.cycles() == 1);
  c.add(60, 8);  // word 7 again (already read by the previous span) and word 8 (bank 0)
  CHECK(c.cycles() == 2);
  SramBankCounter top(64, 8);
  top.add(UINT64_MAX - 15, 16);  // the last two words of the address space
  CHECK(top.cycles() == 1);
  SramBankCounter bad(64, 0);  // an unchecked config: one bank of 64 B
  bad.add(0, 128);
  CHECK(bad.cycles() == 2);
}

TEST_CASE("fetch: the bank counter matches a word-by-word count on random requests", "[fetch]") {
  // Reference: every word of every span, in a map per bank, a word shared with the previous span
  // counted once; random banks, word sizes (powers of two and not), spans and gaps.
  std::mt19937_64 rng(11);
  const std::pair<uint32_t, uint32_t> shapes[] = {{64, 8}, {64, 1}, {48, 16}, {96, 32}, {4096, 64}, {24, 8}, {64, 0}};
  for (int trial = 0; trial < 400; ++trial) {
    const auto [bytes_per_cycle, banks] = shapes[size_t(trial) % std::size(shapes)];
    const uint32_t real_banks = banks == 0 ? 1 : banks, word = banks == 0 ? bytes_per_cycle : bytes_per_cycle / banks;
    SramBankCounter c(bytes_per_cycle, banks);
    std::vector<uint64_t> per_bank(real_banks, 0);
    uint64_t addr = rng() % 100000, last = ~uint64_t(0);
    for (int span = 0, spans = 1 + int(rng() % 12); span < spans; ++span) {
      const uint32_t len = 1 + uint32_t(rng() % (rng() % 2 ? 16 : 3000));
      for (uint64_t w = addr / word; w <= (addr + len - 1) / word; ++w)
        if (w != last) ++per_bank[w % real_banks], last = w;
      c.add(addr, len);
      REQUIRE(c.cycles() == *std::max_element(per_bank.begin(), per_bank.end()));
      // Ascending spans: the next one starts at the last byte of this one (a shared word) or later.
      addr += len - 1 + (rng() % 3 == 0 ? 0 : rng() % 200);
    }
  }
}

TEST_CASE("fetch: the filter planes keep their reserve of each half", "[fetch]") {
  // Halves of 512 B, 256 B reserved for planes [0, 1): V may fill only 256 B, plane 0 the rest.
  Bench b(small_buffer(1024));
  b.fetch.set_filter_reserve(1, 256);
  std::vector<uint8_t> got;
  test::Stimulus stim("stim", [&] {
    b.read(0x1000, 384, Traffic::v, 0, got);   // 256 kept, the reserve stays free
    b.read(0x2000, 256, Traffic::k0, 0, got);  // plane 0 takes the reserve
    b.read(0x1000, 384, Traffic::v, 0, got);   // 256 on chip, 128 from memory again
    b.read(0x2000, 256, Traffic::k0, 0, got);  // all on chip
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  const FetchStats& s = b.fetch.stats();
  CHECK(s.dram_bytes[size_t(Traffic::v)] == 384 + 128);
  CHECK(s.sram_bytes[size_t(Traffic::v)] == 256);
  CHECK(s.dram_bytes[size_t(Traffic::k0)] == 256);
  CHECK(s.sram_bytes[size_t(Traffic::k0)] == 256);
}

TEST_CASE("fetch: accurate mode runs decoupled requests on its DMA workers, an overlapping read waits for the fill",
          "[fetch]") {
  Bench b(small_buffer(4096, TimingMode::accurate), "acc");
  std::vector<uint8_t> pattern(160);
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = uint8_t(i * 13 + 1);
  b.memory.store(0x1000, pattern.data(), pattern.size());
  sc_time prefetch_delay, prefetch_now, read_done, write_now, drained;
  size_t pending_after_prefetch = 0;
  std::vector<uint8_t> scratch(160), got(160), out(64, 0x5A), written(64);
  test::Stimulus stim("stim", [&] {
    // The prefetch DMA returns at once; its bytes are already in the buffer.
    const std::vector<FetchRun> runs{{0x1000, scratch.data(), 160}};
    fetch_gather(b.port, b.payloads, runs, Traffic::v, 0, prefetch_delay, true, true);
    prefetch_now = sc_core::sc_time_stamp();
    pending_after_prefetch = b.fetch.dma_pending();
    // The engine's own read of those rows waits for the fill (40 + 160 / 16 = 50 ns), then hits.
    sc_time d;
    fetch_transfer(b.port, b.payloads, tlm::TLM_READ_COMMAND, 0x1000, got.data(), 160, Traffic::v, 0, d);
    read_done = sc_core::sc_time_stamp() + d;
    // A decoupled write returns at once with its bytes in memory; the drain waits for its timed
    // transfer (40 + 64 / 16 = 44 ns).
    sc_time wd;
    fetch_transfer(b.port, b.payloads, tlm::TLM_WRITE_COMMAND, 0x3000, out.data(), 64, Traffic::out, -1, wd, true,
                   true);
    write_now = sc_core::sc_time_stamp() + wd;
    b.memory.load(0x3000, written.data(), 64);
    out.assign(64, 0);  // the requester may reuse its buffer at once
    b.fetch.drain();
    drained = sc_core::sc_time_stamp();
  });
  sc_core::sc_start();
  CHECK(prefetch_now == sc_core::SC_ZERO_TIME);
  CHECK(prefetch_delay == sc_core::SC_ZERO_TIME);
  CHECK(pending_after_prefetch == 1);
  CHECK(scratch == pattern);
  CHECK(read_done == sc_time(50, SC_NS));
  CHECK(got == pattern);
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::v)] == 160);  // not fetched again
  CHECK(b.fetch.stats().sram_bytes[size_t(Traffic::v)] == 160);
  CHECK(write_now == sc_time(50, SC_NS));
  CHECK(written == std::vector<uint8_t>(64, 0x5A));
  CHECK(drained == sc_time(94, SC_NS));
  CHECK(b.fetch.dma_pending() == 0);
  CHECK(b.memory.reads == 1);   // the timed transfers: the fill
  CHECK(b.memory.writes == 1);  // and the write, with the bytes it had when posted
  std::vector<uint8_t> after(64);
  b.memory.load(0x3000, after.data(), 64);
  CHECK(after == std::vector<uint8_t>(64, 0x5A));
  CHECK(b.fetch.stats().busy_cycles == 94);
}

TEST_CASE("fetch: accurate mode posts an engine's gathered read with a completion handle, joining fills in flight",
          "[fetch]") {
  Bench b(small_buffer(4096, TimingMode::accurate), "acc");
  std::vector<uint8_t> pattern(0x3000);
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = uint8_t(i * 7 + 3);
  b.memory.store(0x1000, pattern.data(), pattern.size());
  std::vector<uint8_t> scratch(160), a(64), c(64), e(32);
  sc_time returned_now, returned_delay, settled_at, done;
  unsigned pending = 0;
  FetchCompletion completion;
  test::Stimulus stim("stim", [&] {
    sc_time prefetch_delay;  // a fill of 0x1000..0x10a0 in flight until 40 + 160 / 16 = 50 ns
    fetch_gather(b.port, b.payloads, {{0x1000, scratch.data(), 160}}, Traffic::v, 0, prefetch_delay, true, true);
    // Issued at 10 ns: the first run overlaps the fill (joined, not fetched again), the other two
    // go to memory at once: 10 + 40 + 64 / 16 = 54 ns and 10 + 40 + 32 / 16 = 52 ns.
    const std::vector<FetchRun> runs{{0x1000, a.data(), 64}, {0x2000, c.data(), 64}, {0x3000, e.data(), 32}};
    sc_time delay(10, SC_NS);
    fetch_gather(b.port, b.payloads, runs, Traffic::v, 0, delay, true, false, &completion);
    returned_now = sc_core::sc_time_stamp();
    returned_delay = delay;
    pending = completion.pending;
    done = completion.wait();
    settled_at = sc_core::sc_time_stamp();
    b.fetch.drain();
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(returned_now == sc_core::SC_ZERO_TIME);  // the engine's thread goes on
  CHECK(returned_delay == sc_time(10, SC_NS));
  CHECK(pending == 3);  // two DMAs and the fill
  CHECK(done == sc_time(54, SC_NS));
  CHECK(settled_at == sc_time(54, SC_NS));
  CHECK(a == std::vector<uint8_t>(pattern.begin(), pattern.begin() + 64));
  CHECK(c == std::vector<uint8_t>(pattern.begin() + 0x1000, pattern.begin() + 0x1040));
  CHECK(e == std::vector<uint8_t>(pattern.begin() + 0x2000, pattern.begin() + 0x2020));
  CHECK(b.fetch.stats().dram_bytes[size_t(Traffic::v)] == 160 + 64 + 32);
  CHECK(b.memory.reads == 3);  // the fill and the two posted reads
}

TEST_CASE("fetch: loosely-timed mode ignores a completion handle and annotates the gathered read", "[fetch]") {
  Bench b(small_buffer(4096), "lt");
  std::vector<uint8_t> a(64), c(64);
  sc_time delay;
  FetchCompletion completion;
  test::Stimulus stim("stim", [&] {
    const std::vector<FetchRun> runs{{0x1000, a.data(), 64}, {0x2000, c.data(), 64}};
    fetch_gather(b.port, b.payloads, runs, Traffic::v, 0, delay, true, false, &completion);
  });
  sc_core::sc_start();
  REQUIRE(stim.finished);
  CHECK(completion.pending == 0);
  CHECK(delay == sc_time(2 * (40 + 4), SC_NS));  // the runs one after the other, as before
}
