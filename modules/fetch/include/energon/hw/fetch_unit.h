// Fetch unit: the datapath's only path to memory. Engines send it read/write requests through
// its target socket `req` (a TLM generic payload with a FetchExtension naming the traffic class
// and the on-chip buffer tag); it serves K-plane and V rows from an on-chip buffer when they are
// resident, fetches the rest from memory over `mem`, and counts bytes per traffic class.
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <set>
#include <stdexcept>
#include <vector>

#include "energon/hw/accel_config.h"
#include "energon/hw/activity_trace.h"
#include "energon/stats/stats.h"
#include "energon/hw/job_if.h"
#include "energon/hw/onchip_buffer.h"
#include "energon/hw/sram_banks.h"
#include "energon/hw/payload_pool.h"

namespace energon::hw {

/// One run of a gathered request (fetch_gather): `len` bytes at `addr`, read into `data`.
struct FetchRun {
  uint64_t addr = 0;
  uint8_t* data = nullptr;
  uint32_t len = 0;
  bool copy_resident = true;  ///< see fetch_transfer
};

/// Accurate mode: the requester's handle on a posted read (FetchExtension::completion). The fetch
/// unit counts in it the read's DMAs and the fills in flight it overlaps; the requester waits on
/// it only when it needs the data's time, so its own pipeline goes on meanwhile.
struct FetchCompletion {
  unsigned pending = 0;       ///< DMAs and fills not done yet
  sc_core::sc_time done;      ///< the latest of their ends (and the request's issue time)
  sc_core::sc_event settled;  ///< notified when pending reaches 0
  /// Waits until nothing is pending; returns when the data were all in.
  const sc_core::sc_time& wait() {
    while (pending > 0) sc_core::wait(settled);
    return done;
  }
  void finished(const sc_core::sc_time& end) {
    done = std::max(done, end);
    if (--pending == 0) settled.notify(sc_core::SC_ZERO_TIME);
  }
};

/// Request attributes the fetch unit needs beyond the generic payload.
struct FetchExtension : tlm::tlm_extension<FetchExtension> {
  Traffic cls = Traffic::q;
  /// On-chip buffer tag (the kv head): ≥ 0 lets the rows be kept in and served from the
  /// buffer; −1 bypasses it (Q rows, scale table, output writes).
  int64_t buffer_tag = -1;
  /// Set by the fetch unit: cycles to stream the part served from the on-chip buffer. Not added
  /// to the delay: the requesting engine overlaps it with its compute (docs/fetch.md).
  uint64_t onchip_cycles = 0;
  /// False: the bytes served from the on-chip buffer need not be copied out (fetch_transfer).
  bool copy_resident = true;
  /// True: the fetch unit returns the annotated delay without waiting, in the accurate mode too:
  /// the requester's DMA runs alongside it and it uses the completion time itself (the attention
  /// engine's V and re-stream reads, the output write-back).
  bool decoupled = false;
  /// True: a prefetch into the on-chip buffer (reads only, buffer tag ≥ 0): the missing spans
  /// that fit in the buffer's free space are read from memory and kept; resident bytes are not
  /// read, nothing else is fetched, and `data` receives only the spans read. The datapath's
  /// prefetch DMA issues it decoupled, so the engine's own request later hits on chip.
  bool prefetch = false;
  /// A gathered read (fetch_gather): the runs replace the payload's address and data pointer;
  /// the payload's length is their total. Served run after run, each exactly as one request.
  const FetchRun* runs = nullptr;
  uint32_t n_runs = 0;
  /// Accurate mode, a decoupled gathered read: the runs' missing spans are posted together (on
  /// the DMA workers of the engines' own reads, never queued behind prefetches) and the request
  /// returns at its issue time; `completion` tells when the bytes are in. Ignored in lt.
  FetchCompletion* completion = nullptr;

