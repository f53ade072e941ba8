#include "energon/hw/fetch_unit.h"

#include <sysc/kernel/sc_dynamic_processes.h>  // sc_spawn (the DMA workers)

#include <cmath>
#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

namespace energon::hw {

using sc_core::sc_time;

static std::string bus_error_text(uint64_t addr, uint32_t len, tlm::tlm_response_status status) {
  std::ostringstream s;
  s << "bus error at 0x" << std::hex << addr << std::dec << " (" << len << " bytes, status " << int(status) << ")";
  return s.str();
}

BusError::BusError(uint64_t a, uint32_t len, tlm::tlm_response_status status)
    : std::runtime_error(bus_error_text(a, len, status)), addr(a) {}

namespace {

/// One of the unit's reusable lists of missing spans, for the duration of one serve().
class SpanList {
 public:
  explicit SpanList(std::vector<std::vector<OnChipBuffer::Span>>& lists) : lists_(lists) {
    if (!lists_.empty()) {
      spans_ = std::move(lists_.back());
      lists_.pop_back();
    }
  }
  ~SpanList() { lists_.push_back(std::move(spans_)); }
  SpanList(const SpanList&) = delete;
  SpanList& operator=(const SpanList&) = delete;
  std::vector<OnChipBuffer::Span>& operator*() { return spans_; }

