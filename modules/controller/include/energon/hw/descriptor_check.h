// Field checks the controller applies to a fetched descriptor before handing it to the
// datapath. The datapath relies on them: it sees only descriptors that passed.
#pragma once

#include <cstdint>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// Largest n_k and n_q the hardware accepts (key and query counters are 17 bits wide).
constexpr uint32_t kMaxDescKeys = 65536;
constexpr uint32_t kMaxDescQueries = 65536;
constexpr uint32_t kMinHeadDim = 8, kMaxHeadDim = 256, kHeadDimStep = 8;
/// Widest low-bit operand of the filter engine (q_bits, k_bits of a round).
constexpr uint32_t kMaxFilterOperandBits = 8;

/// Returns ENERGON_ERR_NONE or the first failing check's code, in this order: BAD_MAGIC,
/// ZERO_SIZE, KV_HEADS, HEAD_DIM, SIZE_LIMIT, POLICY, PLANES, MISALIGNED. Addresses outside
/// memory are not checked here: the bus answers them (ERR_ADDRESS from the datapath).
uint8_t check_descriptor(const energon_desc_t& desc);

}  // namespace energon::hw
