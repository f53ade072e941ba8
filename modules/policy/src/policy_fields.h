// Descriptor-field helpers the policy implementations share (not part of the interface).
#pragma once

#include <cstdint>
#include <string>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// "" when a selection rule of the descriptor is a known rule with its parameter in range.
std::string rule_error(const energon_select_t& s, const std::string& where);
/// Leading K planes of the descriptor's layout that cover the k_bits most significant bits.
uint8_t leading_planes(const energon_desc_t& d, unsigned k_bits);

}  // namespace energon::hw
