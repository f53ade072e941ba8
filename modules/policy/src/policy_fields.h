// Descriptor-field helpers the policy implementations share (not part of the interface).
#pragma once

#include <cstdint>
#include <string>

#include "energon/attention_job.h"
#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// "" when a selection rule of the descriptor is a known rule with its parameter in range.
std::string rule_error(const energon_select_t& s, const std::string& where);
/// Leading K planes of the descriptor's layout that cover the k_bits most significant bits.
uint8_t leading_planes(const energon_desc_t& d, unsigned k_bits);

/// The option a top-k rule came from, for messages: "--topk 'top=25%'", or "--topk-fraction".
std::string topk_option(const std::string& topk);
/// The --topk rule `topk` (top=<k> or top=<p>%) into `rule`; nothing when it is empty. Throws
/// std::invalid_argument naming the option.
void read_topk_option(const std::string& topk, SelectConfig& rule);

}  // namespace energon::hw
