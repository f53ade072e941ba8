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
/// RESERVED (flag bits other than CAUSAL, reserved fields of the descriptor and of its rules),
/// ZERO_SIZE, KV_HEADS, HEAD_DIM, SIZE_LIMIT, POLICY, PLANES, MISALIGNED, ADDRESS (a buffer
/// whose end passes 2^64), OVERLAP (the output buffer overlaps Q, a K plane, V, the scale table
/// or the ring [ring_base, ring_base + ring_bytes)). Addresses outside memory are answered by
/// the bus (ERR_ADDRESS from the datapath).
uint8_t check_descriptor(const energon_desc_t& desc, uint64_t ring_base = 0, uint64_t ring_bytes = 0);

}  // namespace energon::hw
