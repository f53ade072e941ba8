// Text of the controller's log lines: register accesses with their names and decoded fields,
// descriptors, errors with their code names (docs/debugging.md). Names come from register_table.h.
#pragma once

#include <cstdint>
#include <string>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// "CTRL = 0x00000005 (ENABLE IRQ_EN)"; unknown offsets as "offset 0x...".
std::string describe_register(uint32_t offset, uint32_t value);
/// One line with the descriptor's shape, policy, rounds, planes and buffer addresses.
std::string describe_descriptor(const energon_desc_t& d);
/// "BAD_MAGIC (Descriptor magic is not ENERGON_DESC_MAGIC)".
std::string describe_error(uint8_t code);

}  // namespace energon::hw
