// The register and error tables of energon_regs.h as C++ data, for the controller's register
// file and the register-map document generator. Expanded from the X-macros: nothing here
// is written twice.
#pragma once

#include <cstddef>
#include <cstdint>

#include "energon/hw/energon_regs.h"

namespace energon::hw {

enum class Access : uint8_t { RO, RW, W1C, WO };

/// One row of ENERGON_REGISTERS.
struct RegisterSpec {
  const char* name;
  uint32_t offset;
  Access access;
  uint32_t reset;
  const char* description;
};

/// One row of ENERGON_ERRORS.
struct ErrorSpec {
  const char* name;
  uint8_t value;
  const char* description;
};

#define ENERGON_REGISTER_SPEC(name, off, acc, rst, desc) RegisterSpec{#name, (off), Access::acc, (rst), desc},
inline constexpr RegisterSpec kRegisters[] = {ENERGON_REGISTERS(ENERGON_REGISTER_SPEC)};
#undef ENERGON_REGISTER_SPEC
inline constexpr size_t kRegisterCount = sizeof(kRegisters) / sizeof(kRegisters[0]);

#define ENERGON_ERROR_SPEC(name, value, desc) ErrorSpec{#name, (value), desc},
inline constexpr ErrorSpec kErrors[] = {ENERGON_ERRORS(ENERGON_ERROR_SPEC)};
#undef ENERGON_ERROR_SPEC
inline constexpr size_t kErrorCount = sizeof(kErrors) / sizeof(kErrors[0]);

constexpr const char* to_string(Access a) {
  switch (a) {
    case Access::RO: return "RO";
    case Access::RW: return "RW";
    case Access::W1C: return "W1C";
    case Access::WO: return "WO";
  }
  return "?";
}

/// Name of an error code ("BAD_MAGIC"), or "UNKNOWN".
constexpr const char* error_name(uint8_t code) {
  for (const ErrorSpec& e : kErrors)
    if (e.value == code) return e.name;
  return "UNKNOWN";
}

/// Spec of the register at `offset`, or nullptr.
constexpr const RegisterSpec* register_at(uint32_t offset) {
  for (const RegisterSpec& r : kRegisters)
    if (r.offset == offset) return &r;
  return nullptr;
}

}  // namespace energon::hw
