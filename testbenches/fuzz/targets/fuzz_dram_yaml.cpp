// DRAM preset YAML: parse + validate (modules/config dram_yaml); refusals are DramConfigError.
#include "energon/config/dram_yaml.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  fuzz::refusing_only<hw::DramConfigError>([&] {
    const hw::DramConfig c = hw::parse_dram_config(fuzz::text_of(data, size), "fuzz.yaml");
    if (c.capacity_bytes() == 0 || c.tck_ps <= 0) __builtin_trap();  // accepted means usable
  });
  return 0;
}
