// The accelerator section of a hardware preset (modules/config accel_yaml); refusals are ConfigError.
#include "energon/config/accel_yaml.h"
#include "fuzz_common.h"
#include "yaml_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  fuzz::refusing_only<hw::ConfigError>([&] {
    const YAML::Node root = config::parse_yaml_map<hw::ConfigError>(fuzz::text_of(data, size), "fuzz.yaml");
    const hw::AccelConfig c = hw::parse_accel_config(root, "fuzz.yaml");
    if (!validate(c).empty()) __builtin_trap();  // accepted means valid
  });
  return 0;
}