 private:
  std::vector<std::vector<OnChipBuffer::Span>>& lists_;
  std::vector<OnChipBuffer::Span> spans_;
};

}  // namespace

// ---- FetchUnit ----

FetchUnit::FetchUnit(sc_core::sc_module_name name, const AccelConfig& config)
    : sc_module(name),
      req("req"),
      mem("mem"),
      config_(config),
      period_(config.period_ps(), sc_core::SC_PS),
      half_{OnChipBuffer(config.sram_bytes / 2), OnChipBuffer(config.sram_bytes / 2)} {
  req.register_b_transport(this, &FetchUnit::b_transport);
  req.register_transport_dbg(this, &FetchUnit::transport_dbg);
  if (config_.timing == TimingMode::accurate) {
    for (unsigned i = 0; i < kDmaWorkers; ++i) {
      sc_core::sc_spawn([this] { dma_worker(kPosted); }, ("dma_worker_" + std::to_string(i)).c_str());
      sc_core::sc_spawn([this] { dma_worker(kDemand); }, ("demand_worker_" + std::to_string(i)).c_str());
    }
  }
}

uint64_t FetchUnit::fill_room(int half, Traffic cls) const {
  const OnChipBuffer& b = half_[half];
  const uint64_t room = b.capacity() - std::min(b.capacity(), b.used());
  if (is_filter_plane(cls)) return room;
  const uint64_t share = b.capacity() - std::min(b.capacity(), filter_reserve_);
  return std::min(room, share - std::min(share, other_used_[half]));
}

void FetchUnit::fill(int half, Traffic cls, uint64_t addr, uint32_t len, const uint8_t* src) {
  const uint64_t before = half_[half].used();
  half_[half].fill(addr, len, src);
  if (!is_filter_plane(cls)) other_used_[half] += half_[half].used() - before;
}

bool FetchUnit::is_filter_plane(Traffic cls) const {
  const int p = int(cls) - int(Traffic::k0);
  return p >= 0 && p < int(filter_planes_) && p < int(ENERGON_MAX_PLANES);
}

void FetchUnit::set_filter_reserve(uint32_t filter_planes, uint64_t bytes) {
  filter_planes_ = filter_planes;
  filter_reserve_ = bytes;
}

void FetchUnit::begin_job() {
  for (auto& h : half_) h.clear();
  other_used_[0] = other_used_[1] = 0;
  filter_planes_ = 0;
  filter_reserve_ = 0;
  owner_[0] = owner_[1] = -1;
  busy_until_ = sc_core::SC_ZERO_TIME;
}

void FetchUnit::reset() {
  begin_job();
  stats_ = FetchStats{};
}

FetchStats& FetchStats::operator+=(const FetchStats& o) {
  for (size_t c = 0; c < dram_bytes.size(); ++c) dram_bytes[c] += o.dram_bytes[c], sram_bytes[c] += o.sram_bytes[c];
  dram_transactions += o.dram_transactions;
  busy_cycles += o.busy_cycles;
  return *this;
}

FetchStats& FetchStats::operator-=(const FetchStats& o) {
  for (size_t c = 0; c < dram_bytes.size(); ++c) dram_bytes[c] -= o.dram_bytes[c], sram_bytes[c] -= o.sram_bytes[c];
  dram_transactions -= o.dram_transactions;
  busy_cycles -= o.busy_cycles;
  return *this;
}

void FetchStats::describe(stats::Group& g) const {
  g.set("busy_cycles", busy_cycles, "cycles", "Cycles with a memory transaction in flight (PERF_BUSY_FETCH)");
  g.set("dram_transactions", dram_transactions, "", "Transactions issued towards memory");
  uint64_t dram = 0, sram = 0;
  for (size_t c = 0; c < dram_bytes.size(); ++c) dram += dram_bytes[c], sram += sram_bytes[c];
  g.set("dram_bytes", dram, "bytes", "Bytes moved over the memory socket, every class");
  g.set("sram_hit_bytes", sram, "bytes", "Bytes served from the on-chip K/V buffer");
  static const char* const names[] = {"desc_rd", "q", "k0", "k1", "k2", "k3", "v", "scale", "out", "desc_wr"};
  stats::Group& by = g.group("by_class", "DRAM / on-chip buffer bytes per traffic class");
  for (size_t c = 0; c < dram_bytes.size(); ++c) {
    if (dram_bytes[c] == 0 && sram_bytes[c] == 0) continue;
    by.set(std::string(names[c]) + "_dram", dram_bytes[c], "bytes", "");
    by.set(std::string(names[c]) + "_sram", sram_bytes[c], "bytes", "");
  }
}

void FetchUnit::advance(const FetchExtension& ext, sc_time& delay) {
  if (config_.timing == TimingMode::accurate && !ext.decoupled && delay > sc_core::SC_ZERO_TIME) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
}

bool FetchUnit::memory_access(tlm::tlm_generic_payload& orig, const FetchExtension& ext, uint64_t addr, uint8_t* data,
                              uint32_t len, sc_time& delay) {
  // Accurate mode: a prefetch or a write-back is posted to the DMA workers (the requester uses no
  // completion time of it: later reads wait for the fill, the job's end drains), and so is a read
  // with a completion handle (the requester waits on the handle); any other decoupled read of the
  // requester's own data waits here, as its completion time is what the requester uses.
  if (config_.timing == TimingMode::accurate && ext.decoupled && (ext.prefetch || orig.is_write() || ext.completion))
    return post_dma(orig, ext, addr, data, len, delay);
  const Traffic cls = ext.cls;
  PooledPayload p(payloads_);
  p->set_command(orig.get_command());
  p->set_address(addr);
  p->set_data_ptr(data);
  p->set_data_length(len);
  p->set_streaming_width(len);
  const sc_time start = sc_core::sc_time_stamp() + delay;
  mem->b_transport(*p, delay);
  const sc_time end = sc_core::sc_time_stamp() + delay;
  if (p->get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) {  // the target ignored it: a failure
    orig.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return false;
  }
  if (p->is_response_error()) {
    orig.set_response_status(p->get_response_status());
    return false;
  }
  stats_.dram_bytes[size_t(cls)] += len;
  ++stats_.dram_transactions;
  account(cls, len, start, end);
  advance(ext, delay);
  return true;
}

void FetchUnit::account(Traffic, uint32_t, const sc_time& start, const sc_time& end) {
  const sc_time from = std::max(start, busy_until_);
  if (end > from) {
    const uint64_t cycles = uint64_t(std::llround((end - from) / period_));
    stats_.busy_cycles += cycles;
    if (trace_) trace_->span(TraceTrack::fetch, "dram access", from, end, cycles);
  }
  busy_until_ = std::max(busy_until_, end);
}

void FetchUnit::b_transport(int, tlm::tlm_generic_payload& p, sc_time& delay) {
  FetchExtension* ext = nullptr;
  p.get_extension(ext);
  if (!ext) {  // the engines' requests carry their traffic class
    p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (p.get_streaming_width() < p.get_data_length()) {  // a width at or above the length is a plain burst
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (p.get_command() == tlm::TLM_IGNORE_COMMAND) {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  ext->onchip_cycles = 0;
  SramBankCounter banks(config_.sram_bytes_per_cycle, config_.sram_banks);
  if (ext->completion && (config_.timing != TimingMode::accurate || !ext->decoupled || !ext->runs))
    ext->completion = nullptr;  // only an accurate-mode decoupled gathered read is posted
  if (ext->completion) ext->completion->done = sc_core::sc_time_stamp() + delay;
  if (ext->runs) {  // a gathered request: its runs one after the other, as separate requests would be
    // lt: a prefetch's runs are issued together (their delays start at the same time); so are the
    // spans of a posted read in accurate mode, which returns at its issue time.
    const bool outstanding = ext->completion || (ext->prefetch && config_.timing == TimingMode::lt);
    const bool lt = config_.timing == TimingMode::lt;
    const sc_time issue = delay;
    sc_time done = delay;
    // A run of a plain read (most runs) goes to its buffer half without serve()'s other cases. In
    // lt nothing waits here, so the half changes only where serve() takes one over.
    int half = plain_read_half(p, *ext);
    uint64_t hit_bytes = 0;  // the lt whole hits' bytes, counted once after the loop
    for (uint32_t r = 0; r < ext->n_runs; ++r) {
      const FetchRun& run = ext->runs[r];
      if (run.len == 0) continue;
      // lt, the whole run resident (the usual case): serve_buffered()'s hit without its time
      // bookkeeping, which a hit leaves as it is (done ≥ delay and ≥ issue throughout).
      if (lt && half >= 0 && half_[half].read_resident(run.addr, run.len, run.copy_resident ? run.data : nullptr)) {
        hit_bytes += run.len;
        banks.add(run.addr, run.len);
        continue;
      }
      sc_time d = outstanding ? issue : delay;
      if (!lt) half = plain_read_half(p, *ext);
      const bool ok = half >= 0
                          ? serve_buffered(p, *ext, banks, half, run.addr, run.len, run.data, run.copy_resident, d)
                          : serve(p, *ext, banks, run.addr, run.len, run.data, run.copy_resident, d);
      if (!ok) {
        stats_.sram_bytes[size_t(ext->cls)] += hit_bytes;
        return;
      }
      done = std::max(done, d);
      if (!outstanding) delay = d;
      if (lt) half = plain_read_half(p, *ext);
    }
    stats_.sram_bytes[size_t(ext->cls)] += hit_bytes;
    delay = done;
  } else if (!serve(p, *ext, banks, p.get_address(), p.get_data_length(), p.get_data_ptr(), ext->copy_resident,
                    delay)) {
    return;
  }
  ext->onchip_cycles = banks.cycles();  // the whole request's on-chip reads, by bank
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool FetchUnit::serve(tlm::tlm_generic_payload& p, FetchExtension& ext, SramBankCounter& banks, uint64_t addr,
                      uint32_t len, uint8_t* data, bool copy_resident, sc_time& delay) {
  if (ext.completion && !fills_.empty()) {
    join_fills(addr, len, *ext.completion);
  } else if (config_.timing == TimingMode::accurate && !ext.prefetch && p.is_read() && !fills_.empty()) {
    sc_core::wait(delay);  // the request's own time first, then any fill it overlaps
    delay = sc_core::SC_ZERO_TIME;
    wait_for_fills(addr, len);
  }
  const Traffic cls = ext.cls;
  bool buffered = false;
  const int half = int(ext.buffer_tag & 1);
  if (p.is_read() && ext.buffer_tag >= 0 && config_.sram_bytes > 0) {
    // A newer kv head takes its half over; a late request of an older head bypasses it.
    if (ext.buffer_tag > owner_[half]) {
      half_[half].clear();
      other_used_[half] = 0;
      owner_[half] = ext.buffer_tag;
    }
    buffered = ext.buffer_tag == owner_[half];
  }
  if (ext.prefetch) {  // only what is missing and fits; no buffer, nothing to do
    if (!buffered) return true;
    SpanList list(span_lists_);
    std::vector<OnChipBuffer::Span>& missing = *list;
    half_[half].read(addr, len, nullptr, missing);
    for (const auto& s : missing) {
      const uint32_t len = uint32_t(std::min<uint64_t>(s.len, fill_room(half, cls)));
      if (len == 0) continue;
      uint8_t* dst = data + (s.addr - addr);
      if (!memory_access(p, ext, s.addr, dst, len, delay)) return false;
      fill(half, cls, s.addr, len, dst);
    }
    return true;
  }
  if (!buffered) return memory_access(p, ext, addr, data, len, delay);
  return serve_buffered(p, ext, banks, half, addr, len, data, copy_resident, delay);
}

bool FetchUnit::serve_partial(tlm::tlm_generic_payload& p, FetchExtension& ext, SramBankCounter& banks, int half,
                              uint64_t addr, uint32_t len, uint8_t* data, bool copy_resident, sc_time& delay) {
  const Traffic cls = ext.cls;
  SpanList list(span_lists_);
  std::vector<OnChipBuffer::Span>& missing = *list;
  half_[half].read(addr, len, copy_resident ? data : nullptr, missing);
  uint32_t missing_bytes = 0;
  for (const auto& s : missing) missing_bytes += s.len;
  const uint32_t hit_bytes = len - missing_bytes;
  if (hit_bytes > 0) {
    stats_.sram_bytes[size_t(cls)] += hit_bytes;
    // The resident spans (between the missing ones, offsets from addr: a span may end at 2^64).
    uint64_t off = 0;
    for (const auto& m : missing) {
      const uint64_t m_off = m.addr - addr;
      if (m_off > off) banks.add(addr + off, uint32_t(m_off - off));
      off = m_off + m.len;
    }
    if (off < len) banks.add(addr + off, uint32_t(len - off));
  }
  for (const auto& s : missing) {
    uint8_t* dst = data + (s.addr - addr);
    if (!memory_access(p, ext, s.addr, dst, s.len, delay)) return false;
    const uint64_t room = fill_room(half, cls);
    if (room > 0) fill(half, cls, s.addr, uint32_t(std::min<uint64_t>(s.len, room)), dst);
  }
  advance(ext, delay);
  return true;
}

unsigned int FetchUnit::transport_dbg(int, tlm::tlm_generic_payload& p) { return mem->transport_dbg(p); }

}  // namespace energon::hw
