// The fetch unit's posted DMA in accurate mode (fetch_unit.h): a prefetch's or write-back's bytes
// move at once over debug transport, its timed transfer is queued for the DMA worker thread(s),
// which issue it on `mem` (the bus interface keeps its pieces outstanding with the engines') and
// account its busy time; reads in flight are recorded so that a later request that needs the same
// bytes waits for them; wait_dma() and drain() wait for the posted transfers.
#include <algorithm>
#include <utility>

#include "energon/hw/fetch_unit.h"

namespace energon::hw {

using sc_core::sc_time;

bool FetchUnit::post_dma(tlm::tlm_generic_payload& orig, const FetchExtension& ext, uint64_t addr, uint8_t* data,
                         uint32_t len, const sc_time& delay) {
  PooledPayload p(payloads_);
  p->set_command(orig.get_command());
  p->set_address(addr);
  p->set_data_ptr(data);
  p->set_data_length(len);
  p->set_streaming_width(len);
  p->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (mem->transport_dbg(*p) != len) {  // the functional transfer failed: the address is not memory
    orig.set_response_status(p->get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE ||
                                     p->get_response_status() == tlm::TLM_OK_RESPONSE
                                 ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                 : p->get_response_status());
    return false;
  }
  stats_.dram_bytes[size_t(ext.cls)] += len;
  ++stats_.dram_transactions;
  Dma job;
  job.cmd = orig.get_command();
  job.addr = addr;
  job.len = len;
  job.cls = ext.cls;
  job.start = sc_core::sc_time_stamp() + delay;
  job.id = dma_next_id_++;
  if (job.cmd == tlm::TLM_WRITE_COMMAND)
    job.bytes.assign(data, data + len);
  else
    job.bytes.resize(len);
  if (job.cmd == tlm::TLM_READ_COMMAND) fills_.push_back({addr, len, job.id, {}});
  dma_ids_.insert(job.id);
  ++dma_pending_;
  if (ext.completion) {  // an engine's own read: its own workers, never behind the prefetches
    job.completion = ext.completion;
    ++job.completion->pending;
    std::vector<Dma> chain;
    chain.push_back(std::move(job));
    enqueue(kDemand, std::move(chain));
    return true;
  }
  open_chain_.push_back(std::move(job));
  if (!chain_open_) end_dma_chain();
  return true;
}

void FetchUnit::begin_dma_chain() {
  if (config_.timing == TimingMode::accurate) chain_open_ = true;
}

void FetchUnit::end_dma_chain() {
  chain_open_ = false;
  if (open_chain_.empty()) return;
  enqueue(kPosted, std::move(open_chain_));
  open_chain_.clear();
}

void FetchUnit::enqueue(unsigned queue, std::vector<Dma>&& chain) {
  dma_queue_[queue].push_back(std::move(chain));
  dma_queued_[queue].notify(sc_core::SC_ZERO_TIME);
}

void FetchUnit::dma_worker(unsigned queue) {
  for (;;) {
    while (dma_queue_[queue].empty()) sc_core::wait(dma_queued_[queue]);
    std::vector<Dma> chain = std::move(dma_queue_[queue].front());
    dma_queue_[queue].pop_front();
    for (Dma& job : chain) serve_dma(job);
  }
}

void FetchUnit::serve_dma(Dma& job) {
  if (job.start > sc_core::sc_time_stamp()) sc_core::wait(job.start - sc_core::sc_time_stamp());
  PooledPayload p(payloads_);
  p->set_command(job.cmd);
  p->set_address(job.addr);
  p->set_data_ptr(job.bytes.data());
  p->set_data_length(job.len);
  p->set_streaming_width(job.len);
  const sc_time start = sc_core::sc_time_stamp();
  sc_time d = sc_core::SC_ZERO_TIME;
  mem->b_transport(*p, d);  // the bus interface waits in this thread until the pieces are done
  if (d > sc_core::SC_ZERO_TIME) sc_core::wait(d);
  const sc_time end = sc_core::sc_time_stamp();
  account(job.cls, job.len, start, end);
  if (job.completion) job.completion->finished(end);
  const auto filled = std::find_if(fills_.begin(), fills_.end(), [&](const Fill& f) { return f.id == job.id; });
  if (filled != fills_.end()) {
    for (FetchCompletion* c : filled->waiters) c->finished(end);
    fills_.erase(filled);
  }
  dma_ids_.erase(job.id);
  --dma_pending_;
  dma_done_.notify(sc_core::SC_ZERO_TIME);
}

void FetchUnit::wait_for_fills(uint64_t addr, uint32_t len) {
  const auto overlaps = [&] {
    return std::any_of(fills_.begin(), fills_.end(),
                       [&](const Fill& f) { return f.addr <= addr + (len - 1) && addr <= f.addr + (f.len - 1); });
  };
  while (len > 0 && overlaps()) sc_core::wait(dma_done_);
}

void FetchUnit::join_fills(uint64_t addr, uint32_t len, FetchCompletion& completion) {
  for (Fill& f : fills_)
    if (len > 0 && f.addr <= addr + (len - 1) && addr <= f.addr + (f.len - 1) &&
        std::find(f.waiters.begin(), f.waiters.end(), &completion) == f.waiters.end()) {
      f.waiters.push_back(&completion);
      ++completion.pending;
    }
}

void FetchUnit::wait_dma(uint64_t ticket) {
  while (!dma_ids_.empty() && *dma_ids_.begin() < ticket) sc_core::wait(dma_done_);
}

void FetchUnit::drain() {
  while (dma_pending_ > 0) sc_core::wait(dma_done_);
}

}  // namespace energon::hw
