// Driver sequencing against a scripted register file (no SystemC): what the driver writes,
// in which order, and how it decodes completion and errors. The SystemC controller is
// exercised end to end by the platform_* tests.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <vector>

#include "energon/fw/energon_fw.h"
#include "energon/hw/energon_desc_codec.h"

namespace {

// Completes every doorbelled descriptor at once: DONE for a good magic, ERROR(BAD_MAGIC) else.
struct FakeDevice {
  static constexpr uint64_t kRegBase = 0xF0000000;
  std::map<uint32_t, uint32_t> regs;
  std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 16, 0);
  std::vector<std::pair<uint32_t, uint32_t>> writes;
  bool complete_jobs = true;
  uint64_t next_alloc = 0x100;
  energon_hal_t hal{};

  FakeDevice() {
    regs[ENERGON_REG_ID] = ENERGON_ID_VALUE;
    regs[ENERGON_REG_VERSION] = ENERGON_VERSION_VALUE;
    hal.ctx = this;
    hal.read32 = [](void* c, uint64_t a) { return static_cast<FakeDevice*>(c)->regs[uint32_t(a - kRegBase)]; };
    hal.write32 = [](void* c, uint64_t a, uint32_t v) {
      static_cast<FakeDevice*>(c)->write(uint32_t(a - kRegBase), v);
    };
    hal.wait_for_interrupt = [](void* c, uint32_t) {
      auto* f = static_cast<FakeDevice*>(c);
      return (f->regs[ENERGON_REG_IRQ_STATUS] & f->regs[ENERGON_REG_IRQ_MASK]) ? 0 : 1;
    };
    hal.mem_write = [](void* c, uint64_t a, const void* s, size_t n) {
      std::memcpy(static_cast<FakeDevice*>(c)->mem.data() + a, s, n);
      return 0;
    };
    hal.mem_read = [](void* c, uint64_t a, void* d, size_t n) {
      std::memcpy(d, static_cast<FakeDevice*>(c)->mem.data() + a, n);
      return 0;
    };
    hal.mem_alloc = [](void* c, size_t n, size_t align) {
      auto* f = static_cast<FakeDevice*>(c);
      const uint64_t a = (f->next_alloc + align - 1) & ~uint64_t(align - 1);
      f->next_alloc = a + n;
      return a;
    };
  }

  void write(uint32_t off, uint32_t v) {
    writes.emplace_back(off, v);
    if (off == ENERGON_REG_IRQ_STATUS) {
      regs[off] &= ~v;
    } else if (off == ENERGON_REG_CTRL) {
      regs[off] = v & ~ENERGON_CTRL_SOFT_RESET;
    } else if (off == ENERGON_REG_QUEUE_TAIL) {
      regs[off] = v;
      if (complete_jobs) run_queue();
    } else {
      regs[off] = v;
    }
  }

  void run_queue() {
    const uint64_t base = regs[ENERGON_REG_QUEUE_BASE_LO];
    const uint32_t size = regs[ENERGON_REG_QUEUE_SIZE];
    uint32_t& head = regs[ENERGON_REG_QUEUE_HEAD];
    while (head != regs[ENERGON_REG_QUEUE_TAIL]) {
      energon_desc_t d;
      energon_desc_decode(mem.data() + base + head * ENERGON_DESC_BYTES, &d);
      const uint32_t err = d.magic == ENERGON_DESC_MAGIC ? 0u : uint32_t(ENERGON_ERR_BAD_MAGIC);
      d.result_status = ENERGON_RESULT_DONE | (err << ENERGON_RESULT_ERR_SHIFT);
      d.result_cycles = 1000 + head;
      energon_desc_encode(&d, mem.data() + base + head * ENERGON_DESC_BYTES);
      if (err) {
        regs[ENERGON_REG_STATUS] = err << ENERGON_STATUS_ERR_SHIFT;
        regs[ENERGON_REG_ERR_DESC] = head;
      }
      regs[ENERGON_REG_IRQ_STATUS] |= err ? ENERGON_IRQ_ERROR : ENERGON_IRQ_DONE;
      regs[ENERGON_REG_JOBS_DONE] += 1;
      head = (head + 1) % size;
    }
  }
};

energon_desc_t good_desc() {
  energon_desc_t d;
  std::memset(&d, 0, sizeof d);
  d.magic = ENERGON_DESC_MAGIC;
  return d;
}

}  // namespace

