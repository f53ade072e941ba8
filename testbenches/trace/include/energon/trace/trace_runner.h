// Executes a parsed register-level trace from an SC_THREAD: register and memory accesses go
// through `socket` (b_transport for write32/read32/poll32, debug transport for the memory
// backdoor commands load/fill/desc/compare); `irq` is the accelerator's interrupt line.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <string>
#include <vector>

#include "energon/trace/trace.h"

namespace energon::trace {

class TraceRunner : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TraceRunner> socket;
  sc_core::sc_in<bool> irq;

  SC_HAS_PROCESS(TraceRunner);
  TraceRunner(const sc_core::sc_module_name& name, std::vector<Command> commands);
  TraceRunner(const TraceRunner&) = delete;
  TraceRunner& operator=(const TraceRunner&) = delete;

  /// True when every command ran and matched.
  bool passed() const { return finished_ && failure_.empty(); }
  bool finished() const { return finished_; }
  /// "file:line: command: what went wrong", empty when passed.
  const std::string& failure() const { return failure_; }
  size_t executed() const { return executed_; }

 private:
  void run();
  void execute(const Command& c);
  uint32_t bus_read32(const Command& c, uint64_t address);
  void debug_access(const Command& c, tlm::tlm_command cmd, uint64_t address, uint8_t* data, uint64_t length);
  [[noreturn]] void fail(const Command& c, const std::string& what);

  std::vector<Command> commands_;
  std::string failure_;
  size_t executed_ = 0;
  bool finished_ = false;
};

}  // namespace energon::trace
