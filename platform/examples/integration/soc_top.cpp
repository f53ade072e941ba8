// An integrator's SoC top (own RAM, bus, CPU thread, HAL) with the Energon IP; jobs checked against the golden model.
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <cstdio>
#include <cstring>
#include <random>
#include "energon/fw/energon_fw.h"
#include "energon/fw/energon_job.h"
#include "energon/golden/golden.h"
#include "energon/hw/accelerator.h"
using namespace sc_core;
constexpr uint64_t kRamBase = 0x80000000, kRamSize = 16 << 20, kAccelBase = 0x10000000;
struct Ram : sc_module {  // 10 ns per access
  tlm_utils::simple_target_socket<Ram> socket{"socket"};
  std::vector<unsigned char> bytes = std::vector<unsigned char>(kRamSize);
  explicit Ram(sc_module_name n) : sc_module(n) { socket.register_b_transport(this, &Ram::access); }
  void access(tlm::tlm_generic_payload& t, sc_time& delay) {
    if (t.get_address() + t.get_data_length() > kRamSize) return t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    unsigned char* at = bytes.data() + t.get_address();
    t.is_read() ? std::memcpy(t.get_data_ptr(), at, t.get_data_length())
                : std::memcpy(at, t.get_data_ptr(), t.get_data_length());
    delay += sc_time(10, SC_NS), t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};
struct Bus : sc_module {  // RAM at kRamBase, the accelerator's registers at kAccelBase
  tlm_utils::multi_passthrough_target_socket<Bus> in{"in"};
  tlm_utils::simple_initiator_socket<Bus> ram{"ram"}, regs{"regs"};
  explicit Bus(sc_module_name n) : sc_module(n) { in.register_b_transport(this, &Bus::route); }
  void route(int, tlm::tlm_generic_payload& t, sc_time& delay) {
    const uint64_t a = t.get_address();
    auto* out = a - kRamBase < kRamSize ? &ram : a - kAccelBase < ENERGON_REG_SPACE_BYTES ? &regs : nullptr;
    if (!out) return t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    t.set_address(a - (out == &ram ? kRamBase : kAccelBase));
    (*out)->b_transport(t, delay);
    t.set_address(a);
  }
};
struct Cpu : sc_module {  // runs the driver; the HAL's hooks are its bus accesses
  tlm_utils::simple_initiator_socket<Cpu> bus{"bus"};
  sc_in<bool> irq{"irq"};
  uint64_t heap = kRamBase;
  int failures = -1;  // until the program has run
  SC_HAS_PROCESS(Cpu);
  explicit Cpu(sc_module_name n) : sc_module(n) { SC_THREAD(run); }
  bool transfer(tlm::tlm_command cmd, uint64_t addr, void* data, size_t n) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd), t.set_address(addr), t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(unsigned(n)), t.set_streaming_width(unsigned(n));
    sc_time delay;
    bus->b_transport(t, delay), wait(delay);
    return t.is_response_ok();
  }
  static Cpu& of(void* ctx) { return *static_cast<Cpu*>(ctx); }
  energon_hal_t hal = {
      this,
      [](void* c, uint64_t a) {
        uint32_t v = 0;
        of(c).transfer(tlm::TLM_READ_COMMAND, a, &v, 4);
        return v;
      },
      [](void* c, uint64_t a, uint32_t v) { of(c).transfer(tlm::TLM_WRITE_COMMAND, a, &v, 4); },
      [](void* c, uint32_t us) {
        if (!of(c).irq.read()) sc_core::wait(sc_time(us, SC_US), of(c).irq.posedge_event());
        return of(c).irq.read() ? 0 : 1;
      },
      [](void* c, uint64_t a, const void* s, size_t n) {
        return of(c).transfer(tlm::TLM_WRITE_COMMAND, a, const_cast<void*>(s), n) ? 0 : 1;
      },
      [](void* c, uint64_t a, void* d, size_t n) { return of(c).transfer(tlm::TLM_READ_COMMAND, a, d, n) ? 0 : 1; },
      [](void* c, size_t n, size_t align) {
        uint64_t& h = of(c).heap;
        h = (h + align - 1) / align * align;
        h += n;
        return h - n;
      }};

  void run() {
    energon_dev_t dev;
    energon_init(&dev, &hal, kAccelBase);
    energon_queue_setup(&dev, hal.mem_alloc(this, 4 * ENERGON_DESC_BYTES, ENERGON_RING_ALIGN), 4);
    energon::QuantizedLayer L;  // one random layer: 4 heads over 2 kv heads, 96 queries and keys, d 64
    L.shape = {4, 2, 96, 96, 64, false, 96};
    std::mt19937 rng(1);
    for (auto* x : {&L.q.data, &L.k.data, &L.v.data})
      for (x->resize(x == &L.q.data ? L.shape.q_elems() : L.shape.kv_elems()); int16_t & e : *x)
        e = int16_t(rng() % 40001 - 20000);
    L.q.scale.assign(4, 0.002f), L.k.scale.assign(2, 0.002f), L.v.scale.assign(2, 0.01f);
    const energon_job_shape_t shape = {4, 2, 96, 96, 64, 96, 0};
    const energon_job_tensors_t tensors = {L.q.data.data(), L.k.data.data(), L.v.data.data(), L.q.scale.data(),
                                           L.k.scale.data()};
    const energon_select_t rounds[2] = {{ENERGON_RULE_THRESHOLD, 4, 2, 0, -64, 0, 0},
                                        {ENERGON_RULE_THRESHOLD, 4, 4, 0, 0, 0, 0}};
    failures = 0;  // every address below is a bus address, as the accelerator will issue it
    for (uint8_t policy : {ENERGON_POLICY_DENSE, ENERGON_POLICY_MPMRF}) {
      energon_desc_t desc;
      energon_wait_info_t info;
      energon_job_place(&hal, &shape, &tensors, policy, rounds, 2, rounds, &desc, nullptr);
      energon_submit(&dev, &desc, 1, nullptr);
      const int rc = energon_wait(&dev, 1000000, &info);
      std::vector<int16_t> out(L.shape.q_elems());
      hal.mem_read(this, desc.out_addr, out.data(), out.size() * 2);
      const auto filter =
          policy == ENERGON_POLICY_DENSE ? energon::FilterConfig::dense() : energon::FilterConfig::energon_default();
      const bool exact = rc == ENERGON_FW_OK && out == energon::golden::run_attention(L, filter);
      std::printf("%s job: %s, bit-exact vs golden: %s\n", policy ? "mpmrf" : "dense", energon_strerror(rc),
                  exact ? "PASS" : "FAIL");
      failures += !exact;
    }
  }
};
int sc_main(int, char*[]) {
  Ram ram("ram");
  Bus bus("bus");
  Cpu cpu("cpu");
  energon::hw::Accelerator accel("energon", energon::hw::AccelConfig::edge());  // the one configuration struct
  sc_signal<bool> irq("irq");                                                   // level, active high
  cpu.bus.bind(bus.in), accel.mem.bind(bus.in), bus.ram.bind(ram.socket), bus.regs.bind(accel.regs);
  accel.irq.bind(irq), cpu.irq.bind(irq);
  sc_start();
  std::printf("integration example: %s\n", cpu.failures == 0 ? "PASS" : "FAIL");
  return cpu.failures == 0 ? 0 : 1;
}
