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
  uint32_t tRCD = 0;     ///< ACT to RD/WR
  uint32_t tRP = 0;      ///< PRE to ACT
  uint32_t tCL = 0;      ///< RD to first data (read latency)
  uint32_t tCWL = 0;     ///< WR to first data (write latency)
  uint32_t tRAS = 0;     ///< ACT to PRE
  uint32_t tRC = 0;      ///< ACT to ACT, same bank
  uint32_t tCCD_S = 0;   ///< column to column, different bank group (or any bank without groups)
  uint32_t tCCD_L = 0;   ///< column to column, same bank group
  uint32_t tRRD_S = 0;   ///< ACT to ACT, different bank group
  uint32_t tRRD_L = 0;   ///< ACT to ACT, same bank group
  uint32_t tFAW = 0;     ///< window for four ACTs in a rank (0: not limited)
  uint32_t tWR = 0;      ///< end of write data to PRE
  uint32_t tWTR_S = 0;   ///< end of write data to RD, different bank group
  uint32_t tWTR_L = 0;   ///< end of write data to RD, same bank group
  uint32_t tRTP = 0;     ///< RD to PRE
  uint32_t tRTRS = 0;    ///< data-bus bubble on a read/write turnaround or rank switch
  uint32_t tREFI = 0;    ///< refresh interval (0 with refresh disabled)
  uint32_t tRFC = 0;     ///< all-bank refresh cycle time
  uint32_t tDQSCK = 0;   ///< read data later than RL by the DQS output access time (LPDDR4, HBM2)
  uint32_t tRPab = 0;    ///< all-bank precharge to REF/ACT (default tRP; LPDDR4 tRPab)
  uint32_t tRCD_WR = 0;  ///< ACT to WR (default tRCD; HBM2 tRCDWR)
  uint32_t tRTW = 0;     ///< RD to WR, same rank, beyond the data-bus rule (0: none; HBM2 tRTW)
};

/// Validated DRAM description: geometry, clock, timing, refresh and address mapping.
/// Page policy of the memory controller (docs/dram.md "Page policies").
enum class DramPagePolicy : uint8_t { open, closed };

/// Which refresh units (ranks, pseudo-channels, channels) get spread-out refresh due times.
enum class DramRefreshStagger : uint8_t {
  none,  ///< every unit on the grid k·tREFI
  bus,   ///< the units of one command bus (ranks, HBM2 pseudo-channel pairs): the reference's rule
  all,   ///< every unit of the memory, channels included
};

/// The memory controller in front of the devices (docs/dram.md "Controller"): request buffers,
/// scheduler, page policy, refresh postponing. Used by nb_transport and the trace replayer.
struct DramControllerParams {
  std::string scheduler = "frfcfs";  ///< fifo, fifo_strict, frfcfs or frfcfs_cap
  uint32_t starvation_cap = 16;      ///< frfcfs_cap: row hits that may overtake the oldest request of a bank
  DramPagePolicy page_policy = DramPagePolicy::open;
  uint32_t request_buffer = 8;      ///< entries of each bank's request buffer
  uint32_t arbitration_cycles = 1;  ///< from arrival to the request being visible to the scheduler
  uint32_t refresh_postpone = 0;    ///< refreshes that may be postponed while requests are pending
  DramRefreshStagger refresh_stagger = DramRefreshStagger::bus;
};

/// The command bus: cycles each command occupies it, and what shares it (docs/dram.md "Command bus").
struct DramCommandBusParams {
  uint32_t activate_cycles = 1;   ///< LPDDR4: 4 (ACT-1, ACT-2); HBM2: 2
  uint32_t column_cycles = 1;     ///< LPDDR4: 4 (RD-1/WR-1 + CAS-2)
  uint32_t precharge_cycles = 1;  ///< LPDDR4: 2
  uint32_t refresh_cycles = 1;    ///< LPDDR4: 2
  bool row_column_split = false;  ///< HBM2: separate row and column command buses
  uint32_t channels_per_bus = 1;  ///< HBM2 pseudo-channels sharing one command bus (2 in an 8x2 stack)
};

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
  DramControllerParams controller;
  DramCommandBusParams command_bus;

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
const char* to_string(DramPagePolicy policy);
const char* to_string(DramRefreshStagger stagger);

/// Whether `name` is a scheduler of the registry (src/dram_scheduler.cpp), and the names, comma-separated.
bool is_dram_scheduler(const std::string& name);
std::string dram_scheduler_list();

}  // namespace energon::hw
