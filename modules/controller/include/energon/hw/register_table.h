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
    case Access::RO:
      return "RO";
    case Access::RW:
      return "RW";
    case Access::W1C:
      return "W1C";
    case Access::WO:
      return "WO";
  }
  return "?";
}

/// One field of energon_desc_t or energon_select_t: `count` elements of bytes / count each.
struct FieldSpec {
  const char* name;
  uint32_t offset;
  uint32_t bytes;
  uint32_t count;
  const char* type;
  const char* meaning;
  uint32_t element_bytes() const { return bytes / count; }
};

#define ENERGON_DESC_FIELD(f, n, type, meaning) \
  FieldSpec { #f, uint32_t(offsetof(energon_desc_t, f)), uint32_t(sizeof(energon_desc_t::f)), n, type, meaning }
/// Descriptor fields in address order. Names and types are listed by hand; offsets and sizes
/// come from the compiler, and fields_tile() catches a field added to the header but not here.
inline const FieldSpec kDescFields[] = {
    ENERGON_DESC_FIELD(magic, 1, "uint32", "ENERGON_DESC_MAGIC (\"EDSC\")"),
    ENERGON_DESC_FIELD(heads, 1, "uint16", "query heads"),
    ENERGON_DESC_FIELD(kv_heads, 1, "uint16", "key/value heads; divides heads"),
    ENERGON_DESC_FIELD(n_q, 1, "uint32", "queries"),
    ENERGON_DESC_FIELD(n_k, 1, "uint32", "keys"),
    ENERGON_DESC_FIELD(valid_len, 1, "uint32", "keys j < valid_len are valid"),
    ENERGON_DESC_FIELD(d, 1, "uint16", "head dimension, 8..256, multiple of 8"),
    ENERGON_DESC_FIELD(policy, 1, "uint8 (enum energon_policy)", "an ENERGON_POLICIES entry (docs/policies.md)"),
    ENERGON_DESC_FIELD(flags, 1, "uint8",
                       "bit 0: causal mask; bit 1: prune mask (PRUNE); bit 2: write importance (IMPORTANCE)"),
    ENERGON_DESC_FIELD(n_rounds, 1, "uint8", "mpmrf rounds, 1..4"),
    ENERGON_DESC_FIELD(n_planes, 1, "uint8", "K bit planes, 1..4"),
    ENERGON_DESC_FIELD(plane_bits, 4, "uint8[4]", "plane widths, MSB plane first, summing to 16"),
    ENERGON_DESC_FIELD(reserved0, 1, "uint16", "0"),
    ENERGON_DESC_FIELD(q_addr, 1, "uint64", "INT16 Q [heads][n_q][d]"),
    ENERGON_DESC_FIELD(k_plane_addr, 4, "uint64[4]",
                       "plane p of K: [kv_heads][n_k][d·plane_bits[p]/8 bytes], packed LSB first"),
    ENERGON_DESC_FIELD(v_addr, 1, "uint64", "INT16 V [kv_heads][n_k][d]"),
    ENERGON_DESC_FIELD(scale_addr, 1, "uint64", "float32 Q scales [heads], then K scales [kv_heads]"),
    ENERGON_DESC_FIELD(out_addr, 1, "uint64", "INT16 output [heads][n_q][d], written by the hardware"),
    ENERGON_DESC_FIELD(round, 4, "energon_select_t[4]", "mpmrf rounds"),
    ENERGON_DESC_FIELD(topk, 1, "energon_select_t", "topk policy rule"),
    ENERGON_DESC_FIELD(result_status, 1, "uint32", "written back: bit 0 done, bits 15..8 error code"),
    ENERGON_DESC_FIELD(reserved1, 1, "uint32", "0"),
    ENERGON_DESC_FIELD(result_cycles, 1, "uint64", "written back: accelerator cycles of the job"),
    ENERGON_DESC_FIELD(result_allowed, 1, "uint64", "written back: keys allowed by the masks"),
    ENERGON_DESC_FIELD(result_kept, 4, "uint64[4]", "written back: keys kept after each mpmrf round (topk: [0])"),
    ENERGON_DESC_FIELD(result_final, 1, "uint64", "written back: keys the attention engine used"),
    ENERGON_DESC_FIELD(prune_mask_addr, 1, "uint64",
                       "flag PRUNE: head bitmap (ENERGON_PRUNE_HEAD_BYTES), then token bitmap [ceil(n_k/8)]; else 0"),
    ENERGON_DESC_FIELD(importance_addr, 1, "uint64",
                       "flag IMPORTANCE: uint64 token importance [n_k], then head importance [heads], "
                       "written by the hardware; else 0"),
};
#undef ENERGON_DESC_FIELD

#define ENERGON_SELECT_FIELD(f, type, meaning) \
  FieldSpec { #f, uint32_t(offsetof(energon_select_t, f)), uint32_t(sizeof(energon_select_t::f)), 1, type, meaning }
inline const FieldSpec kSelectFields[] = {
    ENERGON_SELECT_FIELD(rule, "uint8 (enum energon_rule)", "threshold or top-k"),
    ENERGON_SELECT_FIELD(q_bits, "uint8", "mpmrf: Q operand width (MSBs)"),
    ENERGON_SELECT_FIELD(k_bits, "uint8", "mpmrf: K operand width (MSBs)"),
    ENERGON_SELECT_FIELD(reserved, "uint8", "0"),
    ENERGON_SELECT_FIELD(alpha_q8, "int32", "threshold: round(256·α), −256..256"),
    ENERGON_SELECT_FIELD(k, "uint32", "top-k: keys kept (when k_fraction_ppm is 0)"),
    ENERGON_SELECT_FIELD(k_fraction_ppm, "uint32",
                         "top-k: fraction of the candidates in ppm, 1..1000000: k = ceil(ppm·N / 10^6)"),
};
#undef ENERGON_SELECT_FIELD

/// True when `fields` cover [0, total) in order without gaps or overlaps.
template <size_t N>
bool fields_tile(const FieldSpec (&fields)[N], size_t total) {
  size_t next = 0;
  for (const FieldSpec& f : fields) {
    if (f.offset != next) return false;
    next = f.offset + f.bytes;
  }
  return next == total;
}

/// Bit fields and constants of energon_regs.h, by their macro names.
struct NamedConstant {
  const char* name;
  unsigned long long value;
};
#define ENERGON_CONSTANT(c) \
  NamedConstant { #c, (unsigned long long)(c) }
inline constexpr NamedConstant kConstants[] = {
    ENERGON_CONSTANT(ENERGON_ID_VALUE),
    ENERGON_CONSTANT(ENERGON_VERSION_VALUE),
    ENERGON_CONSTANT(ENERGON_REG_SPACE_BYTES),
    ENERGON_CONSTANT(ENERGON_CTRL_ENABLE),
    ENERGON_CONSTANT(ENERGON_CTRL_SOFT_RESET),
    ENERGON_CONSTANT(ENERGON_CTRL_IRQ_EN),
    ENERGON_CONSTANT(ENERGON_STATUS_BUSY),
    ENERGON_CONSTANT(ENERGON_STATUS_QUEUE_ERR),
    ENERGON_CONSTANT(ENERGON_STATUS_ERR_SHIFT),
    ENERGON_CONSTANT(ENERGON_STATUS_ERR_MASK),
    ENERGON_CONSTANT(ENERGON_IRQ_DONE),
    ENERGON_CONSTANT(ENERGON_IRQ_ERROR),
    ENERGON_CONSTANT(ENERGON_PERF_CLEAR),
    ENERGON_CONSTANT(ENERGON_DESC_MAGIC),
    ENERGON_CONSTANT(ENERGON_DESC_BYTES),
    ENERGON_CONSTANT(ENERGON_BUFFER_ALIGN),
    ENERGON_CONSTANT(ENERGON_MAX_ROUNDS),
    ENERGON_CONSTANT(ENERGON_MAX_PLANES),
    ENERGON_CONSTANT(ENERGON_QUEUE_MAX_ENTRIES),
    ENERGON_CONSTANT(ENERGON_RING_ALIGN),
    ENERGON_CONSTANT(ENERGON_MAX_KEYS),
    ENERGON_CONSTANT(ENERGON_MAX_QUERIES),
    ENERGON_CONSTANT(ENERGON_MIN_HEAD_DIM),
    ENERGON_CONSTANT(ENERGON_MAX_HEAD_DIM),
    ENERGON_CONSTANT(ENERGON_HEAD_DIM_STEP),
    ENERGON_CONSTANT(ENERGON_MAX_FILTER_BITS),
    ENERGON_CONSTANT(ENERGON_FRACTION_ONE),
    ENERGON_CONSTANT(ENERGON_PQ_MAX_MSB_BITS),
    ENERGON_CONSTANT(ENERGON_PQ_THRESHOLD_ONE),
    ENERGON_CONSTANT(ENERGON_A3_MAX_THRESHOLD_Q8),
#define ENERGON_POLICY_CONSTANT(NAME, name, value, desc) ENERGON_CONSTANT(ENERGON_POLICY_##NAME),
    ENERGON_POLICIES(ENERGON_POLICY_CONSTANT)
#undef ENERGON_POLICY_CONSTANT
        ENERGON_CONSTANT(ENERGON_RULE_THRESHOLD),
    ENERGON_CONSTANT(ENERGON_RULE_TOPK),
    ENERGON_CONSTANT(ENERGON_DESC_FLAG_CAUSAL),
    ENERGON_CONSTANT(ENERGON_DESC_FLAG_PRUNE),
    ENERGON_CONSTANT(ENERGON_DESC_FLAG_IMPORTANCE),
    ENERGON_CONSTANT(ENERGON_RESULT_DONE),
    ENERGON_CONSTANT(ENERGON_RESULT_ERR_SHIFT),
};
#undef ENERGON_CONSTANT

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
