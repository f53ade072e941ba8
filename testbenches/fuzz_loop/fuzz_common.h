// Shared pieces of the fuzz loop and the soak (docs/hardening.md): command-line options, random
// valid jobs with extreme data, placing them through the firmware's energon_job_place, the golden
// model run on a job's tensors or on what a descriptor points at in DRAM, an independent
// expectation of the hardware's verdict written from docs/register-map.md, a raw bus initiator
// for register accesses the driver cannot make, and a wall-clock watchdog.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "energon/attention_job.h"
#include "energon/fw/energon_fw.h"
#include "energon/fw/energon_job.h"
#include "energon/golden/golden.h"
#include "energon/hw/energon_regs.h"
#include "energon/platform/host_cpu.h"
#include "energon/platform/platform_config.h"

namespace energon::fuzz {

// ---- command line ----

struct Options {
  uint64_t seed = 1;
  uint64_t iterations = 100;  ///< 0: no bound (use --minutes or interrupt)
  uint64_t first = 0;         ///< first iteration number (its random stream is seed + number)
  double minutes = 0;         ///< wall-clock bound, 0: none
  std::string timing = "lt";  ///< lt | at
  std::string hw = "energon-edge";
  double iteration_timeout_s = 120;  ///< wall-clock watchdog per iteration
  uint64_t report_every = 0;         ///< progress line every N iterations (0: none)
  bool verbose = false;
};

/// Parses argv. Returns -1 to go on, 0 after --help, 2 on a bad option (message on stderr naming it).
int parse_options(int argc, char** argv, const char* program, const char* what, Options& o);

/// What both programs do first: parse the options, load the --hw preset, quiet SystemC's info and
/// (unless --verbose) the model's warnings. Returns -1 to go on, else the exit code.
int set_up(int argc, char** argv, const char* program, const char* what, Options& o, platform::PlatformConfig& cfg);

/// Random stream of one iteration: independent of the others, so `--first I --iterations 1` replays it.
std::mt19937_64 iteration_rng(uint64_t seed, uint64_t iteration);

// ---- random valid jobs ----

/// One attention job as INT16 tensors, exactly what the firmware places.
struct JobSpec {
  AttentionShape shape;
  FilterConfig filter;
  std::vector<int16_t> q, k, v;
  std::vector<float> q_scales, k_scales;
  PruneMask prune;          ///< flag PRUNE when not empty: the heads and tokens the job leaves out
  bool importance = false;  ///< flag IMPORTANCE: the job writes its importance table
  std::string data_kind;    ///< how the data was drawn (for messages)
};

struct JobBounds {
  uint32_t max_heads = 4;
  uint32_t max_n = 24;  ///< n_q and n_k up to this
  uint32_t max_d = 64;  ///< d a multiple of 8 up to this
};

/// A valid job: random shape within `b`, random policy (dense, topk, mpmrf with 1..4 rounds), random
/// rules and rounds, data with extreme values (±32767, −32768, all-equal rows, zeros) and scales.
JobSpec random_job(std::mt19937_64& rng, const JobBounds& b);

/// The descriptor fields of a filter configuration (rounds, top-k rule, policy byte).
struct DescFilter {
  uint8_t policy = 0;
  std::vector<energon_select_t> rounds;
  energon_select_t topk{};
};
DescFilter desc_filter(const FilterConfig& f);
/// The filter configuration a descriptor's fields stand for (for the golden model).
FilterConfig filter_of(const energon_desc_t& d);

/// Places the job through the firmware (energon_job_place over the host CPU's HAL).
struct Placed {
  energon_desc_t desc{};
  energon_job_buffers_t buffers{};
  int rc = -100;
};
Placed place(platform::HostCpu& cpu, const JobSpec& job);

/// Golden output and counts of a job.
struct GoldenResult {
  std::vector<int16_t> out;
  golden::GoldenStats stats;
};
GoldenResult golden_of(const JobSpec& job);
/// Golden output of what the (valid) descriptor points at: Q, the K planes (unpacked), V, the
/// scale table and (flag PRUNE) the prune mask read back from DRAM through the host CPU.
GoldenResult golden_from_memory(platform::HostCpu& cpu, const energon_desc_t& d);

/// Compares the hardware's result block, output and (flag IMPORTANCE, `importance` not null) the
/// importance table it wrote with the golden model; "" when equal.
std::string compare_with_golden(const energon_desc_t& d, const energon_result_t& r, const std::vector<int16_t>& out,
                                const GoldenResult& g, const std::vector<uint8_t>* importance = nullptr);

// ---- the expected verdict, from docs/register-map.md (independent of the controller's code) ----

/// Memory map the bus decodes: DRAM [0, dram_end) and the register block [regs_base, +0x1000).
struct MemoryMap {
  uint64_t dram_end = 0;
  uint64_t regs_base = 0;
  bool in_dram(uint64_t a, uint64_t bytes) const { return bytes == 0 || (a < dram_end && bytes <= dram_end - a); }
  /// No byte of [a, a + bytes) decodes to anything (the range does not wrap).
  bool unmapped(uint64_t a, uint64_t bytes) const;
};

struct Extent {
  uint64_t begin = 0, bytes = 0;
  bool wraps() const { return bytes > 0 && begin + (bytes - 1) < begin; }
  /// Inclusive ends: an extent may end exactly at 2^64 (begin + bytes == 0).
  bool overlaps(const Extent& o) const {
    return bytes > 0 && o.bytes > 0 && begin <= o.begin + (o.bytes - 1) && o.begin <= begin + (bytes - 1);
  }
};

/// Error the field checks must report (the ordered list of docs/register-map.md).
uint8_t expected_check_error(const energon_desc_t& d, uint64_t ring_base, uint64_t ring_bytes);

/// What the whole job must end with, field checks and then the datapath (scale table first,
/// SCALE, then buffers off the memory map).
struct Expectation {
  uint8_t error = ENERGON_ERR_NONE;
  bool ambiguous = false;  ///< outcome depends on which bytes the datapath happens to touch: not submitted
  std::string why;
  uint64_t work = 0;   ///< heads·n_q·n_k·d of a job that reaches the datapath
  uint64_t bytes = 0;  ///< bytes of its buffers
};
Expectation expect(platform::HostCpu& cpu, const MemoryMap& map, const energon_desc_t& d, uint64_t ring_base,
                   uint64_t ring_bytes);

// ---- raw bus accesses ----

/// A second initiator on the platform's router: register accesses of any length, alignment and
/// byte enables, and side-effect-free debug reads. Call only from the host CPU's program thread.
class RawBus : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<RawBus> socket;
  explicit RawBus(const sc_core::sc_module_name& name) : sc_module(name), socket("socket") {}
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t length,
                                  const uint8_t* byte_enable = nullptr, uint32_t be_length = 0,
                                  uint32_t streaming_width = 0);
  bool debug_read32(uint64_t addr, uint32_t& value);
};

// ---- helpers ----

/// Counts by name, printed sorted.
using Counts = std::map<std::string, uint64_t>;
void print_counts(const char* title, const Counts& c);
std::string hex_dump(const uint8_t* b, size_t n);
const char* error_name(uint8_t code);

/// Aborts the process (exit 1) when one iteration takes longer than the limit in wall-clock time,
/// printing what to re-run: a hang in zero simulated time cannot be caught by a simulated timeout.
class Watchdog {
 public:
  Watchdog(double limit_s, std::string what);
  ~Watchdog();
  void start_iteration(uint64_t iteration, const std::string& reproduce);
  void set_phase(const char* phase) { phase_.store(phase); }

 private:
  void loop();
  double limit_s_;
  std::string what_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> started_ms_{0};
  std::atomic<uint64_t> iteration_{0};
  std::atomic<const char*> phase_{""};
  std::string reproduce_;  // read by the watchdog thread only after a timeout; guarded by the atomic stamp
  std::thread thread_;
};

}  // namespace energon::fuzz
