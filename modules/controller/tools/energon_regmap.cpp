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

std::string cell(const char* text) {
  std::string out;
  for (const char* p = text; *p; ++p) {
    if (*p == '|') out += '\\';
    out += *p;
  }
  return out;
}

template <size_t N>
void print_fields(const FieldSpec (&fields)[N]) {
  std::printf("| Offset | Bytes | Field | Type | Meaning |\n|---|---|---|---|---|\n");
  for (const FieldSpec& f : fields)
    std::printf("| 0x%02X | %u | `%s` | %s | %s |\n", f.offset, f.bytes, f.name, f.type,
                cell(f.meaning).c_str());
}

}  // namespace

int main() {
  if (!fields_tile(kDescFields, sizeof(energon_desc_t)) ||
      !fields_tile(kSelectFields, sizeof(energon_select_t))) {
    std::fprintf(stderr,
                 "energon-regmap: the field lists in register_table.h do not tile energon_desc_t / "
                 "energon_select_t: a field was added to energon_regs.h without updating them\n");
    return 1;
  }

  std::printf("### Registers\n\n");
  std::printf(
      "All registers are 32 bit at offsets from the accelerator's base; the register space is 0x%X "
      "bytes.\n\n",
      ENERGON_REG_SPACE_BYTES);
  std::printf("| Offset | Name | Access | Reset | Description |\n|---|---|---|---|---|\n");
  for (const RegisterSpec& r : kRegisters)
    std::printf("| 0x%03X | `%s` | %s | 0x%08X | %s |\n", r.offset, r.name, to_string(r.access), r.reset,
                cell(r.description).c_str());

  std::printf("\n### Bit fields and constants\n\n| Name | Value |\n|---|---|\n");
  for (const NamedConstant& c : kConstants) std::printf("| `%s` | 0x%llX |\n", c.name, c.value);

  std::printf(
      "\n### Error codes\n\nReported in `STATUS.ERR_CODE` and in a descriptor's `result_status` bits "
      "15..8.\n\n");
  std::printf("| Code | Name | Description |\n|---|---|---|\n");
  for (const ErrorSpec& e : kErrors)
    std::printf("| %u | `ENERGON_ERR_%s` | %s |\n", unsigned(e.value), e.name, cell(e.description).c_str());

  std::printf("\n### Descriptor `energon_desc_t` (%zu bytes)\n\n", sizeof(energon_desc_t));
  print_fields(kDescFields);
  std::printf("\n### Selection rule `energon_select_t` (%zu bytes)\n\n", sizeof(energon_select_t));
  print_fields(kSelectFields);
  return 0;
}