  tlm::tlm_extension_base* clone() const override { return new FetchExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const FetchExtension&>(e); }
};

/// A memory access of the job answered with an error response (ends the job with ERR_ADDRESS).
class BusError : public std::runtime_error {
 public:
  BusError(uint64_t addr, uint32_t len, tlm::tlm_response_status status);
  uint64_t addr;
};

namespace detail {

/// Sends one request with `ext` attached (stack-owned: detached again, also when b_transport
/// throws) on a payload of `pool`; throws BusError on an error response.
template <typename Socket>
void issue_fetch(Socket& socket, PayloadPool& pool, tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t len,
                 FetchExtension& ext, sc_core::sc_time& delay) {
  PooledPayload p(pool);
  p->set_command(cmd);
  p->set_address(addr);
  p->set_data_ptr(data);
  p->set_data_length(len);
  p->set_streaming_width(len);
  p->set_extension(&ext);
  struct Detach {
    tlm::tlm_generic_payload& p;
    FetchExtension* ext;
    ~Detach() { p.clear_extension(ext); }
  } detach{*p, &ext};
  socket->b_transport(*p, delay);
  if (p->is_response_error()) throw BusError(addr, len, p->get_response_status());
}

}  // namespace detail

/// Issues one request to the fetch unit through `socket`, on a payload of `pool`; throws BusError
/// on an error response. Returns the on-chip buffer streaming cycles of the request (see
/// FetchExtension). copy_resident = false: the requester already holds the bytes the buffer
/// serves (its decoded-row cache, valid because a job's inputs do not change while it runs), so
/// they are not copied into `data`; timing, traffic and statistics are the same.
template <typename Socket>
uint64_t fetch_transfer(Socket& socket, PayloadPool& pool, tlm::tlm_command cmd, uint64_t addr, uint8_t* data,
                        uint32_t len, Traffic cls, int64_t buffer_tag, sc_core::sc_time& delay,
                        bool copy_resident = true, bool decoupled = false) {
  if (len == 0) return 0;
  FetchExtension ext;
  ext.cls = cls;
  ext.buffer_tag = buffer_tag;
  ext.copy_resident = copy_resident;
  ext.decoupled = decoupled;
  detail::issue_fetch(socket, pool, cmd, addr, data, len, ext, delay);
  return ext.onchip_cycles;
}

/// Reads the runs (ascending or not; one kv head's rows of one traffic class) in one request to
/// the fetch unit, on one payload of `pool`: what the engines' gather DMA issues for the runs of
/// kept keys of a row. Timing, traffic and statistics are those of one fetch_transfer per run in
/// the same order; the on-chip cycles (returned) are the whole request's, by bank (SramBankCounter):
/// the busiest bank's words. Throws BusError at the first run answered with an error.
template <typename Socket>
uint64_t fetch_gather(Socket& socket, PayloadPool& pool, const std::vector<FetchRun>& runs, Traffic cls,
                      int64_t buffer_tag, sc_core::sc_time& delay, bool decoupled = false, bool prefetch = false,
                      FetchCompletion* completion = nullptr) {
  uint64_t total = 0;
  for (const FetchRun& r : runs) total += r.len;
  if (total == 0) return 0;
  if (total > UINT32_MAX) throw std::length_error("fetch_gather: more than 4 GiB in one request");
  FetchExtension ext;
  ext.cls = cls;
  ext.buffer_tag = buffer_tag;
  ext.runs = runs.data();
  ext.n_runs = uint32_t(runs.size());
  ext.decoupled = decoupled;
  ext.prefetch = prefetch;
  ext.completion = completion;
  detail::issue_fetch(socket, pool, tlm::TLM_READ_COMMAND, runs.front().addr, runs.front().data, uint32_t(total), ext,
                      delay);
  return ext.onchip_cycles;
}

/// Counted by the fetch unit since its reset(); a job's figures are the difference over the job.
struct FetchStats {
  std::array<uint64_t, size_t(Traffic::count)> dram_bytes{};  ///< moved over `mem`, per class
  std::array<uint64_t, size_t(Traffic::count)> sram_bytes{};  ///< served from the on-chip buffer
  uint64_t dram_transactions = 0;
  uint64_t busy_cycles = 0;  ///< cycles with a memory transaction in flight (union over requesters)

