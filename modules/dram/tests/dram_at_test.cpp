// nb_transport testbench: a small approximately-timed initiator keeps several requests
// outstanding (TLM-2.0 base protocol, payloads from a memory manager) and checks END_REQ and
// BEGIN_RESP times in DRAM cycles on the small fixture (1 ns clock; see dram_controller_test.cpp
// for the command timing), back-pressure from full bank buffers, data, and acquire/release.
#include <catch2/catch.hpp>

#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <vector>

#include "dram_stimulus.h"

using namespace energon::hw;
using energon::hw::test::small_addr;
using energon::hw::test::small_config;

namespace {

struct Request {
  bool write = false;
  uint64_t address = 0;
  unsigned length = 64;
};

/// Payload pool: counts the payloads handed back (every acquire matched by a release).
class PayloadPool : public tlm::tlm_mm_interface {
 public:
  tlm::tlm_generic_payload* allocate() {
    payloads_.push_back(std::make_unique<tlm::tlm_generic_payload>(this));
    return payloads_.back().get();
  }
  void free(tlm::tlm_generic_payload* /*trans*/) override { ++freed; }
  size_t freed = 0;

 private:
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> payloads_;
};

/// Issues every request at time 0, one after the other as the base protocol allows (the next
/// BEGIN_REQ after END_REQ), and records END_REQ and BEGIN_RESP times in cycles.
class AtInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<AtInitiator> init;
  std::vector<int64_t> accepted, responded;
  std::vector<std::vector<uint8_t>> data;
  std::vector<tlm::tlm_response_status> status;
  bool finished = false;

  AtInitiator(sc_core::sc_module_name name, std::vector<Request> requests, bool end_resp_later)
      : sc_module(name), init("init"), requests_(std::move(requests)), end_resp_later_(end_resp_later) {
    const size_t n = requests_.size();
    accepted.assign(n, -1);
    responded.assign(n, -1);
    status.assign(n, tlm::TLM_INCOMPLETE_RESPONSE);
    data.assign(n, std::vector<uint8_t>());
    init.register_nb_transport_bw(this, &AtInitiator::nb_transport_bw);
    SC_HAS_PROCESS(AtInitiator);
    SC_THREAD(issue);
    SC_METHOD(end_response);
    sensitive << end_resp_event_;
    dont_initialize();
  }
  PayloadPool pool;

 private:
  int64_t cycle() const { return int64_t(sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_NS)); }
  size_t index(const tlm::tlm_generic_payload& t) const {
    for (size_t i = 0; i < sent_.size(); ++i)
      if (sent_[i] == &t) return i;
    FAIL("unknown payload");
    return 0;
  }

  void issue() {
    for (size_t i = 0; i < requests_.size(); ++i) {
      const Request& r = requests_[i];
      tlm::tlm_generic_payload* t = pool.allocate();
      t->acquire();
      data[i].assign(r.length, r.write ? uint8_t(0x40 + i) : uint8_t(0));
      t->set_command(r.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      t->set_address(r.address);
      t->set_data_ptr(data[i].data());
      t->set_data_length(r.length);
      t->set_streaming_width(r.length);
      t->set_byte_enable_ptr(nullptr);
      t->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sent_.push_back(t);
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      const tlm::tlm_sync_enum s = init->nb_transport_fw(*t, phase, delay);
      if (s == tlm::TLM_COMPLETED) {
        status[i] = t->get_response_status();
        t->release();
        continue;
      }
      REQUIRE(s == tlm::TLM_ACCEPTED);
      wait(end_req_event_);
    }
    while (responses_ < requests_.size() && !all_done()) wait(done_event_);
    finished = true;
  }
  bool all_done() const {
    for (size_t i = 0; i < requests_.size(); ++i)
      if (status[i] == tlm::TLM_INCOMPLETE_RESPONSE) return false;
    return true;
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_core::sc_time& /*d*/) {
    const size_t i = index(t);
    if (phase == tlm::END_REQ) {
      accepted[i] = cycle();
      end_req_event_.notify();
      return tlm::TLM_ACCEPTED;
    }
    REQUIRE(phase == tlm::BEGIN_RESP);
    responded[i] = cycle();
    status[i] = t.get_response_status();
    ++responses_;
    done_event_.notify();
    if (end_resp_later_) {  // END_RESP on the forward path a cycle later
      pending_end_ = &t;
      end_resp_event_.notify(sc_core::sc_time(1, sc_core::SC_NS));
      return tlm::TLM_ACCEPTED;
    }
    t.release();
    return tlm::TLM_COMPLETED;
  }

  void end_response() {
    tlm::tlm_generic_payload* t = pending_end_;
    pending_end_ = nullptr;
    tlm::tlm_phase phase = tlm::END_RESP;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    CHECK(init->nb_transport_fw(*t, phase, delay) == tlm::TLM_COMPLETED);
    t->release();
  }

  std::vector<Request> requests_;
  bool end_resp_later_;
  std::vector<tlm::tlm_generic_payload*> sent_;
  size_t responses_ = 0;
  tlm::tlm_generic_payload* pending_end_ = nullptr;
  sc_core::sc_event end_req_event_, done_event_, end_resp_event_;
};

