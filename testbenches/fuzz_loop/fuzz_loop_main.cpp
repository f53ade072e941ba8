// energon-fuzz-loop: random descriptors and random register programming through the whole
// platform (docs/hardening.md). Each iteration takes a valid random job and either submits it
// intact, submits a mutated copy of its 256-byte descriptor (or of its scale table), or programs
// the registers in a random bad or racy way. The expected outcome comes from an independent
// reading of docs/register-map.md (fuzz_common.cpp), never from the controller's code:
//  - a descriptor that must fail ends with that error code in the result block and STATUS, DONE and
//    ERROR in IRQ_STATUS and a rising edge on the interrupt line; the next good job is bit-exact;
//  - a mutated descriptor that is still valid completes and equals the golden model run on what
//    it points at in DRAM, bit for bit, with the same kept counts;
//  - refused register accesses answer the documented TLM error and change no register.
// Every wait is bounded in simulated time and a watchdog bounds each iteration in wall time.
#include <systemc>

#include <chrono>
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "energon/hw/energon_desc_codec.h"
#include "energon/hw/log.h"
#include "energon/platform/address_map.h"
#include "energon/platform/platform.h"
#include "energon/platform/platform_config.h"
#include "fuzz_common.h"
#include "irq_monitor.h"

using namespace energon;
using namespace energon::fuzz;

namespace {

constexpr const char* kProgram = "energon-fuzz-loop";
constexpr uint32_t kRingEntries = 4;
constexpr uint32_t kWaitUs = 200000;           // simulated µs one energon_wait may sleep between interrupts
constexpr uint64_t kWorkBudget = 1ull << 20;   // heads·n_q·n_k·d of a mutated job that reaches the datapath
constexpr uint64_t kBytesBudget = 2ull << 20;  // bytes of its buffers
const JobBounds kJobBounds{4, 16, 32};
const JobBounds kRecoveryBounds{2, 8, 16};

enum class Mut { bitflip, byteset, field, reserved, magic, planes, address, rules, policy, scale, multi, count };
const char* const kMutName[] = {"bitflip", "byteset", "field",  "reserved", "magic", "planes",
                                "address", "rules",   "policy", "scale",    "multi"};

enum class Reg {
  hole,
  misaligned,
  odd_size,
  byte_enable,
  streaming,
  ro_write,
  doorbell_tail,
  doorbell_size,
  ring_misaligned,
  ring_unmapped,
  busy_benign,
  busy_reset,
  busy_disable,
  rw_write,
  count
};
const char* const kRegName[] = {
    "reg_hole",        "reg_misaligned",    "reg_odd_size",      "reg_byte_enable",     "reg_streaming",
    "reg_ro_write",    "reg_doorbell_tail", "reg_doorbell_size", "reg_ring_misaligned", "reg_ring_unmapped",
    "reg_busy_benign", "reg_busy_reset",    "reg_busy_disable",  "reg_rw_write"};

struct RegInfo {
  uint32_t offset;
  const char* name;
  bool ro;
};
#define FUZZ_REG_INFO(name, off, acc, rst, desc) {off, #name, std::strcmp(#acc, "RO") == 0},
const RegInfo kRegs[] = {ENERGON_REGISTERS(FUZZ_REG_INFO)};
#undef FUZZ_REG_INFO

bool is_register(uint32_t off) {
  for (const RegInfo& r : kRegs)
    if (r.offset == off) return true;
  return false;
}

uint64_t uni(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}
template <typename T, size_t N>
T pick(std::mt19937_64& rng, const T (&v)[N]) {
  return v[uni(rng, 0, N - 1)];
}

const char* response_name(tlm::tlm_response_status s) {
  switch (s) {
    case tlm::TLM_OK_RESPONSE:
      return "OK";
    case tlm::TLM_INCOMPLETE_RESPONSE:
      return "INCOMPLETE";
    case tlm::TLM_GENERIC_ERROR_RESPONSE:
      return "GENERIC_ERROR";
    case tlm::TLM_ADDRESS_ERROR_RESPONSE:
      return "ADDRESS_ERROR";
    case tlm::TLM_COMMAND_ERROR_RESPONSE:
      return "COMMAND_ERROR";
    case tlm::TLM_BURST_ERROR_RESPONSE:
      return "BURST_ERROR";
    case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE:
      return "BYTE_ENABLE_ERROR";
  }
  return "?";
}

class Fuzzer {
 public:
  Fuzzer(platform::Platform& top, RawBus& raw, IrqMonitor& irq, const Options& o, Watchdog& wd)
      : top_(top), cpu_(top.cpu), raw_(raw), irq_(irq), opt_(o), wd_(wd) {
    map_.dram_end = top.dram_window();
    map_.regs_base = platform::kAccelRegBase;
  }

  void run();
  bool failed() const { return failed_; }
  const std::string& failure() const { return failure_; }
  uint64_t iterations() const { return iterations_; }
  uint64_t jobs() const { return jobs_; }
  const Counts& classes() const { return classes_; }
  const Counts& errors() const { return errors_; }
  const Counts& outcomes() const { return outcomes_; }
  const Counts& responses() const { return responses_; }

 private:
  struct Outcome {
    int submit_rc = -100, wait_rc = -100;
    energon_wait_info_t info{};
    energon_result_t result{};
    uint32_t index = 0;
    uint64_t rises = 0;
    std::vector<int16_t> out;
    std::vector<uint8_t> importance;  ///< flag IMPORTANCE: the table the job wrote
  };

  uint32_t rd(uint32_t off) { return cpu_.read32(platform::kAccelRegBase + off); }
  void wr(uint32_t off, uint32_t v) { cpu_.write32(platform::kAccelRegBase + off, v); }
  bool fail(const std::string& m) {
    if (!failed_) {
      failed_ = true;
      failure_ = m;
    }
    return false;
  }
  bool bring_up();
  Outcome submit(const energon_desc_t* descs, uint32_t count, bool read_out);
  bool check_good(const char* what, const energon_desc_t& d, const Outcome& o, const GoldenResult& g);
  bool recovery_job(std::mt19937_64& rng, const char* after);
  bool descriptor_iteration(std::mt19937_64& rng, bool intact);
  /// Writes `d` into the ring entry energon_submit will use, as it will (result block cleared): the
  /// oracle must see what the hardware reads, and a mutated buffer may lie on the ring.
  void stage_in_ring(const energon_desc_t& d);
  void mutate(Mut m, uint8_t* b, std::mt19937_64& rng, const Placed& p);
  bool register_iteration(std::mt19937_64& rng);
  bool snapshot(std::vector<uint32_t>& v);
  bool raw_refused(std::mt19937_64& rng, Reg kind);
  bool queue_error_expected(const char* what, uint32_t jobs_before, uint32_t head_before);
  bool drain(uint32_t max_polls);