  FetchStats& operator+=(const FetchStats& o);
  FetchStats& operator-=(const FetchStats& o);
  /// Registers these figures (name, unit, description) in `g`.
  void describe(stats::Group& g) const;
};

class FetchUnit : public sc_core::sc_module {
 public:
  /// Requests from the engines (any number of initiators).
  tlm_utils::multi_passthrough_target_socket<FetchUnit> req;
  /// To the system interconnect / memory; global addresses.
  tlm_utils::simple_initiator_socket<FetchUnit> mem;

  FetchUnit(sc_core::sc_module_name name, const AccelConfig& config);
  FetchUnit(const FetchUnit&) = delete;
  FetchUnit& operator=(const FetchUnit&) = delete;

  /// Empties the on-chip buffer (start of a job) and drops the filter reserve; the counters go on.
  void begin_job();
  /// For this job: the K planes [0, filter_planes) are the filter engine's, and up to `bytes` of
  /// each buffer half stay theirs: other classes fill only the rest (docs/fetch.md "Partition").
  void set_filter_reserve(uint32_t filter_planes, uint64_t bytes);
  /// begin_job() and the counters cleared.
  void reset();
  /// Accurate mode: returns once no decoupled DMA is queued or in flight (a job ends with it).
  void drain();
  /// Accurate mode: decoupled DMAs queued or in flight.
  size_t dma_pending() const { return dma_pending_; }
  /// Accurate mode: the transfers posted between begin_dma_chain() and end_dma_chain() run one
  /// after the other, each starting when the previous one is done (what the returned delays chain
  /// in lt); separate chains run in parallel on the DMA workers. Outside a chain each posted
  /// transfer is a chain of its own.
  void begin_dma_chain();
  void end_dma_chain();
  /// Accurate mode: a ticket for the DMAs posted so far; wait_dma(ticket) returns once they are done.
  uint64_t dma_ticket() const { return dma_next_id_; }
  void wait_dma(uint64_t ticket);
  const FetchStats& stats() const { return stats_; }
  void set_trace(ActivityTrace* trace) { trace_ = trace; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& p);
  /// One request (or run): from the on-chip buffer where resident, the rest from memory.
  bool serve(tlm::tlm_generic_payload& p, FetchExtension& ext, SramBankCounter& banks, uint64_t addr, uint32_t len,
             uint8_t* data, bool copy_resident, sc_core::sc_time& delay);
  /// The buffer half (0 or 1) a read of `ext` is served from with nothing else to do first (not a
  /// prefetch, no fill in flight to wait for or join, its kv head owns the half), or -1: then
  /// serve() decides.
  int plain_read_half(const tlm::tlm_generic_payload& p, const FetchExtension& ext) const {
    if (ext.prefetch || !fills_.empty() || !p.is_read() || ext.buffer_tag < 0 || config_.sram_bytes == 0) return -1;
    const int half = int(ext.buffer_tag & 1);
    return ext.buffer_tag == owner_[half] ? half : -1;
  }
  /// A read served from buffer half `half` (its kv head owns it): a whole hit (the usual case)
  /// here, anything else by serve_partial().
  bool serve_buffered(tlm::tlm_generic_payload& p, FetchExtension& ext, SramBankCounter& banks, int half, uint64_t addr,
                      uint32_t len, uint8_t* data, bool copy_resident, sc_core::sc_time& delay) {
    if (!half_[half].read_resident(addr, len, copy_resident ? data : nullptr))
      return serve_partial(p, ext, banks, half, addr, len, data, copy_resident, delay);
    stats_.sram_bytes[size_t(ext.cls)] += len;
    banks.add(addr, len);
    advance(ext, delay);
    return true;
  }
  /// The resident spans of a read from its half, the missing ones from memory, kept where they fit.
  bool serve_partial(tlm::tlm_generic_payload& p, FetchExtension& ext, SramBankCounter& banks, int half, uint64_t addr,
                     uint32_t len, uint8_t* data, bool copy_resident, sc_core::sc_time& delay);
  bool memory_access(tlm::tlm_generic_payload& orig, const FetchExtension& ext, uint64_t addr, uint8_t* data,
                     uint32_t len, sc_core::sc_time& delay);
  bool is_filter_plane(Traffic cls) const;
  /// Bytes of `half` a fill of class `cls` may still take (the filter planes' reserve).
  uint64_t fill_room(int half, Traffic cls) const;
  void fill(int half, Traffic cls, uint64_t addr, uint32_t len, const uint8_t* src);
  /// Accurate mode: waits out the delay unless the request is decoupled.
  void advance(const FetchExtension& ext, sc_core::sc_time& delay);