DramConfig with_scheduler(const std::string& scheduler) {
  DramConfig c = small_config();
  c.controller.scheduler = scheduler;
  return c;
}

}  // namespace

TEST_CASE("dram nb_transport: FR-FCFS answers the interleaved row hit before the conflict") {
  // A row 0, B row 1, C row 0 to one bank, all requested at time 0 (see dram_controller_test.cpp).
  Dram dram("dram", with_scheduler("frfcfs"));
  AtInitiator at(
      "at", {{false, small_addr(0, 0, 0, 0)}, {false, small_addr(1, 0, 0, 0)}, {false, small_addr(0, 0, 0, 1)}}, false);
  at.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(at.finished);
  CHECK(at.accepted == std::vector<int64_t>{0, 0, 0});
  CHECK(at.responded == std::vector<int64_t>{27, 67, 33});
  CHECK(dram.stats().row_hits() == 1);
  CHECK(dram.stats().total().reordered == 1);
  CHECK(dram.stats().transactions() == 3);
  CHECK(at.pool.freed == 3);
}

TEST_CASE("dram nb_transport: FIFO answers in arrival order, the row hit after the conflict") {
  Dram dram("dram", with_scheduler("fifo"));
  AtInitiator at(
      "at", {{false, small_addr(0, 0, 0, 0)}, {false, small_addr(1, 0, 0, 0)}, {false, small_addr(0, 0, 0, 1)}}, false);
  at.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(at.finished);
  CHECK(at.responded == std::vector<int64_t>{27, 67, 107});
  CHECK(dram.stats().row_hits() == 0);
}

TEST_CASE("dram nb_transport: a full bank buffer holds END_REQ back until a request is served") {
  // Ten requests to one bank, each to another row; the buffer holds eight.
  std::vector<Request> reqs;
  for (uint64_t i = 0; i < 10; ++i) reqs.push_back({false, small_addr(i, 0, 0, 0)});
  Dram dram("dram", with_scheduler("fifo"));
  AtInitiator at("at", reqs, false);
  at.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(at.finished);
  for (size_t i = 0; i < 8; ++i) CHECK(at.accepted[i] == 0);
  CHECK(at.accepted[8] == 12);  // the first RD at 11 frees a slot (seen the cycle after)
  CHECK(at.accepted[9] == 52);  // the second: PRE 26, ACT 41, RD 51
  CHECK(at.responded[0] == 27);
  CHECK(at.responded[1] == 67);
  for (size_t i = 1; i < 10; ++i) CHECK(at.responded[i] > at.responded[i - 1]);
  CHECK(dram.at_requests_accepted() == 10);
}

TEST_CASE("dram nb_transport: data written is read back and END_RESP on the forward path frees the channel") {
  std::vector<Request> reqs;
  for (uint64_t i = 0; i < 4; ++i) reqs.push_back({true, small_addr(i % 2, i / 2, 0, 0) + 3, 100});
  for (uint64_t i = 0; i < 4; ++i) reqs.push_back({false, small_addr(i % 2, i / 2, 0, 0) + 3, 100});
  Dram dram("dram", small_config());
  AtInitiator at("at", reqs, true);
  at.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(at.finished);
  for (size_t i = 0; i < 8; ++i) CHECK(at.status[i] == tlm::TLM_OK_RESPONSE);
  for (size_t i = 0; i < 4; ++i) CHECK(at.data[4 + i] == std::vector<uint8_t>(100, uint8_t(0x40 + i)));
  CHECK(dram.at_responses() == 8);
  CHECK(at.pool.freed == 8);
  CHECK(dram.stats().bytes_written() == 400);
  CHECK(dram.stats().bytes_read() == 400);
  CHECK(dram.stats().writes() == 4 * 2);  // 100 bytes from offset 3: two 64 B bursts
}

TEST_CASE("dram nb_transport: an out-of-range request completes at once with an address error") {
  Dram dram("dram", small_config());
  AtInitiator at("at", {{false, dram.config().size_bytes}, {false, small_addr(0, 0, 0, 0)}}, false);
  at.init.bind(dram.tgt);
  sc_core::sc_start();
  REQUIRE(at.finished);
  CHECK(at.status[0] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(at.responded[0] == -1);
  CHECK(at.status[1] == tlm::TLM_OK_RESPONSE);
  CHECK(at.responded[1] == 27);
  CHECK(at.pool.freed == 2);
}