  platform::Platform& top_;
  platform::HostCpu& cpu_;
  RawBus& raw_;
  IrqMonitor& irq_;
  Options opt_;
  Watchdog& wd_;
  MemoryMap map_;
  energon_dev_t dev_{};
  uint64_t ring_ = 0, arena_ = 0;
  uint64_t iterations_ = 0, jobs_ = 0;
  Counts classes_, errors_, outcomes_, responses_;
  bool failed_ = false;
  std::string failure_;
  std::string context_;  // what the current iteration did, for the failure message
};

bool Fuzzer::bring_up() {
  int rc = energon_init(&dev_, cpu_.hal(), platform::kAccelRegBase);
  if (rc == ENERGON_FW_OK) rc = energon_probe(&dev_);
  if (rc == ENERGON_FW_OK) rc = energon_queue_setup(&dev_, ring_, kRingEntries);
  if (rc != ENERGON_FW_OK) return fail(std::string("driver bring-up failed: ") + energon_error_name(rc));
  return true;
}

Fuzzer::Outcome Fuzzer::submit(const energon_desc_t* descs, uint32_t count, bool read_out) {
  Outcome o;
  const uint64_t rises = irq_.rises;
  o.submit_rc = energon_submit(&dev_, descs, count, &o.index);
  if (o.submit_rc != ENERGON_FW_OK) return o;
  jobs_ += count;
  wd_.set_phase("waiting for a job");
  o.wait_rc = energon_wait(&dev_, kWaitUs, &o.info);
  wd_.set_phase("checking");
  cpu_.sync();
  o.rises = irq_.rises - rises;
  energon_read_result(&dev_, o.index, &o.result);
  if (read_out && o.wait_rc == ENERGON_FW_OK && o.result.error == ENERGON_ERR_NONE) {
    const energon_desc_t& d = descs[0];
    o.out.resize(size_t(d.heads) * d.n_q * d.d);
    if (!cpu_.read_mem(d.out_addr, o.out.data(), o.out.size() * 2)) o.out.clear();
    if (d.flags & ENERGON_DESC_FLAG_IMPORTANCE) {
      o.importance.resize(ENERGON_IMPORTANCE_BYTES(d.heads, d.n_k));
      if (!cpu_.read_mem(d.importance_addr, o.importance.data(), o.importance.size())) o.importance.clear();
    }
  }
  return o;
}

bool Fuzzer::check_good(const char* what, const energon_desc_t& d, const Outcome& o, const GoldenResult& g) {
  std::ostringstream e;
  if (o.submit_rc != ENERGON_FW_OK)
    e << "energon_submit: " << energon_error_name(o.submit_rc);
  else if (o.wait_rc != ENERGON_FW_OK)
    e << "energon_wait: " << energon_error_name(o.wait_rc) << " (STATUS.ERR_CODE "
      << error_name(uint8_t(o.info.last_error)) << ", result error " << error_name(uint8_t(o.result.error)) << ")";
  else if (!(o.info.irq_causes & ENERGON_IRQ_DONE) || (o.info.irq_causes & ENERGON_IRQ_ERROR))
    e << "interrupt causes " << o.info.irq_causes << ", expected DONE only";
  else if (o.rises == 0)
    e << "the interrupt line never rose";
  else {
    const std::string diff = compare_with_golden(d, o.result, o.out, g, o.importance.empty() ? nullptr : &o.importance);
    if (!diff.empty()) e << diff;
  }
  if (e.str().empty()) return true;
  return fail(std::string(what) + ": a valid job did not complete bit-exact: " + e.str());
}

bool Fuzzer::recovery_job(std::mt19937_64& rng, const char* after) {
  const JobSpec js = random_job(rng, kRecoveryBounds);
  const Placed p = place(cpu_, js);
  if (p.rc != ENERGON_FW_OK) return fail(std::string("placing a job: ") + energon_error_name(p.rc));
  const Outcome o = submit(&p.desc, 1, true);
  ++outcomes_["recovery job bit-exact"];
  return check_good((std::string("the good job after ") + after).c_str(), p.desc, o, golden_of(js));
}

void Fuzzer::mutate(Mut m, uint8_t* b, std::mt19937_64& rng, const Placed& p) {
  energon_desc_t d;
  energon_desc_decode(b, &d);
  auto put = [&](size_t off, uint64_t v, unsigned bytes) { energon_le_put(b + off, v, bytes); };
  auto set = [&](size_t off, size_t bytes, uint64_t v) { energon_le_put(b + off, v, unsigned(bytes)); };
#define F(field) offsetof(energon_desc_t, field), sizeof(((energon_desc_t*)nullptr)->field)
  switch (m) {
    case Mut::bitflip:
      for (uint64_t n = uni(rng, 1, 3); n > 0; --n)
        b[uni(rng, 0, ENERGON_RESULT_OFFSET - 1)] ^= uint8_t(1u << uni(rng, 0, 7));
      break;
    case Mut::byteset: {
      const uint8_t values[] = {0x00, 0xFF, 0x80, 0x7F, 0x01, uint8_t(uni(rng, 0, 255))};
      for (uint64_t n = uni(rng, 1, 2); n > 0; --n) b[uni(rng, 0, ENERGON_RESULT_OFFSET - 1)] = pick(rng, values);
      break;
    }
    case Mut::field: {
      switch (uni(rng, 0, 10)) {
        case 0: {
          const uint64_t v[] = {0, 1, 2, 3, d.heads + 1u, d.heads * 2u, 65535};
          set(F(heads), pick(rng, v));
          break;
        }
        case 1: {
          const uint64_t v[] = {0, 1, 3, d.heads, d.heads + 1u, 65535};
          set(F(kv_heads), pick(rng, v));
          break;
        }
        case 2: {
          const uint64_t v[] = {0, 1, d.n_q + 1u, d.n_q - 1u, 65536, 65537, 0xFFFFFFFF};
          set(F(n_q), pick(rng, v));
          break;
        }
        case 3: {
          const uint64_t v[] = {0, 1, d.valid_len - 1u, d.n_k + 1u, 65536, 65537, 0xFFFFFFFF};
          set(F(n_k), pick(rng, v));
          break;
        }
        case 4: {
          const uint64_t v[] = {0, 1, d.n_k, d.n_k + 1u, 65537, 0xFFFFFFFF};
          set(F(valid_len), pick(rng, v));
          break;
        }
        case 5: {
          const uint64_t v[] = {0, 7, 8, 9, 16, 255, 256, 257, 264, 65535, d.d + 8u, d.d - 8u};
          set(F(d), pick(rng, v));
          break;
        }
        case 6: {
          const uint64_t v[] = {0, 1, 2, 3, 4, 5, 0xFF};
          set(F(policy), pick(rng, v));
          break;
        }
        case 7: {
          const uint64_t v[] = {0, 1, 2, 0x80, 0xFF};
          set(F(flags), pick(rng, v));
          break;
        }
        case 8: {
          const uint64_t v[] = {0, 1, 4, 5, 0xFF, d.n_rounds + 1u, d.n_rounds - 1u};
          set(F(n_rounds), pick(rng, v));
          break;
        }
        case 9: {
          const uint64_t v[] = {0, 1, 4, 5, 0xFF};
          set(F(n_planes), pick(rng, v));
          break;
        }
        default: {
          const uint64_t v[] = {0, 1, 8, 15, 16, 17, 0xFF};
          b[offsetof(energon_desc_t, plane_bits) + uni(rng, 0, 3)] = uint8_t(pick(rng, v));
        }
      }
      break;
    }
    case Mut::reserved:
      switch (uni(rng, 0, 3)) {
        case 0:
          set(F(flags), d.flags | (1u << uni(rng, 1, 7)));
          break;
        case 1:
          set(F(reserved0), uni(rng, 1, 0xFFFF));
          break;
        case 2:
          b[offsetof(energon_desc_t, round) + 16 * uni(rng, 0, 3) + 3] = uint8_t(uni(rng, 1, 255));
          break;
        default:
          b[offsetof(energon_desc_t, topk) + 3] = uint8_t(uni(rng, 1, 255));
      }
      break;
    case Mut::magic: {
      const uint64_t v[] = {d.magic ^ (1u << uni(rng, 0, 31)), uni(rng, 0, 0xFFFFFFFF), __builtin_bswap32(d.magic), 0};
      set(F(magic), pick(rng, v));
      break;
    }
    case Mut::planes:
      switch (uni(rng, 0, 3)) {
        case 0: {
          const uint64_t v[] = {0, 1, 2, 3, 4, 5, 255};
          set(F(n_planes), pick(rng, v));
          break;
        }
        case 1: {
          const uint8_t v[] = {0, 1, 2, 4, 8, 12, 15, 16, 17, 255};
          b[offsetof(energon_desc_t, plane_bits) + uni(rng, 0, 3)] = pick(rng, v);
          break;
        }
        case 2:  // the same widths in reverse order
          for (unsigned i = 0, j = d.n_planes ? d.n_planes - 1u : 0u; i < j && j < 4; ++i, --j)
            std::swap(b[offsetof(energon_desc_t, plane_bits) + i], b[offsetof(energon_desc_t, plane_bits) + j]);
          break;
        default: {  // a random layout covering 16 bits
          const unsigned n = unsigned(uni(rng, 1, 4));
          unsigned left = 16;
          for (unsigned i = 0; i < 4; ++i) {
            const unsigned w = i + 1 == n ? left : i < n ? unsigned(uni(rng, 1, left - (n - 1 - i))) : 0;
            b[offsetof(energon_desc_t, plane_bits) + i] = uint8_t(w);
            left -= w;
          }
          set(F(n_planes), n);
        }
      }
      break;
    case Mut::address: {
      const size_t fields[] = {offsetof(energon_desc_t, q_addr),
                               offsetof(energon_desc_t, k_plane_addr),
                               offsetof(energon_desc_t, k_plane_addr) + 8,
                               offsetof(energon_desc_t, k_plane_addr) + 16,
                               offsetof(energon_desc_t, k_plane_addr) + 24,
                               offsetof(energon_desc_t, v_addr),
                               offsetof(energon_desc_t, scale_addr),
                               offsetof(energon_desc_t, out_addr)};
      const size_t at = pick(rng, fields);
      const uint64_t cur = energon_le_get(b + at, 8);
      const uint64_t others[] = {p.desc.q_addr, p.desc.k_plane_addr[0], p.desc.v_addr, p.desc.scale_addr,
                                 p.desc.out_addr};
      uint64_t v = cur;
      switch (uni(rng, 0, 10)) {
        case 0:
          v = cur + uni(rng, 1, 63);
          break;  // misaligned
        case 1:
          v = (uni(rng, map_.dram_end, map_.regs_base - 0x100000) & ~63ull);
          break;  // unmapped hole
        case 2:
          v = (uni(rng, 0xF0001000ull, 1ull << 40) & ~63ull);
          break;  // above the registers
        case 3:
          v = 0 - 64 * uni(rng, 1, 8);
          break;  // wraps past 2^64
        case 4:
          v = map_.dram_end - 64 * uni(rng, 1, 4);
          break;  // straddles DRAM's end
        case 5:
          v = map_.regs_base + 64 * uni(rng, 0, 63);
          break;  // the register block
        case 6:
          v = pick(rng, others) + 64 * (int64_t(uni(rng, 0, 4)) - 2);
          break;  // near another buffer
        case 7:
          v = ring_ + 64 * uni(rng, 0, kRingEntries * 4 - 1);
          break;  // into the ring
        case 8:
          v = uni(rng, 0, std::numeric_limits<uint64_t>::max());
          break;  // anything
        case 9:
          v = 0;
          break;  // address 0 (DRAM)
        default:
          v = cur + 64 * (int64_t(uni(rng, 0, 8)) - 4);  // a little off
      }
      if (uni(rng, 0, 3) == 0) {  // the output onto something
        v = pick(rng, others) + 64 * uni(rng, 0, 2);
        put(offsetof(energon_desc_t, out_addr), v, 8);
      } else {
        put(at, v, 8);
      }
      break;
    }
    case Mut::rules: {
      const unsigned r = unsigned(uni(rng, 0, 4));  // 4: the top-k rule
      const size_t base = r < 4 ? offsetof(energon_desc_t, round) + 16 * r : offsetof(energon_desc_t, topk);
      switch (uni(rng, 0, 6)) {
        case 0: {
          const uint8_t v[] = {0, 1, 2, 0xFF};
          b[base + 0] = pick(rng, v);
          break;
        }
        case 1: {
          const uint8_t v[] = {0, 1, 8, 9, 0xFF};
          b[base + 1] = pick(rng, v);
          break;
        }
        case 2: {
          const uint8_t v[] = {0, 1, 2, 4, 8, 9, 0xFF};
          b[base + 2] = pick(rng, v);
          break;
        }
        case 3: {
          const uint64_t v[] = {uint32_t(-257), uint32_t(-256), 256, 257, 0x80000000u, 0x7FFFFFFFu, 0};
          put(base + 4, pick(rng, v), 4);
          break;
        }
        case 4: {
          const uint64_t v[] = {0, 1, d.n_k, d.n_k + 1u, 0xFFFFFFFF};
          put(base + 8, pick(rng, v), 4);
          break;
        }
        case 5: {
          const uint64_t v[] = {0, 1, 999999, 1000000, 1000001, 0xFFFFFFFF};
          put(base + 12, pick(rng, v), 4);
          break;
        }
        default:  // k and fraction both 0
          put(base + 8, 0, 4);
          put(base + 12, 0, 4);
      }
      break;
    }
    case Mut::policy: {
      const uint64_t v[] = {0, 1, 2, 3, 4, 5, 0x80, 0xFF};
      set(F(policy), pick(rng, v));
      break;
    }
    case Mut::multi:
      for (uint64_t n = uni(rng, 2, 4); n > 0; --n) mutate(Mut(uni(rng, 0, unsigned(Mut::scale) - 1)), b, rng, p);
      break;
    case Mut::scale:
    case Mut::count:
      break;
  }
#undef F
}

void Fuzzer::stage_in_ring(const energon_desc_t& d) {
  uint8_t b[ENERGON_DESC_BYTES];
  energon_desc_encode(&d, b);
  std::memset(b + ENERGON_RESULT_OFFSET, 0, ENERGON_RESULT_BYTES);
  if (!cpu_.write_mem(ring_ + uint64_t(dev_.tail) * ENERGON_DESC_BYTES, b, sizeof b))
    throw std::runtime_error("staging a descriptor in the ring");
}

bool Fuzzer::descriptor_iteration(std::mt19937_64& rng, bool intact) {
  const JobSpec js = random_job(rng, kJobBounds);
  const Placed p = place(cpu_, js);
  if (p.rc != ENERGON_FW_OK) return fail(std::string("placing a job: ") + energon_error_name(p.rc));
  uint8_t orig[ENERGON_DESC_BYTES];
  energon_desc_encode(&p.desc, orig);
  uint8_t bytes[ENERGON_DESC_BYTES];
  std::memcpy(bytes, orig, sizeof bytes);
  const uint64_t ring_bytes = uint64_t(kRingEntries) * ENERGON_DESC_BYTES;
  std::string cls = "intact";
  energon_desc_t d = p.desc;
  Expectation e;
  if (!intact) {
    Mut m = Mut(uni(rng, 0, unsigned(Mut::count) - 1));
    cls = kMutName[unsigned(m)];
    if (m == Mut::scale) {  // a bad (or extreme but valid) number in the scale table, the descriptor intact
      const float values[] = {std::numeric_limits<float>::quiet_NaN(),
                              -std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              0.0f,
                              -0.0f,
                              -1.0f,
                              -std::numeric_limits<float>::min(),
                              std::numeric_limits<float>::denorm_min(),
                              std::numeric_limits<float>::max(),
                              std::numeric_limits<float>::min(),
                              1e-30f};
      const uint64_t index = uni(rng, 0, uint64_t(js.shape.heads) + js.shape.kv_heads - 1);
      const float x = pick(rng, values);
      if (!cpu_.write_mem(p.desc.scale_addr + 4 * index, &x, 4)) return fail("writing the scale table");
      context_ += "scale[" + std::to_string(index) + "] = " + std::to_string(x) + "; ";
      stage_in_ring(d);
      e = expect(cpu_, map_, d, ring_, ring_bytes);
    } else {
      bool settled = false;
      for (int attempt = 0; attempt < 40 && !settled; ++attempt) {
        std::memcpy(bytes, orig, sizeof bytes);
        mutate(m, bytes, rng, p);
        energon_desc_decode(bytes, &d);
        stage_in_ring(d);
        e = expect(cpu_, map_, d, ring_, ring_bytes);
        const bool too_big = e.work > kWorkBudget || e.bytes > kBytesBudget;
        settled = !e.ambiguous && !too_big;
        if (!settled) ++outcomes_[e.ambiguous ? "redrawn: ambiguous" : "redrawn: over budget"];
      }
      if (!settled) {  // give up on this class for the iteration: submit intact
        std::memcpy(bytes, orig, sizeof bytes);
        d = p.desc;
        stage_in_ring(d);
        e = expect(cpu_, map_, d, ring_, ring_bytes);
        cls = "intact";
      }
    }
  } else {
    stage_in_ring(d);
    e = expect(cpu_, map_, d, ring_, ring_bytes);
  }
  const uint32_t pruning = offsetof(energon_desc_t, prune_mask_addr);  // the fields after the result block
  const bool changed = std::memcmp(bytes, orig, ENERGON_RESULT_OFFSET) != 0 ||
                       std::memcmp(bytes + pruning, orig + pruning, ENERGON_DESC_BYTES - pruning) != 0 ||
                       cls == "scale";
  ++classes_[cls + (e.error == ENERGON_ERR_NONE ? " (valid)" : " (error)")];
  context_ += "class " + cls + ", job " + std::to_string(js.shape.heads) + "x" + std::to_string(js.shape.kv_heads) +
              " heads, n_q " + std::to_string(js.shape.n_q) + ", n_k " + std::to_string(js.shape.n_k) + ", d " +
              std::to_string(js.shape.d) + ", " + to_string(js.filter.policy) + ", data " + js.data_kind +
              "; expected " + error_name(e.error) + " (" + e.why + ")\ndescriptor as submitted:\n" +
              hex_dump(bytes, ENERGON_RESULT_OFFSET) + "\n";
  if (cls == "intact" && e.error != ENERGON_ERR_NONE)
    return fail("the oracle refuses a job random_job() built: " + std::string(error_name(e.error)) + " " + e.why);

  if (e.error == ENERGON_ERR_NONE) {
    const GoldenResult g = changed ? golden_from_memory(cpu_, d) : golden_of(js);
    const Outcome o = submit(&d, 1, true);
    ++outcomes_[changed ? "mutated but valid: bit-exact" : "intact: bit-exact"];
    return check_good(cls.c_str(), d, o, g);
  }
  const Outcome o = submit(&d, 1, false);
  std::ostringstream err;
  if (o.submit_rc != ENERGON_FW_OK)
    err << "energon_submit: " << energon_error_name(o.submit_rc);
  else if (o.wait_rc != ENERGON_FW_EJOB)
    err << "energon_wait returned " << energon_error_name(o.wait_rc) << ", expected EJOB (result done " << o.result.done
        << ", error " << error_name(uint8_t(o.result.error)) << ")";
  else if (!o.result.done || o.result.error != e.error)
    err << "result block: done " << o.result.done << ", error " << error_name(uint8_t(o.result.error));
  else if (o.info.last_error != e.error)
    err << "STATUS.ERR_CODE " << error_name(uint8_t(o.info.last_error));
  else if (o.info.err_desc != o.index)
    err << "ERR_DESC " << o.info.err_desc << ", expected " << o.index;
  else if ((o.info.irq_causes & (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR)) != (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR))
    err << "IRQ causes " << o.info.irq_causes << ", expected DONE | ERROR";
  else if (o.rises == 0)
    err << "the interrupt line never rose";
  if (!err.str().empty())
    return fail("a descriptor that must fail with " + std::string(error_name(e.error)) + " did not: " + err.str());
  ++errors_[error_name(uint8_t(o.result.error))];
  ++outcomes_["refused as expected"];
  return recovery_job(rng, ("a refused " + cls + " descriptor").c_str());
}

bool Fuzzer::snapshot(std::vector<uint32_t>& v) {
  v.clear();
  for (const RegInfo& r : kRegs) {
    uint32_t x = 0;
    if (r.offset == ENERGON_REG_PERF_CYCLES_LO || r.offset == ENERGON_REG_PERF_CYCLES_HI)
      x = 0;  // live clock
    else if (!raw_.debug_read32(platform::kAccelRegBase + r.offset, x))
      return fail(std::string("debug read of ") + r.name);
    v.push_back(x);
  }
  return true;
}

// An access the register block must refuse: the documented response, and no register changes.
bool Fuzzer::raw_refused(std::mt19937_64& rng, Reg kind) {
  const uint64_t base = platform::kAccelRegBase;
  uint8_t data[64];
  for (auto& x : data) x = uint8_t(uni(rng, 0, 255));
  const tlm::tlm_command cmd = uni(rng, 0, 1) ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND;
  uint64_t addr = 0;
  uint32_t len = 4, sw = 0;
  const uint8_t* be = nullptr;
  uint8_t be_bytes[4] = {0xFF, 0xFF, 0xFF, 0xFF};
  tlm::tlm_response_status want = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  const RegInfo& reg = kRegs[uni(rng, 0, std::size(kRegs) - 1)];
  switch (kind) {
    case Reg::hole: {
      if (uni(rng, 0, 3) == 0) {
        addr = base + ENERGON_REG_SPACE_BYTES + 4 * uni(rng, 0, 1023);  // past the register space: the router
      } else {
        uint32_t off;
        do off = uint32_t(4 * uni(rng, 0, ENERGON_REG_SPACE_BYTES / 4 - 1));
        while (is_register(off));
        addr = base + off;
      }
      break;
    }
    case Reg::misaligned:
      addr = base + reg.offset + uni(rng, 1, 3);
      break;
    case Reg::odd_size: {
      const uint32_t sizes[] = {1, 2, 3, 8, 12, 16, 64};
      len = pick(rng, sizes);
      addr = base + reg.offset;
      want =
          reg.offset + len > ENERGON_REG_SPACE_BYTES ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_BURST_ERROR_RESPONSE;
      break;
    }
    case Reg::byte_enable:
      be_bytes[uni(rng, 0, 3)] = 0;
      if (uni(rng, 0, 1))
        be_bytes[0] = 0xFF, be_bytes[1] = 0xFF, be_bytes[2] = 0xFF, be_bytes[3] = 0xFF;  // all on: still refused
      be = be_bytes;
      addr = base + reg.offset;
      want = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
      break;
    case Reg::streaming:
      sw = uint32_t(uni(rng, 1, 3));
      addr = base + reg.offset;
      want = tlm::TLM_BURST_ERROR_RESPONSE;
      break;
    default: {  // write to a read-only register: accepted, ignored
      const RegInfo* ro = &reg;
      while (!ro->ro) ro = &kRegs[uni(rng, 0, std::size(kRegs) - 1)];
      addr = base + ro->offset;
      want = tlm::TLM_OK_RESPONSE;
      break;
    }
  }
  const tlm::tlm_command c = kind == Reg::ro_write ? tlm::TLM_WRITE_COMMAND : cmd;
  std::vector<uint32_t> before, after;
  cpu_.sync();
  if (!snapshot(before)) return false;
  const tlm::tlm_response_status got = raw_.access(c, addr, data, len, be, be ? 4 : 0, sw);
  if (!snapshot(after)) return false;
  ++responses_[std::string(kRegName[unsigned(kind)]) + " -> " + response_name(got)];
  char where[160];
  std::snprintf(where, sizeof where, "%s of %u bytes at 0x%" PRIx64 " (streaming width %u, byte enables %s)",
                c == tlm::TLM_WRITE_COMMAND ? "write" : "read", len, addr, sw ? sw : len, be ? "on" : "off");
  if (got != want)
    return fail(std::string(kRegName[unsigned(kind)]) + ": " + where + " answered " + response_name(got) +
                ", docs/register-map.md says " + response_name(want));
  for (size_t i = 0; i < before.size(); ++i)
    if (before[i] != after[i]) {
      char m[64];
      std::snprintf(m, sizeof m, " from 0x%08x to 0x%08x", before[i], after[i]);
      return fail(std::string(kRegName[unsigned(kind)]) + ": " + where + " changed " + kRegs[i].name + m);
    }
  return true;
}

bool Fuzzer::queue_error_expected(const char* what, uint32_t jobs_before, uint32_t head_before) {
  const bool line = cpu_.wait_for_irq(sc_core::sc_time(10, sc_core::SC_US));
  const uint32_t status = rd(ENERGON_REG_STATUS), irq = rd(ENERGON_REG_IRQ_STATUS);
  const uint32_t code = (status & ENERGON_STATUS_ERR_MASK) >> ENERGON_STATUS_ERR_SHIFT;
  std::ostringstream e;
  if (!(status & ENERGON_STATUS_QUEUE_ERR))
    e << "STATUS.QUEUE_ERR not set";
  else if (code != ENERGON_ERR_QUEUE)
    e << "STATUS.ERR_CODE " << error_name(uint8_t(code));
  else if (!(irq & ENERGON_IRQ_ERROR))
    e << "IRQ_STATUS.ERROR not set";
  else if (!line)
    e << "the interrupt line is low";
  else if (rd(ENERGON_REG_JOBS_DONE) != jobs_before)
    e << "JOBS_DONE moved: a descriptor was processed";
  else if (rd(ENERGON_REG_QUEUE_HEAD) != head_before)
    e << "QUEUE_HEAD moved";
  if (e.str().empty()) {
    ++errors_["QUEUE"];
    return true;
  }
  return fail(std::string(what) + ": a refused doorbell: " + e.str());
}

bool Fuzzer::drain(uint32_t max_polls) {
  for (uint32_t i = 0; i < max_polls; ++i) {
    if (!(rd(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY)) return true;
    cpu_.spend_ns(1000);
  }
  return fail("STATUS.BUSY still set after " + std::to_string(max_polls) + " µs of polling");
}

bool Fuzzer::register_iteration(std::mt19937_64& rng) {
  const Reg kind = Reg(uni(rng, 0, unsigned(Reg::count) - 1));
  const char* name = kRegName[unsigned(kind)];
  ++classes_[name];
  context_ += std::string("class ") + name + "\n";
  switch (kind) {
    case Reg::hole:
    case Reg::misaligned:
    case Reg::odd_size:
    case Reg::byte_enable:
    case Reg::streaming:
    case Reg::ro_write:
      for (uint64_t n = uni(rng, 1, 8); n > 0; --n)
        if (!raw_refused(rng, kind)) return false;
      break;
    case Reg::doorbell_tail: {
      const uint32_t jobs = rd(ENERGON_REG_JOBS_DONE), head = rd(ENERGON_REG_QUEUE_HEAD);
      const uint32_t tails[] = {kRingEntries, kRingEntries + 1, uint32_t(uni(rng, kRingEntries, 0xFFFFFFFFu)),
                                0xFFFFFFFFu};
      wr(ENERGON_REG_QUEUE_TAIL, pick(rng, tails));
      if (!queue_error_expected(name, jobs, head)) return false;
      break;
    }
    case Reg::doorbell_size: {
      const uint32_t jobs = rd(ENERGON_REG_JOBS_DONE);
      const uint32_t sizes[] = {0, ENERGON_QUEUE_MAX_ENTRIES + 1,
                                uint32_t(uni(rng, ENERGON_QUEUE_MAX_ENTRIES + 1, 0xFFFFFFFFu)), 0xFFFFFFFFu};
      wr(ENERGON_REG_QUEUE_SIZE, pick(rng, sizes));
      wr(ENERGON_REG_QUEUE_TAIL, uint32_t(uni(rng, 0, 3)));
      if (!queue_error_expected(name, jobs, 0)) return false;
      break;
    }
    case Reg::ring_misaligned: {
      const uint32_t jobs = rd(ENERGON_REG_JOBS_DONE);
      wr(ENERGON_REG_QUEUE_BASE_LO, uint32_t(ring_ + uni(rng, 1, ENERGON_RING_ALIGN - 1)));
      wr(ENERGON_REG_QUEUE_TAIL, uint32_t(uni(rng, 1, kRingEntries - 1)));
      if (!queue_error_expected(name, jobs, 0)) return false;
      break;
    }
    case Reg::ring_unmapped: {  // a valid doorbell on a ring the bus refuses: every entry fails with ADDRESS
      const uint64_t bases[] = {(map_.dram_end + 0xFFF) & ~0xFFull, 0x100000000ull, map_.regs_base,
                                uint64_t(uni(rng, 1, 0xFFFFFFFF)) << 32};
      const uint64_t b = pick(rng, bases);
      const uint32_t size = uint32_t(uni(rng, 2, 16)), tail = uint32_t(uni(rng, 1, size - 1));
      const uint32_t jobs = rd(ENERGON_REG_JOBS_DONE);
      wr(ENERGON_REG_QUEUE_BASE_LO, uint32_t(b));
      wr(ENERGON_REG_QUEUE_BASE_HI, uint32_t(b >> 32));
      wr(ENERGON_REG_QUEUE_SIZE, size);
      const uint64_t rises = irq_.rises;
      wr(ENERGON_REG_QUEUE_TAIL, tail);
      uint32_t causes = 0;
      for (int i = 0; i < 1000 && rd(ENERGON_REG_JOBS_DONE) - jobs < tail; ++i) {
        cpu_.wait_for_irq(sc_core::sc_time(100, sc_core::SC_US));
        const uint32_t c = rd(ENERGON_REG_IRQ_STATUS);
        causes |= c;
        wr(ENERGON_REG_IRQ_STATUS, c);
      }
      causes |= rd(ENERGON_REG_IRQ_STATUS);
      cpu_.sync();
      const uint32_t status = rd(ENERGON_REG_STATUS);
      std::ostringstream e;
      if (rd(ENERGON_REG_JOBS_DONE) - jobs != tail)
        e << "JOBS_DONE advanced by " << rd(ENERGON_REG_JOBS_DONE) - jobs << ", expected " << tail;
      else if (rd(ENERGON_REG_QUEUE_HEAD) != tail)
        e << "QUEUE_HEAD " << rd(ENERGON_REG_QUEUE_HEAD) << ", expected " << tail;
      else if (((status & ENERGON_STATUS_ERR_MASK) >> ENERGON_STATUS_ERR_SHIFT) != ENERGON_ERR_ADDRESS)
        e << "STATUS.ERR_CODE " << error_name(uint8_t((status & ENERGON_STATUS_ERR_MASK) >> ENERGON_STATUS_ERR_SHIFT));
      else if (status & ENERGON_STATUS_QUEUE_ERR)
        e << "STATUS.QUEUE_ERR set on a valid doorbell";
      else if (rd(ENERGON_REG_ERR_DESC) != tail - 1)
        e << "ERR_DESC " << rd(ENERGON_REG_ERR_DESC) << ", expected " << tail - 1;
      else if ((causes & (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR)) != (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR))
        e << "IRQ causes " << causes;
      else if (irq_.rises == rises)
        e << "the interrupt line never rose";
      if (!e.str().empty()) {
        char m[96];
        std::snprintf(m, sizeof m, "ring at 0x%" PRIx64 ", %u entries, tail %u: ", b, size, tail);
        return fail(std::string(name) + ": " + m + e.str());
      }
      errors_["ADDRESS"] += tail;
      break;
    }
    case Reg::busy_benign: {  // defined accesses while a job runs: it still completes bit-exact
      const JobSpec js = random_job(rng, kJobBounds);
      const Placed p = place(cpu_, js);
      if (p.rc != ENERGON_FW_OK) return fail("placing a job");
      const GoldenResult g = golden_of(js);
      const uint64_t rises = irq_.rises;
      uint32_t index = 0;
      if (energon_submit(&dev_, &p.desc, 1, &index) != ENERGON_FW_OK) return fail("energon_submit");
      ++jobs_;
      if (!(rd(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY))
        return fail(std::string(name) + ": STATUS.BUSY clear right after the doorbell");
      for (uint64_t n = uni(rng, 2, 10); n > 0; --n) {
        switch (uni(rng, 0, 6)) {
          case 0:
            if (!raw_refused(rng, Reg::ro_write)) return false;
            break;
          case 1:
            if (!raw_refused(rng, Reg::hole)) return false;
            break;
          case 2:
            if (!raw_refused(rng, Reg::odd_size)) return false;
            break;
          case 3:
            wr(ENERGON_REG_IRQ_MASK, ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
            break;
          case 4:
            wr(ENERGON_REG_PERF_CTRL, ENERGON_PERF_CLEAR);
            break;
          case 5:
            wr(ENERGON_REG_QUEUE_TAIL, dev_.tail);
            break;  // the same doorbell again
          default:
            wr(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
            break;
        }
      }
      Outcome o;
      o.submit_rc = ENERGON_FW_OK;
      o.index = index;
      o.wait_rc = energon_wait(&dev_, kWaitUs, &o.info);
      cpu_.sync();
      o.rises = irq_.rises - rises;
      energon_read_result(&dev_, index, &o.result);
      o.out.resize(js.q.size());
      cpu_.read_mem(p.desc.out_addr, o.out.data(), o.out.size() * 2);
      if (!check_good(name, p.desc, o, g)) return false;
      ++outcomes_["busy: bit-exact"];
      break;
    }
    case Reg::busy_reset: {  // SOFT_RESET while a job runs: its result is dropped, no interrupt
      JobBounds big{4, 32, 64};
      const JobSpec js = random_job(rng, big);
      const Placed p = place(cpu_, js);
      if (p.rc != ENERGON_FW_OK) return fail("placing a job");
      uint32_t index = 0;
      if (energon_submit(&dev_, &p.desc, 1, &index) != ENERGON_FW_OK) return fail("energon_submit");
      ++jobs_;
      if (!(rd(ENERGON_REG_STATUS) & ENERGON_STATUS_BUSY))
        return fail(std::string(name) + ": STATUS.BUSY clear right after the doorbell");
      wr(ENERGON_REG_CTRL, ENERGON_CTRL_SOFT_RESET | ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
      const uint64_t rises = irq_.rises;
      if (!drain(200000)) return false;
      cpu_.spend_ns(1000);
      cpu_.sync();
      energon_result_t r{};
      energon_read_result(&dev_, index, &r);
      std::ostringstream e;
      if (r.done || r.error)
        e << "the dropped job wrote its result block back (done " << r.done << ", error " << r.error << ")";
      else if (rd(ENERGON_REG_IRQ_STATUS) != 0)
        e << "IRQ_STATUS " << rd(ENERGON_REG_IRQ_STATUS) << " after the reset";
      else if (irq_.rises != rises)
        e << "the interrupt line rose for a dropped job";
      else if (rd(ENERGON_REG_JOBS_DONE) != 0)
        e << "JOBS_DONE " << rd(ENERGON_REG_JOBS_DONE) << " after the reset";
      if (!e.str().empty()) return fail(std::string(name) + ": " + e.str());
      ++outcomes_["soft reset while busy: dropped"];
      break;
    }
    case Reg::busy_disable: {  // ENABLE cleared while a job runs: it finishes, the next waits
      const JobSpec a = random_job(rng, kJobBounds), b = random_job(rng, kJobBounds);
      const Placed pa = place(cpu_, a), pb = place(cpu_, b);
      if (pa.rc != ENERGON_FW_OK || pb.rc != ENERGON_FW_OK) return fail("placing a job");
      const energon_desc_t descs[2] = {pa.desc, pb.desc};
      uint32_t index = 0;
      const uint32_t jobs = rd(ENERGON_REG_JOBS_DONE);
      if (energon_submit(&dev_, descs, 2, &index) != ENERGON_FW_OK) return fail("energon_submit");
      jobs_ += 2;
      wr(ENERGON_REG_CTRL, ENERGON_CTRL_IRQ_EN);
      if (!drain(200000)) return false;
      const uint32_t done = rd(ENERGON_REG_JOBS_DONE) - jobs;
      const uint32_t head = rd(ENERGON_REG_QUEUE_HEAD);
      if (done > 1 || head != (index + done) % kRingEntries)
        return fail(std::string(name) + ": with ENABLE cleared after the doorbell " + std::to_string(done) +
                    " jobs ran (QUEUE_HEAD " + std::to_string(head) + "); the second must wait");
      wr(ENERGON_REG_CTRL, ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
      Outcome o;
      o.submit_rc = ENERGON_FW_OK;
      o.wait_rc = energon_wait(&dev_, kWaitUs, &o.info);
      cpu_.sync();
      o.rises = 1;  // the line rose for one of the two; each job's result is checked below
      for (uint32_t i = 0; i < 2; ++i) {
        const JobSpec& js = i == 0 ? a : b;
        const energon_desc_t& d = descs[i];
        Outcome oi = o;
        oi.index = (index + i) % kRingEntries;
        energon_read_result(&dev_, oi.index, &oi.result);
        oi.out.resize(js.q.size());
        cpu_.read_mem(d.out_addr, oi.out.data(), oi.out.size() * 2);
        if (!check_good(name, d, oi, golden_of(js))) return false;
      }
      ++outcomes_["disabled while busy: resumed bit-exact"];
      break;
    }
    case Reg::rw_write: {  // a random value into a read-write register: the documented read-back
      const uint32_t regs[] = {ENERGON_REG_CTRL,          ENERGON_REG_IRQ_MASK,      ENERGON_REG_IRQ_STATUS,
                               ENERGON_REG_QUEUE_BASE_LO, ENERGON_REG_QUEUE_BASE_HI, ENERGON_REG_QUEUE_SIZE,
                               ENERGON_REG_PERF_CTRL};
      const uint32_t r = pick(rng, regs);
      const uint32_t v = uint32_t(uni(rng, 0, 0xFFFFFFFFu));
      const uint32_t old = rd(r);
      wr(r, v);
      const uint32_t now = rd(r);
      uint32_t want = v;
      switch (r) {
        case ENERGON_REG_CTRL:
          want = v & (ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN);
          break;
        case ENERGON_REG_IRQ_MASK:
          want = v & (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR);
          break;
        case ENERGON_REG_IRQ_STATUS:
          want = old & ~v;
          break;
        case ENERGON_REG_PERF_CTRL:
          want = 0;
          break;
        default:
          break;
      }
      char m[160];
      std::snprintf(m, sizeof m, "wrote 0x%08x to offset 0x%03x (was 0x%08x), reads 0x%08x, expected 0x%08x", v, r, old,
                    now, want);
      if (now != want) return fail(std::string(name) + ": " + m);
      if ((r == ENERGON_REG_QUEUE_BASE_LO || r == ENERGON_REG_QUEUE_BASE_HI || r == ENERGON_REG_QUEUE_SIZE) &&
          (rd(ENERGON_REG_QUEUE_HEAD) != 0 || rd(ENERGON_REG_QUEUE_TAIL) != 0))
        return fail(std::string(name) + ": reprogramming the ring did not empty it: " + m);
      if (r == ENERGON_REG_PERF_CTRL && (v & ENERGON_PERF_CLEAR) && rd(ENERGON_REG_PERF_RD_DESC_LO) != 0)
        return fail(std::string(name) + ": PERF_CTRL clear left PERF_RD_DESC non-zero");
      break;
    }
    case Reg::count:
      break;
  }
  // Whatever was programmed: the driver brings the accelerator back and a good job is bit-exact.
  if (!bring_up()) return false;
  return recovery_job(rng, name);
}

void Fuzzer::run() {
  ring_ = cpu_.alloc(size_t(kRingEntries) * ENERGON_DESC_BYTES, ENERGON_RING_ALIGN);
  if (!bring_up()) return;
  arena_ = cpu_.alloc_mark();
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t last = opt_.iterations == 0 ? std::numeric_limits<uint64_t>::max() : opt_.first + opt_.iterations;
  for (uint64_t it = opt_.first; it < last; ++it) {
    const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 60.0;
    if (opt_.minutes > 0 && minutes >= opt_.minutes) break;
    std::ostringstream repro;
    repro << kProgram << " --seed " << opt_.seed << " --first " << it << " --iterations 1 --timing " << opt_.timing
          << " --hw " << opt_.hw << "   (the exact run so far: --seed " << opt_.seed << " --first " << opt_.first
          << " --iterations " << it - opt_.first + 1 << ")";
    wd_.start_iteration(it, repro.str());
    wd_.set_phase("iteration");
    std::mt19937_64 rng = iteration_rng(opt_.seed, it);
    cpu_.release_to(arena_);
    context_.clear();
    bool ok = false;
    try {
      const uint64_t roll = uni(rng, 0, 99);
      ok = roll < 20 ? register_iteration(rng) : descriptor_iteration(rng, roll < 28);
    } catch (const std::exception& e) {
      ok = fail(std::string("exception: ") + e.what());
    }
    ++iterations_;
    if (!ok) {
      failure_ = "FAIL: seed " + std::to_string(opt_.seed) + ", iteration " + std::to_string(it) + ": " + failure_ +
                 "\n" + context_ + "reproduce: " + repro.str();
      return;
    }
    if (opt_.report_every && iterations_ % opt_.report_every == 0) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%s: %" PRIu64 " iterations, %" PRIu64 " jobs, %.1f s, %.1f executions/s\n", kProgram, iterations_,
                  jobs_, s, double(iterations_) / s);
      std::fflush(stdout);
    }
  }
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  Options o;
  o.iterations = 300;
  platform::PlatformConfig cfg;
  if (const int rc =
          set_up(argc, argv, kProgram,
                 "random descriptors and register programming through the platform (docs/hardening.md)", o, cfg);
      rc >= 0)
    return rc;

  platform::Platform top("top", cfg,
                         o.timing == "lt" ? platform::PlatformTiming::lt : platform::PlatformTiming::accurate);
  RawBus raw("raw_bus");
  raw.socket.bind(top.router.target_socket);
  IrqMonitor irq("irq_monitor");
  irq.irq.bind(top.irq);
  Watchdog wd(o.iteration_timeout_s, kProgram);
  Fuzzer f(top, raw, irq, o, wd);
  top.cpu.load_program([&](platform::HostCpu&) { f.run(); });

  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::printf("%s: seed %" PRIu64 ", iterations %" PRIu64 "..%" PRIu64 ", timing %s, hw %s\n", kProgram, o.seed,
              o.first, o.first + f.iterations(), o.timing.c_str(), o.hw.c_str());
  print_counts("iterations per class (valid: must complete bit-exact; error: must be refused)", f.classes());
  print_counts("error codes reported as expected", f.errors());
  print_counts("refused register accesses (class -> TLM response)", f.responses());
  print_counts("outcomes", f.outcomes());
  std::printf("%" PRIu64 " iterations in %.2f s: %.1f executions/s; %" PRIu64
              " jobs through the platform: %.1f jobs/s\n",
              f.iterations(), secs, double(f.iterations()) / secs, f.jobs(), double(f.jobs()) / secs);
  std::string error;
  if (f.failed())
    error = f.failure();
  else if (!top.cpu.finished())
    error = "FAIL: the simulation ended before the program did (nothing left to run: a hang in simulated time)";
  else if (!top.cpu.program_error().empty())
    error = "FAIL: " + top.cpu.program_error();
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::printf("%s: FAIL\n", kProgram);
    return 1;
  }
  std::printf("%s: PASS\n", kProgram);
  return 0;
}