  // Accurate mode, posted requests (prefetches and write-backs, src/fetch_dma.cpp): the bytes move
  // at once (debug transport: a job's inputs do not change while it runs), the timed transfer runs
  // on the DMA worker thread; the spans of reads in flight are recorded (MSHR-like), and a later
  // read that is not a prefetch and overlaps one waits for it.
  struct Dma {
    tlm::tlm_command cmd = tlm::TLM_READ_COMMAND;
    uint64_t addr = 0;
    uint32_t len = 0;
    Traffic cls = Traffic::q;
    sc_core::sc_time start;
    std::vector<uint8_t> bytes;  ///< the written bytes, or the read's landing space
    uint64_t id = 0;
    FetchCompletion* completion = nullptr;  ///< a posted engine read's handle
  };
  struct Fill {
    uint64_t addr = 0;
    uint32_t len = 0;
    uint64_t id = 0;
    std::vector<FetchCompletion*> waiters;  ///< posted reads that need these bytes
  };
  static constexpr unsigned kDmaWorkers = 16;  ///< chains served at once, per queue (docs/fetch.md)
  /// The DMA queues: posted prefetches and write-backs; the engines' own posted reads.
  static constexpr unsigned kPosted = 0, kDemand = 1;
  bool post_dma(tlm::tlm_generic_payload& orig, const FetchExtension& ext, uint64_t addr, uint8_t* data, uint32_t len,
                const sc_core::sc_time& delay);
  void dma_worker(unsigned queue);
  /// A chain to the workers of `queue`.
  void enqueue(unsigned queue, std::vector<Dma>&& chain);
  void serve_dma(Dma& job);
  void wait_for_fills(uint64_t addr, uint32_t len);
  /// A posted read that overlaps fills in flight: counts them in its completion instead.
  void join_fills(uint64_t addr, uint32_t len, FetchCompletion& completion);
  void account(Traffic cls, uint32_t len, const sc_core::sc_time& start, const sc_core::sc_time& end);
  std::deque<std::vector<Dma>> dma_queue_[2];  ///< chains waiting for a worker, per queue
  std::vector<Dma> open_chain_;
  bool chain_open_ = false;
  std::vector<Fill> fills_;
  sc_core::sc_event dma_queued_[2], dma_done_;
  size_t dma_pending_ = 0;
  std::set<uint64_t> dma_ids_;  ///< ids of the DMAs queued or in flight
  uint64_t dma_next_id_ = 0;

  const AccelConfig config_;
  const sc_core::sc_time period_;
  OnChipBuffer half_[2];
  int64_t owner_[2] = {-1, -1};
  uint64_t other_used_[2] = {0, 0};  ///< bytes of each half held by classes other than the filter's planes
  uint32_t filter_planes_ = 0;
  uint64_t filter_reserve_ = 0;
  FetchStats stats_;
  sc_core::sc_time busy_until_;
  ActivityTrace* trace_ = nullptr;
  PayloadPool payloads_;
  /// Lists of missing spans kept for reuse: a miss allocates nothing once they have grown. One is
  /// taken per serve() (requests overlap in accurate mode) and given back when it returns.
  std::vector<std::vector<OnChipBuffer::Span>> span_lists_;
};

}  // namespace energon::hw