TEST_CASE("firmware: init resets, enables interrupts and probe checks the ID") {
  FakeDevice dev;
  energon_dev_t e;
  REQUIRE(energon_init(&e, &dev.hal, FakeDevice::kRegBase) == ENERGON_FW_OK);
  REQUIRE(dev.writes.front() == std::make_pair(uint32_t(ENERGON_REG_CTRL), uint32_t(ENERGON_CTRL_SOFT_RESET)));
  REQUIRE(dev.regs[ENERGON_REG_CTRL] == (ENERGON_CTRL_ENABLE | ENERGON_CTRL_IRQ_EN));
  REQUIRE(dev.regs[ENERGON_REG_IRQ_MASK] == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
  REQUIRE(energon_probe(&e) == ENERGON_FW_OK);
  REQUIRE(e.version == ENERGON_VERSION_VALUE);
  dev.regs[ENERGON_REG_VERSION] = 0x02000000;
  REQUIRE(energon_probe(&e) == ENERGON_FW_EVERSION);
  dev.regs[ENERGON_REG_ID] = 0xFFFFFFFF;
  REQUIRE(energon_probe(&e) == ENERGON_FW_ENODEV);
}

TEST_CASE("firmware: submit batches descriptors behind one doorbell and wait clears the interrupt") {
  FakeDevice dev;
  energon_dev_t e;
  energon_init(&e, &dev.hal, FakeDevice::kRegBase);
  REQUIRE(energon_submit(&e, nullptr, 0, nullptr) == ENERGON_FW_ENOQUEUE);
  REQUIRE(energon_queue_setup(&e, 0x1010, 4) == ENERGON_FW_EINVAL);  // ring not 256-byte aligned
  REQUIRE(energon_queue_setup(&e, 0x1000, 1) == ENERGON_FW_EINVAL);
  REQUIRE(energon_queue_setup(&e, 0x1000, 4) == ENERGON_FW_OK);
  REQUIRE(dev.regs[ENERGON_REG_QUEUE_BASE_LO] == 0x1000);
  REQUIRE(dev.regs[ENERGON_REG_QUEUE_SIZE] == 4);
  std::vector<energon_desc_t> descs(4, good_desc());
  REQUIRE(energon_submit(&e, descs.data(), 4, nullptr) == ENERGON_FW_EFULL);  // capacity is entries − 1
  dev.writes.clear();
  uint32_t first = 99;
  REQUIRE(energon_submit(&e, descs.data(), 3, &first) == ENERGON_FW_OK);
  REQUIRE(first == 0);
  int doorbells = 0;
  for (auto& w : dev.writes) doorbells += w.first == ENERGON_REG_QUEUE_TAIL;
  REQUIRE(doorbells == 1);
  REQUIRE(dev.regs[ENERGON_REG_QUEUE_TAIL] == 3);
  energon_wait_info_t info;
  REQUIRE(energon_wait(&e, 1000, &info) == ENERGON_FW_OK);
  REQUIRE(info.jobs_done == 3);
  REQUIRE(info.irq_causes == ENERGON_IRQ_DONE);
  REQUIRE(dev.regs[ENERGON_REG_IRQ_STATUS] == 0);  // cleared by write-one-to-clear
  energon_result_t r;
  REQUIRE(energon_read_result(&e, 2, &r) == ENERGON_FW_OK);
  REQUIRE((r.done && r.error == 0 && r.cycles == 1002));
  // Wrap around the ring: entries 3, 0.
  REQUIRE(energon_submit(&e, descs.data(), 2, &first) == ENERGON_FW_OK);
  REQUIRE(first == 3);
  REQUIRE(dev.regs[ENERGON_REG_QUEUE_TAIL] == 1);
  REQUIRE(energon_wait(&e, 1000, &info) == ENERGON_FW_OK);
  REQUIRE(info.jobs_done == 5);
}

TEST_CASE("firmware: a failed job is reported with its error code and ring index") {
  FakeDevice dev;
  energon_dev_t e;
  energon_init(&e, &dev.hal, FakeDevice::kRegBase);
  energon_queue_setup(&e, 0x1000, 8);
  std::vector<energon_desc_t> descs(3, good_desc());
  descs[1].magic = 0xDEADBEEF;
  REQUIRE(energon_submit(&e, descs.data(), 3, nullptr) == ENERGON_FW_OK);
  energon_wait_info_t info;
  REQUIRE(energon_wait(&e, 1000, &info) == ENERGON_FW_EJOB);
  REQUIRE(info.last_error == ENERGON_ERR_BAD_MAGIC);
  REQUIRE(info.err_desc == 1);
  REQUIRE(info.irq_causes == (ENERGON_IRQ_DONE | ENERGON_IRQ_ERROR));
  energon_result_t r;
  energon_read_result(&e, 1, &r);
  REQUIRE((r.done && r.error == ENERGON_ERR_BAD_MAGIC));
  energon_read_result(&e, 2, &r);
  REQUIRE((r.done && r.error == ENERGON_ERR_NONE));
}

TEST_CASE("firmware: wait times out when the hardware never completes") {
  FakeDevice dev;
  dev.complete_jobs = false;
  energon_dev_t e;
  energon_init(&e, &dev.hal, FakeDevice::kRegBase);
  energon_queue_setup(&e, 0x1000, 8);
  energon_desc_t d = good_desc();
  REQUIRE(energon_submit(&e, &d, 1, nullptr) == ENERGON_FW_OK);
  REQUIRE(energon_wait(&e, 10, nullptr) == ENERGON_FW_ETIMEDOUT);
}

TEST_CASE("firmware: counters are read as 64-bit LO/HI pairs") {
  FakeDevice dev;
  energon_dev_t e;
  energon_init(&e, &dev.hal, FakeDevice::kRegBase);
  dev.regs[ENERGON_REG_PERF_CYCLES_LO] = 5;
  dev.regs[ENERGON_REG_PERF_CYCLES_HI] = 2;
  dev.regs[ENERGON_REG_PERF_RD_K2_LO] = 77;
  dev.regs[ENERGON_REG_PERF_KEPT_FINAL_HI] = 1;
  energon_counters_t c;
  REQUIRE(energon_read_counters(&e, &c) == ENERGON_FW_OK);
  REQUIRE(c.cycles == (uint64_t(2) << 32 | 5));
  REQUIRE(c.rd_k[2] == 77);
  REQUIRE(c.kept_final == (uint64_t(1) << 32));
  energon_clear_counters(&e);
  REQUIRE(dev.writes.back() == std::make_pair(uint32_t(ENERGON_REG_PERF_CTRL), uint32_t(ENERGON_PERF_CLEAR)));
}
