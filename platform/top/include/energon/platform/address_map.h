// The platform's global address map (docs/architecture.md). Every initiator — host CPU,
// controller, datapath — sees the same map through the router.
#pragma once

#include <cstdint>

namespace energon::platform {

/// DRAM starts at 0; the router maps min(DRAM size, kDramWindowMax) bytes.
constexpr uint64_t kDramBase = 0x0000'0000;
constexpr uint64_t kDramWindowMax = 0xF000'0000;
/// Accelerator register block (ENERGON_REG_SPACE_BYTES = 4 KiB).
constexpr uint64_t kAccelRegBase = 0xF000'0000;
/// The host's allocator starts above the first MiB (address 0 stays an obvious bad pointer).
constexpr uint64_t kSharedBase = 0x0010'0000;

}  // namespace energon::platform
