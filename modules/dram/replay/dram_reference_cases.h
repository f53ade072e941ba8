// The configurations of the DRAMSys reference (reference/dram/README.md): standard variant and
// scheduler names as its reference.json keys spell them, mapped onto the presets.
#pragma once

#include <string>
#include <vector>

#include "energon/hw/dram_config.h"

namespace energon::hw {

struct DramReferenceCase {
  std::string standard;   ///< trace family: ddr4, lpddr4, hbm2
  std::string variant;    ///< DRAMSys configuration: ddr4, lpddr4, hbm2_16x1, hbm2_8x2
  std::string scheduler;  ///< DRAMSys name: frfcfs, fifo, fifostrict
  /// Request size of the reference's trace player (bytes handed over per cycle): hbm2_8x2 issues
  /// 64 B requests that DRAMSys splits over the two pseudo-channels; the others one burst.
  uint64_t request_bytes() const { return variant == "hbm2_8x2" ? 64 : 0; }
};

/// Every variant × scheduler the reference measured (hbm2_8x2 has no fifostrict).
std::vector<DramReferenceCase> dram_reference_cases();

/// The preset of `c.standard` set up as the reference's configuration: scheduler, and for
/// hbm2_16x1 every pseudo-channel on its own command bus.
DramConfig dram_reference_config(const DramReferenceCase& c);

}  // namespace energon::hw
