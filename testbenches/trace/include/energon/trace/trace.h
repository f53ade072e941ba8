// Register-level trace format (testbenches/trace/README.md): a text script of memory loads,
// register writes, masked register reads, interrupt waits and memory compares that drives
// the accelerator without the firmware driver.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace energon::trace {

enum class Op { load, fill, desc, write32, read32, poll32, wait_irq, check_irq, wait, compare };

/// One little-endian store into a descriptor image.
struct DescStore {
  uint32_t offset;
  uint32_t bytes;
  uint64_t value;
};

struct Command {
  Op op;
  std::string where;  ///< "file:line" for messages
  std::string text;   ///< the line as written
  uint64_t addr = 0;
  uint64_t value = 0;  ///< write32 value, fill byte, check_irq level
  uint64_t mask = 0, expected = 0;
  uint64_t length = 0;            ///< fill length
  uint64_t time_ns = 0;           ///< wait_irq / poll32 timeout, wait duration
  std::string path;               ///< load / compare: the data file, resolved
  std::vector<DescStore> fields;  ///< desc: stores on a zeroed 256-byte image
};

/// A malformed trace; the message starts with "file:line:".
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Names usable in address and value expressions.
using Symbols = std::map<std::string, uint64_t>;

/// Register names (REGS + offset), REGS, MEM, the constants of energon_regs.h without the
/// ENERGON_ prefix (CTRL_ENABLE, IRQ_DONE, DESC_MAGIC, POLICY_DENSE, ...) and ERR_* codes.
Symbols platform_symbols(uint64_t regs_base, uint64_t mem_base);

/// Parses a trace; data files are looked up next to the trace, then in `data_dirs`.
std::vector<Command> parse_trace(const std::string& path, const Symbols& symbols,
                                 const std::vector<std::string>& data_dirs = {});
/// Parses trace text; `name` and `base_dir` stand for the file in messages and data lookups.
std::vector<Command> parse_trace(std::istream& in, const std::string& name, const std::string& base_dir,
                                 const Symbols& symbols, const std::vector<std::string>& data_dirs = {});

}  // namespace energon::trace
