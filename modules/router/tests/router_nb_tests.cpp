// Router's approximately-timed path: nb_transport forwarding with address translation, responses
// routed to their initiator, per-target arbitration in arrival order (at most one BEGIN_REQ
// without END_REQ at a target), the b_transport → nb_transport adapter. Times in ns.
#include <tlm_utils/simple_initiator_socket.h>
#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>

#include <cmath>
#include <memory>
#include <vector>

#include "energon/hw/router.h"
#include "fake_nb_target.h"

using namespace sc_core;
using energon::hw::Router;
using energon::test::FakeNbTarget;

namespace {

double ns() { return std::round(sc_time_stamp() / sc_time(1, SC_NS)); }

/// Issues its requests at the given times, one request phase at a time (BEGIN_REQ after END_REQ),
/// and records END_REQ and BEGIN_RESP times and the address it gets back with BEGIN_RESP.
struct NbInitiator : sc_module {
  tlm_utils::simple_initiator_socket<NbInitiator> socket;
  struct Req {
    double at_ns;
    uint64_t address;
    bool write = false;
  };
  std::vector<Req> requests;
  std::vector<double> end_req, begin_resp;
  std::vector<uint64_t> address_back;
  std::vector<tlm::tlm_response_status> status;
  std::vector<uint32_t> data;
  uint32_t tag = 0x1000;  ///< written values: tag + request index

  SC_HAS_PROCESS(NbInitiator);
  explicit NbInitiator(const sc_module_name& n) : sc_module(n), socket("socket") {
    socket.register_nb_transport_bw(this, &NbInitiator::nb_transport_bw);
    SC_THREAD(run);
  }
  void run() {
    payloads_.reset(new tlm::tlm_generic_payload[requests.size()]);
    data.assign(requests.size(), 0);
    end_req.assign(requests.size(), -1);
    begin_resp.assign(requests.size(), -1);
    address_back.assign(requests.size(), 0);
    status.assign(requests.size(), tlm::TLM_INCOMPLETE_RESPONSE);
    for (size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].at_ns > ns()) wait(sc_time(requests[i].at_ns, SC_NS) - sc_time_stamp());
      tlm::tlm_generic_payload& t = payloads_[i];
      data[i] = requests[i].write ? tag + unsigned(i) : 0;
      t.set_command(requests[i].write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      t.set_address(requests[i].address);
      t.set_data_ptr(reinterpret_cast<unsigned char*>(&data[i]));
      t.set_data_length(4);
      t.set_streaming_width(4);
      t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_time delay = SC_ZERO_TIME;
      const tlm::tlm_sync_enum s = socket->nb_transport_fw(t, phase, delay);
      if (s == tlm::TLM_COMPLETED) {
        status[i] = t.get_response_status();
        continue;
      }
      if (end_req[i] < 0) wait(end_req_event_);
    }
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_time&) {
    const size_t i = size_t(&t - payloads_.get());
    if (phase == tlm::END_REQ) {
      end_req[i] = ns();
      end_req_event_.notify();
    } else if (phase == tlm::BEGIN_RESP) {
      if (end_req[i] < 0) {  // BEGIN_RESP implies END_REQ
        end_req[i] = ns();
        end_req_event_.notify();
      }
      begin_resp[i] = ns();
      address_back[i] = t.get_address();
      status[i] = t.get_response_status();
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }

 private:
  std::unique_ptr<tlm::tlm_generic_payload[]> payloads_;
  sc_event end_req_event_;
};

constexpr uint64_t kHigh = 0x1000'0000;

// Targets: 0 "low" at 0x0 (accept 5 ns, response 10 ns), 1 "high" at kHigh (accept 2, response 3).
struct Bench {
  Router router{"router"};
  FakeNbTarget low{"low", 0x100, sc_time(5, SC_NS), sc_time(10, SC_NS)};
  FakeNbTarget high{"high", 0x100, sc_time(2, SC_NS), sc_time(3, SC_NS)};
  NbInitiator a{"a"}, b{"b"}, c{"c"};
  Bench() {
    for (NbInitiator* i : {&a, &b, &c}) i->socket.bind(router.target_socket);
    router.initiator_socket.bind(low.socket);
    router.initiator_socket.bind(high.socket);
    router.map(0x0, 0x100, 0, "low");
    router.map(kHigh, 0x100, 1, "high");
  }
};

}  // namespace

