// energon-regmap: prints the generated part of docs/register-map.md (registers, bit fields
// and constants, error codes, descriptor layout) from energon_regs.h as Markdown.
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "energon/hw/energon_regs.h"
#include "energon/hw/register_table.h"

namespace {

using namespace energon::hw;

struct Field {
  const char* name;
  size_t offset, size;
  const char* type;
};

#define DESC_FIELD(f, type) Field{#f, offsetof(energon_desc_t, f), sizeof(energon_desc_t::f), type}
#define SELECT_FIELD(f, type) Field{#f, offsetof(energon_select_t, f), sizeof(energon_select_t::f), type}

// Names and types are listed here; offsets and sizes come from the compiler. check_tiling()
// fails when a field is added to the header but not here.
const std::vector<Field> kDescFields = {
    DESC_FIELD(magic, "uint32"),           DESC_FIELD(heads, "uint16"),
    DESC_FIELD(kv_heads, "uint16"),        DESC_FIELD(n_q, "uint32"),
    DESC_FIELD(n_k, "uint32"),             DESC_FIELD(valid_len, "uint32"),
    DESC_FIELD(d, "uint16"),               DESC_FIELD(policy, "uint8 (enum energon_policy)"),
    DESC_FIELD(flags, "uint8"),            DESC_FIELD(n_rounds, "uint8"),
    DESC_FIELD(n_planes, "uint8"),         DESC_FIELD(plane_bits, "uint8[4]"),
    DESC_FIELD(reserved0, "uint16"),       DESC_FIELD(q_addr, "uint64"),
    DESC_FIELD(k_plane_addr, "uint64[4]"), DESC_FIELD(v_addr, "uint64"),
    DESC_FIELD(scale_addr, "uint64"),      DESC_FIELD(out_addr, "uint64"),
    DESC_FIELD(round, "energon_select_t[4]"), DESC_FIELD(topk, "energon_select_t"),
    DESC_FIELD(result_status, "uint32"),   DESC_FIELD(reserved1, "uint32"),
    DESC_FIELD(result_cycles, "uint64"),   DESC_FIELD(result_allowed, "uint64"),
    DESC_FIELD(result_kept, "uint64[4]"),  DESC_FIELD(result_final, "uint64"),
    DESC_FIELD(reserved2, "uint8[16]"),
};

const std::vector<Field> kSelectFields = {
    SELECT_FIELD(rule, "uint8 (enum energon_rule)"), SELECT_FIELD(q_bits, "uint8"),
    SELECT_FIELD(k_bits, "uint8"),                   SELECT_FIELD(reserved, "uint8"),
    SELECT_FIELD(alpha_q8, "int32"),                 SELECT_FIELD(k, "uint32"),
    SELECT_FIELD(k_fraction_q16, "uint32"),
};

struct Constant {
  const char* name;
  unsigned long long value;
};
#define CONSTANT(c) Constant{#c, (unsigned long long)(c)}

const std::vector<Constant> kConstants = {
    CONSTANT(ENERGON_ID_VALUE),        CONSTANT(ENERGON_VERSION_VALUE),   CONSTANT(ENERGON_REG_SPACE_BYTES),
    CONSTANT(ENERGON_CTRL_ENABLE),     CONSTANT(ENERGON_CTRL_SOFT_RESET), CONSTANT(ENERGON_CTRL_IRQ_EN),
    CONSTANT(ENERGON_STATUS_BUSY),     CONSTANT(ENERGON_STATUS_QUEUE_ERR), CONSTANT(ENERGON_STATUS_ERR_SHIFT),
    CONSTANT(ENERGON_STATUS_ERR_MASK), CONSTANT(ENERGON_IRQ_DONE),        CONSTANT(ENERGON_IRQ_ERROR),
    CONSTANT(ENERGON_PERF_CLEAR),      CONSTANT(ENERGON_DESC_MAGIC),      CONSTANT(ENERGON_DESC_BYTES),
    CONSTANT(ENERGON_BUFFER_ALIGN),    CONSTANT(ENERGON_MAX_ROUNDS),      CONSTANT(ENERGON_MAX_PLANES),
    CONSTANT(ENERGON_POLICY_DENSE),    CONSTANT(ENERGON_POLICY_TOPK),     CONSTANT(ENERGON_POLICY_MPMRF),
    CONSTANT(ENERGON_RULE_THRESHOLD),  CONSTANT(ENERGON_RULE_TOPK),       CONSTANT(ENERGON_DESC_FLAG_CAUSAL),
    CONSTANT(ENERGON_RESULT_DONE),     CONSTANT(ENERGON_RESULT_ERR_SHIFT),
};

std::string cell(const char* text) {
  std::string out;
  for (const char* p = text; *p; ++p) {
    if (*p == '|') out += '\\';
    out += *p;
  }
  return out;
}

bool check_tiling(const char* what, const std::vector<Field>& fields, size_t total) {
  size_t next = 0;
  for (const Field& f : fields) {
    if (f.offset != next) {
      std::fprintf(stderr, "energon-regmap: %s field %s at offset %zu, expected %zu: update the field list in %s\n",
                   what, f.name, f.offset, next, __FILE__);
      return false;
    }
    next = f.offset + f.size;
  }
  if (next != total) {
    std::fprintf(stderr, "energon-regmap: %s fields cover %zu of %zu bytes: update the field list in %s\n", what,
                 next, total, __FILE__);
    return false;
  }
  return true;
}

void print_fields(const std::vector<Field>& fields) {
  std::printf("| Offset | Bytes | Field | Type |\n|---|---|---|---|\n");
  for (const Field& f : fields) std::printf("| 0x%02zX | %zu | `%s` | %s |\n", f.offset, f.size, f.name, f.type);
}

}  // namespace

int main() {
  if (!check_tiling("energon_desc_t", kDescFields, sizeof(energon_desc_t)) ||
      !check_tiling("energon_select_t", kSelectFields, sizeof(energon_select_t)))
    return 1;

  std::printf("### Registers\n\n");
  std::printf("All registers are 32 bit at offsets from the accelerator's base; the register space is 0x%X bytes.\n\n",
              ENERGON_REG_SPACE_BYTES);
  std::printf("| Offset | Name | Access | Reset | Description |\n|---|---|---|---|---|\n");
  for (const RegisterSpec& r : kRegisters)
    std::printf("| 0x%03X | `%s` | %s | 0x%08X | %s |\n", r.offset, r.name, to_string(r.access), r.reset,
                cell(r.description).c_str());

  std::printf("\n### Bit fields and constants\n\n| Name | Value |\n|---|---|\n");
  for (const Constant& c : kConstants) std::printf("| `%s` | 0x%llX |\n", c.name, c.value);

  std::printf("\n### Error codes\n\nReported in `STATUS.ERR_CODE` and in a descriptor's `result_status` bits 15..8.\n\n");
  std::printf("| Code | Name | Description |\n|---|---|---|\n");
  for (const ErrorSpec& e : kErrors)
    std::printf("| %u | `ENERGON_ERR_%s` | %s |\n", unsigned(e.value), e.name, cell(e.description).c_str());

  std::printf("\n### Descriptor `energon_desc_t` (%zu bytes)\n\n", sizeof(energon_desc_t));
  print_fields(kDescFields);
  std::printf("\n### Selection rule `energon_select_t` (%zu bytes)\n\n", sizeof(energon_select_t));
  print_fields(kSelectFields);
  return 0;
}
