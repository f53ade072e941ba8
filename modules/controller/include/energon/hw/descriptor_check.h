// Field checks the controller applies to a fetched descriptor before handing it to the
// datapath. The datapath relies on them: it sees only descriptors that passed.
#pragma once

#include <cstdint>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

/// The hardware limits of energon_regs.h, under the names the checks use.
constexpr uint32_t kMaxDescKeys = ENERGON_MAX_KEYS;
constexpr uint32_t kMaxDescQueries = ENERGON_MAX_QUERIES;
constexpr uint32_t kMinHeadDim = ENERGON_MIN_HEAD_DIM, kMaxHeadDim = ENERGON_MAX_HEAD_DIM,
                   kHeadDimStep = ENERGON_HEAD_DIM_STEP;
constexpr uint32_t kMaxFilterOperandBits = ENERGON_MAX_FILTER_BITS;

/// Returns ENERGON_ERR_NONE or the first failing check's code, in this order: BAD_MAGIC,
/// ZERO_SIZE, KV_HEADS, HEAD_DIM, SIZE_LIMIT, POLICY, PLANES, MISALIGNED. Addresses outside
/// memory are not checked here: the bus answers them (ERR_ADDRESS from the datapath).
uint8_t check_descriptor(const energon_desc_t& desc);

}  // namespace energon::hw
