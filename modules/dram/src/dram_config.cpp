// DramConfig: derived figures and validation (the YAML loader is in the config library).
#include "energon/hw/dram_config.h"

#include <cmath>
#include <string>

namespace energon::hw {
namespace {

bool power_of_two(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

unsigned log2_exact(uint64_t v) {
  unsigned b = 0;
  while ((uint64_t(1) << b) < v) ++b;
  return b;
}

}  // namespace

unsigned dram_field_bits(const DramConfig& c, DramField f) {
  switch (f) {
    case DramField::row:
      return log2_exact(c.rows);
    case DramField::rank:
      return log2_exact(c.ranks);
    case DramField::bank_group:
      return log2_exact(c.bank_groups);
    case DramField::bank:
      return log2_exact(c.banks_per_group);
    case DramField::channel:
      return log2_exact(c.channels);
    case DramField::column:
      return c.burst_length ? log2_exact(c.columns / c.burst_length) : 0;  // burst_length 0 is caught by validation
  }
  return 0;
}

const char* to_string(DramField field) {
  switch (field) {
    case DramField::row:
      return "row";
    case DramField::rank:
      return "rank";
    case DramField::bank_group:
      return "bank_group";
    case DramField::bank:
      return "bank";
    case DramField::channel:
      return "channel";
    case DramField::column:
      return "column";
  }
  return "?";
}

const char* to_string(DramPagePolicy policy) { return policy == DramPagePolicy::open ? "open" : "closed"; }

const char* to_string(DramRefreshStagger stagger) {
  switch (stagger) {
    case DramRefreshStagger::none:
      return "none";
    case DramRefreshStagger::bus:
      return "bus";
    case DramRefreshStagger::all:
      return "all";
  }
  return "?";
}

uint64_t DramConfig::capacity_bytes() const {
  return uint64_t(channels) * ranks * bank_groups * banks_per_group * rows * row_bytes();
}

double DramConfig::peak_bandwidth_gbps() const {
  return double(channels) * (bus_width_bits / 8.0) * data_rate / (tck_ps * 1e-3);  // bytes per ns
}

void validate_dram_config(const DramConfig& c) {
  const std::string where = c.origin.empty() ? "DramConfig '" + c.name + "'" : c.origin;
  auto fail = [&](const std::string& key, const std::string& what) {
    throw DramConfigError(where + ": key '" + key + "': " + what);
  };
  auto pow2 = [&](uint64_t v, const std::string& key) {
    if (!power_of_two(v)) fail(key, "expected a power of two >= 1, got " + std::to_string(v));
  };
  pow2(c.channels, "organization.channels");
  pow2(c.ranks, "organization.ranks");
  pow2(c.bank_groups, "organization.bank_groups");
  pow2(c.banks_per_group, "organization.banks_per_group");
  pow2(c.rows, "organization.rows");
  pow2(c.columns, "organization.columns");
  pow2(c.burst_length, "organization.burst_length");
  if (c.bus_width_bits < 8 || !power_of_two(c.bus_width_bits))
    fail("organization.bus_width_bits", "expected a power of two >= 8, got " + std::to_string(c.bus_width_bits));
  if (c.data_rate != 1 && c.data_rate != 2 && c.data_rate != 4)
    fail("organization.data_rate", "expected 1, 2 (DDR) or 4 beats per clock, got " + std::to_string(c.data_rate));
  if (c.burst_length % c.data_rate != 0)
    fail("organization.burst_length", "must be a multiple of data_rate (" + std::to_string(c.data_rate) + ")");
  if (c.columns < c.burst_length)
    fail("organization.columns", "must be >= burst_length (" + std::to_string(c.burst_length) + ")");
  if (!(c.tck_ps >= 50.0 && c.tck_ps <= 100000.0))
    fail("clock.tCK_ps", "expected 50..100000 ps (20 GHz down to 10 MHz), got " + std::to_string(c.tck_ps));
  if (c.name.empty()) fail("name", "must not be empty");

  const auto& t = c.timing;
  auto positive = [&](uint32_t v, const char* key) {
    if (v == 0) fail(std::string("timing.") + key, "must be > 0 cycles");
  };
  positive(t.tRCD, "tRCD");
  positive(t.tRP, "tRP");
  positive(t.tCL, "tCL");
  positive(t.tCWL, "tCWL");
  positive(t.tRAS, "tRAS");
  positive(t.tCCD_S, "tCCD_S");
  positive(t.tCCD_L, "tCCD_L");
  if (t.tRC < t.tRAS) fail("timing.tRC", "must be >= tRAS (" + std::to_string(t.tRAS) + " cycles)");
  if (t.tCCD_L < t.tCCD_S) fail("timing.tCCD_L", "must be >= tCCD_S");
  if (t.tRRD_L < t.tRRD_S) fail("timing.tRRD_L", "must be >= tRRD_S");
  if (t.tWTR_L < t.tWTR_S) fail("timing.tWTR_L", "must be >= tWTR_S");
  if (c.refresh_enabled) {
    if (t.tREFI == 0) fail("refresh.tREFI", "must be > 0 with refresh enabled");
    if (t.tRFC == 0) fail("refresh.tRFC", "must be > 0 with refresh enabled");
    if (t.tRFC + t.tRP >= t.tREFI) fail("refresh.tRFC", "tRFC + tRP must be < tREFI");
  }

  const auto& mc = c.controller;
  if (!is_dram_scheduler(mc.scheduler))
    fail("controller.scheduler",
         "unknown scheduler '" + mc.scheduler + "' (expected one of: " + dram_scheduler_list() + ")");
  if (mc.starvation_cap == 0 || mc.starvation_cap > 1024)
    fail("controller.starvation_cap", "expected 1..1024 row hits, got " + std::to_string(mc.starvation_cap));
  if (mc.request_buffer == 0 || mc.request_buffer > 256)
    fail("controller.request_buffer", "expected 1..256 entries per bank, got " + std::to_string(mc.request_buffer));
  if (mc.arbitration_cycles > 64)
    fail("controller.arbitration_cycles", "expected 0..64 cycles, got " + std::to_string(mc.arbitration_cycles));
  if (mc.refresh_postpone > 8)
    fail("refresh.postpone",
         "expected 0..8 refreshes (JEDEC allows at most 8), got " + std::to_string(mc.refresh_postpone));
  const auto& cb = c.command_bus;
  auto command_cycles = [&](uint32_t v, const char* key) {
    if (v == 0 || v > 8) fail(std::string("command_bus.") + key, "expected 1..8 cycles, got " + std::to_string(v));
  };
  command_cycles(cb.activate_cycles, "activate_cycles");
  command_cycles(cb.column_cycles, "column_cycles");
  command_cycles(cb.precharge_cycles, "precharge_cycles");
  command_cycles(cb.refresh_cycles, "refresh_cycles");
  if (!power_of_two(cb.channels_per_bus) || cb.channels_per_bus > c.channels)
    fail("command_bus.channels_per_bus", "expected a power of two that divides organization.channels (" +
                                             std::to_string(c.channels) + "), got " +
                                             std::to_string(cb.channels_per_bus));

  // Every field with more than one value must get exactly its bit count across its slices.
  if (c.mapping.empty()) fail("address_mapping", "must list the address fields");
  for (DramField f : {DramField::row, DramField::rank, DramField::bank_group, DramField::bank, DramField::channel,
                      DramField::column}) {
    unsigned sum = 0;
    for (const auto& s : c.mapping)
      if (s.field == f) sum += s.bits;
    const unsigned need = dram_field_bits(c, f);
    if (sum != need)
      fail("address_mapping", std::string("field '") + to_string(f) + "' takes " + std::to_string(need) +
                                  " bits in total, the list gives " + std::to_string(sum));
  }

  const uint64_t cap = c.capacity_bytes();
  if (c.size_bytes == 0 || c.size_bytes > cap || c.size_bytes % 4096 != 0)
    fail("size_bytes", "expected a multiple of 4 KiB in 4 KiB.." + std::to_string(cap) +
                           " (the capacity of the organization), got " + std::to_string(c.size_bytes));
}

}  // namespace energon::hw
