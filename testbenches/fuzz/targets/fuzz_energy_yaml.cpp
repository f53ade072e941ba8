// Energy table YAML (modules/config energy_yaml); refusals are EnergyConfigError.
#include "energon/config/energy_yaml.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  fuzz::refusing_only<hw::EnergyConfigError>(
      [&] { (void)hw::parse_energy_table(fuzz::text_of(data, size), "fuzz.yaml"); });
  return 0;
}
