// Rounds files (modules/config rounds_yaml, energon-vp --rounds-file); refusals are RoundsFileError.
// What parses must write back (format_rounds_yaml) to a file that parses to the same text.
#include "energon/config/rounds_yaml.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  fuzz::refusing_only<config::RoundsFileError>([&] {
    const config::RoundsFile f = config::parse_rounds_yaml(fuzz::text_of(data, size), "fuzz.yaml");
    f.check_layers(8);
    const std::string text = config::format_rounds_yaml(f.filters);
    if (config::format_rounds_yaml(config::parse_rounds_yaml(text, "again.yaml").filters) != text) __builtin_trap();
  });
  return 0;
}