TEST_CASE("router nb: forwards with address translation and routes BEGIN_RESP to its initiator") {
  Bench bench;
  bench.a.requests = {{0, kHigh + 0x20, true}, {20, 0x40, false}};
  bench.b.requests = {{1, 0x40, true}, {30, kHigh + 0x20, false}};
  bench.b.tag = 0x2000;
  sc_start();
  // a's write to high: arrives at 0, END_REQ at 2, BEGIN_RESP at 5, with its global address.
  CHECK(bench.high.arrivals.at(0).address == 0x20);
  CHECK(bench.a.end_req[0] == 2);
  CHECK(bench.a.begin_resp[0] == 5);
  CHECK(bench.a.address_back[0] == kHigh + 0x20);
  // b's write to low: END_REQ at 6, BEGIN_RESP at 16; to b, not to a.
  CHECK(bench.b.end_req[0] == 6);
  CHECK(bench.b.begin_resp[0] == 16);
  CHECK(bench.b.address_back[0] == 0x40);
  // The reads see the other initiator's writes.
  CHECK(bench.a.data[1] == 0x2000u);
  CHECK(bench.a.begin_resp[1] == 35);
  CHECK(bench.b.data[1] == 0x1000u);
  CHECK(bench.b.address_back[1] == kHigh + 0x20);
  CHECK(bench.b.begin_resp[1] == 35);
  CHECK(bench.router.nb_in_flight() == 0);
  CHECK(bench.router.nb_requests_held() == 0);
}

TEST_CASE("router nb: a busy target's requests wait in the router in arrival order") {
  Bench bench;
  // All three at low, whose request phase lasts 5 ns: a at 0, c at 1, b at 2.
  bench.a.requests = {{0, 0x00, false}};
  bench.c.requests = {{1, 0x08, false}};
  bench.b.requests = {{2, 0x10, false}};
  sc_start();
  REQUIRE(bench.low.arrivals.size() == 3);
  CHECK(bench.low.arrivals[0].address == 0x00);
  CHECK(bench.low.arrivals[1].address == 0x08);
  CHECK(bench.low.arrivals[2].address == 0x10);
  CHECK(bench.low.arrivals[1].time == sc_time(5, SC_NS));   // at a's END_REQ
  CHECK(bench.low.arrivals[2].time == sc_time(10, SC_NS));  // at c's END_REQ
  CHECK_FALSE(bench.low.exclusion_violated);
  CHECK(bench.low.max_in_flight == 3);  // the responses overlap: only the request phase is exclusive
  CHECK(bench.a.end_req[0] == 5);
  CHECK(bench.c.end_req[0] == 10);
  CHECK(bench.b.end_req[0] == 15);
  CHECK(bench.a.begin_resp[0] == 15);
  CHECK(bench.c.begin_resp[0] == 20);
  CHECK(bench.b.begin_resp[0] == 25);
  CHECK(bench.router.nb_requests_held() == 2);
  CHECK(bench.router.nb_in_flight() == 0);
}

TEST_CASE("router nb: another target's request does not wait for a busy one") {
  Bench bench;
  bench.a.requests = {{0, 0x00, false}};
  bench.b.requests = {{1, kHigh + 0x00, false}};
  sc_start();
  CHECK(bench.b.end_req[0] == 3);  // high is free: 1 + 2
  CHECK(bench.b.begin_resp[0] == 6);
  CHECK(bench.router.nb_requests_held() == 0);
}

TEST_CASE("router nb: off the map BEGIN_REQ completes at once with an address error") {
  Bench bench;
  bench.a.requests = {{0, 0x5000, false}};
  sc_start();
  CHECK(bench.a.status[0] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.low.arrivals.empty());
  CHECK(bench.router.nb_in_flight() == 0);
}

namespace {

struct Blocking : sc_module {
  tlm_utils::simple_initiator_socket<Blocking> socket;
  double done_ns = -1;
  sc_time delay_back;
  uint64_t address_back = 0;
  uint32_t value = 0;
  bool dmi = true;
  SC_HAS_PROCESS(Blocking);
  explicit Blocking(const sc_module_name& n) : sc_module(n), socket("socket") { SC_THREAD(run); }
  void run() {
    wait(1, SC_NS);
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(0x1040);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME;
    socket->b_transport(t, delay);
    done_ns = ns();
    delay_back = delay;
    address_back = t.get_address();
    tlm::tlm_dmi d;
    t.set_address(0x1040);
    dmi = socket->get_direct_mem_ptr(t, d);
  }
};

}  // namespace

TEST_CASE("router nb: blocking_via_nb serves b_transport through the target's nb queue") {
  Router router{"router"};
  FakeNbTarget low{"low", 0x100, sc_time(5, SC_NS), sc_time(10, SC_NS)};
  NbInitiator a{"a"};
  Blocking cpu{"cpu"};
  a.socket.bind(router.target_socket);
  cpu.socket.bind(router.target_socket);
  router.initiator_socket.bind(low.socket);
  router.map(0x1000, 0x100, 0, "low");
  router.blocking_via_nb(0);
  a.requests = {{0, 0x1040, true}};
  sc_start();
  // a's write holds the request phase until 5; the blocking read follows, END_REQ 10, response 20.
  REQUIRE(low.arrivals.size() == 2);
  CHECK(low.arrivals[1].time == sc_time(5, SC_NS));
  CHECK(cpu.done_ns == 20);
  CHECK(cpu.delay_back == SC_ZERO_TIME);  // the time passed in the caller's thread
  CHECK(cpu.address_back == 0x1040);
  CHECK(cpu.value == 0x1000u);  // a's write came first
  CHECK_FALSE(cpu.dmi);         // the nb path would be bypassed
  CHECK_FALSE(low.exclusion_violated);
  CHECK(router.nb_in_flight() == 0);
}
