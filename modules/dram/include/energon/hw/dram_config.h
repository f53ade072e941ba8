// DRAM configuration: the validated runtime struct. Its YAML loader and the preset lookup are
// in the config library (energon/config/dram_yaml.h).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace energon::hw {

/// Bad DRAM configuration; the message names the file, the key and what was expected.
class DramConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Address fields a physical address is split into (see DramConfig::mapping).
enum class DramField : uint8_t { row, rank, bank_group, bank, channel, column };

/// One slice of the address mapping: `bits` bits of `field`.
struct DramMappingSlice {
  DramField field;
  unsigned bits;
};

/// JEDEC-style timing parameters, all in clock cycles (tCK).
struct DramTimingParams {
  uint32_t tRCD = 0;    ///< ACT to RD/WR
  uint32_t tRP = 0;     ///< PRE to ACT
  uint32_t tCL = 0;     ///< RD to first data (read latency)
  uint32_t tCWL = 0;    ///< WR to first data (write latency)
  uint32_t tRAS = 0;    ///< ACT to PRE
  uint32_t tRC = 0;     ///< ACT to ACT, same bank
  uint32_t tCCD_S = 0;  ///< column to column, different bank group (or any bank without groups)
  uint32_t tCCD_L = 0;  ///< column to column, same bank group
  uint32_t tRRD_S = 0;  ///< ACT to ACT, different bank group
  uint32_t tRRD_L = 0;  ///< ACT to ACT, same bank group
  uint32_t tFAW = 0;    ///< window for four ACTs in a rank (0: not limited)
  uint32_t tWR = 0;     ///< end of write data to PRE
  uint32_t tWTR_S = 0;  ///< end of write data to RD, different bank group
  uint32_t tWTR_L = 0;  ///< end of write data to RD, same bank group
  uint32_t tRTP = 0;    ///< RD to PRE
  uint32_t tRTRS = 0;   ///< data-bus bubble on a read/write turnaround or rank switch
  uint32_t tREFI = 0;   ///< refresh interval (0 with refresh disabled)
  uint32_t tRFC = 0;    ///< all-bank refresh cycle time
};

/// Validated DRAM description: geometry, clock, timing, refresh and address mapping.
struct DramConfig {
  std::string name;         ///< preset name, e.g. "ddr4-3200"
  std::string source;       ///< standard / datasheet the values come from
  std::string origin;       ///< file it was loaded from ("" when built in code)
  uint64_t size_bytes = 0;  ///< addressable bytes (local addresses 0..size_bytes-1)

  uint32_t channels = 1;
  uint32_t ranks = 1;            ///< per channel
  uint32_t bank_groups = 1;      ///< per rank
  uint32_t banks_per_group = 1;  ///< banks in each bank group
  uint32_t rows = 0;             ///< per bank
  uint32_t columns = 0;          ///< bus-width words per row
  uint32_t bus_width_bits = 0;   ///< data bus width of one channel
  uint32_t burst_length = 0;     ///< beats per burst
  uint32_t data_rate = 2;        ///< beats per clock (2 = DDR)
  double tck_ps = 0;             ///< clock period

  DramTimingParams timing;
  bool refresh_enabled = false;

  /// Address slices from the most significant bit down, above the byte-in-burst offset.
  std::vector<DramMappingSlice> mapping;

  uint32_t banks_per_rank() const { return bank_groups * banks_per_group; }
  uint32_t burst_bytes() const { return bus_width_bits / 8 * burst_length; }
  uint32_t burst_cycles() const { return burst_length / data_rate; }
  uint64_t row_bytes() const { return uint64_t(columns) * (bus_width_bits / 8); }
  /// Bytes the geometry addresses (channels × ranks × banks × rows × row_bytes).
  uint64_t capacity_bytes() const;
  /// channels × bus bytes × beats per second, in GB/s (1e9 bytes per second).
  double peak_bandwidth_gbps() const;
};

/// Checks a DramConfig built or edited in code; throws DramConfigError naming the field.
void validate_dram_config(const DramConfig& config);

/// Bits of the burst index that `field` takes (log2 of its count; column: columns / burst_length).
unsigned dram_field_bits(const DramConfig& config, DramField field);

const char* to_string(DramField field);

}  // namespace energon::hw
