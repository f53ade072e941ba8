#include "energon/trace/trace_runner.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "energon/hw/energon_regs.h"

namespace energon::trace {

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

struct Failed {};  // unwinds the trace thread after the first failure

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

TraceRunner::TraceRunner(const sc_core::sc_module_name& name, std::vector<Command> commands)
    : sc_module(name), socket("socket"), irq("irq"), commands_(std::move(commands)) {
  SC_THREAD(run);
}

void TraceRunner::run() {
  try {
    for (const Command& c : commands_) {
      execute(c);
      ++executed_;
    }
  } catch (const Failed&) {
  }
  finished_ = true;
  sc_core::sc_stop();  // other models may keep periodic processes alive
}

void TraceRunner::fail(const Command& c, const std::string& what) {
  failure_ = c.where + ": " + c.text + ": " + what;
  throw Failed{};
}

uint32_t TraceRunner::bus_read32(const Command& c, uint64_t address) {
  uint32_t v = 0;
  tlm::tlm_generic_payload t;
  sc_time delay = sc_core::SC_ZERO_TIME;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(address);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(4);
  t.set_streaming_width(4);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(t, delay);
  wait(delay);
  if (!t.is_response_ok()) fail(c, "bus error " + t.get_response_string() + " reading " + hex(address));
  return v;
}

void TraceRunner::debug_access(const Command& c, tlm::tlm_command cmd, uint64_t address, uint8_t* data,
                               uint64_t length) {
  constexpr uint64_t kChunk = 1 << 16;  // transport_dbg lengths are unsigned int
  for (uint64_t done = 0; done < length;) {
    const uint64_t n = std::min(kChunk, length - done);
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(address + done);
    t.set_data_ptr(data + done);
    t.set_data_length(unsigned(n));
    if (socket->transport_dbg(t) != n)
      fail(c, "memory at " + hex(address + done) + ".." + hex(address + done + n - 1) + " is not (all) mapped");
    done += n;
  }
}

void TraceRunner::execute(const Command& c) {
  switch (c.op) {
    case Op::load: {
      std::vector<uint8_t> data = read_file(c.path);
      debug_access(c, tlm::TLM_WRITE_COMMAND, c.addr, data.data(), data.size());
      break;
    }
    case Op::fill: {  // in pieces: a long fill allocates no more than one piece
      const std::vector<uint8_t> piece(std::min<uint64_t>(c.length, 1 << 16), uint8_t(c.value));
      for (uint64_t done = 0; done < c.length; done += piece.size())
        debug_access(c, tlm::TLM_WRITE_COMMAND, c.addr + done, const_cast<uint8_t*>(piece.data()),
                     std::min<uint64_t>(piece.size(), c.length - done));
      break;
    }
    case Op::desc: {
      uint8_t image[ENERGON_DESC_BYTES] = {};
      for (const DescStore& s : c.fields)
        for (uint32_t b = 0; b < s.bytes; ++b) image[s.offset + b] = uint8_t(s.value >> (8 * b));  // little-endian
      debug_access(c, tlm::TLM_WRITE_COMMAND, c.addr, image, sizeof image);
      break;
    }
    case Op::write32: {
      uint32_t v = uint32_t(c.value);
      tlm::tlm_generic_payload t;
      sc_time delay = sc_core::SC_ZERO_TIME;
      t.set_command(tlm::TLM_WRITE_COMMAND);
      t.set_address(c.addr);
      t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
      t.set_data_length(4);
      t.set_streaming_width(4);
      t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      socket->b_transport(t, delay);
      wait(delay);
      if (!t.is_response_ok()) fail(c, "bus error " + t.get_response_string() + " writing " + hex(c.addr));
      break;
    }
    case Op::read32: {
      const uint32_t v = bus_read32(c, c.addr);
      if ((v & c.mask) != c.expected)
        fail(c, "read " + hex(v) + ", masked " + hex(v & c.mask) + ", expected " + hex(c.expected));
      break;
    }
    case Op::poll32: {
      const sc_time end = sc_core::sc_time_stamp() + sc_time(double(c.time_ns), SC_NS);
      for (;;) {
        const uint32_t v = bus_read32(c, c.addr);
        if ((v & c.mask) == c.expected) break;
        if (sc_core::sc_time_stamp() >= end)
          fail(c,
               "still " + hex(v & c.mask) + " after " + std::to_string(c.time_ns) + " ns, expected " + hex(c.expected));
        wait(100, SC_NS);
      }
      break;
    }
    case Op::wait_irq:
      if (!irq.read()) wait(sc_time(double(c.time_ns), SC_NS), irq.posedge_event());
      if (!irq.read()) fail(c, "no interrupt within " + std::to_string(c.time_ns) + " ns");
      break;
    case Op::check_irq:
      if (irq.read() != (c.value != 0)) fail(c, std::string("irq line is ") + (irq.read() ? "high" : "low"));
      break;
    case Op::wait:
      wait(sc_time(double(c.time_ns), SC_NS));
      break;
    case Op::compare: {
      const std::vector<uint8_t> golden = read_file(c.path);
      std::vector<uint8_t> mem(golden.size());
      debug_access(c, tlm::TLM_READ_COMMAND, c.addr, mem.data(), mem.size());
      size_t differ = 0, first = 0;
      for (size_t i = golden.size(); i-- > 0;)
        if (mem[i] != golden[i]) ++differ, first = i;
      if (differ)
        fail(c, std::to_string(differ) + " of " + std::to_string(golden.size()) + " bytes differ from " + c.path +
                    ", first at +" + hex(first) + " (memory " + hex(mem[first]) + ", golden " + hex(golden[first]) +
                    ")");
      break;
    }
  }
}

}  // namespace energon::trace
