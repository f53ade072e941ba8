// Register-level trace files (testbenches/trace); refusals are TraceError.
#include <sstream>

#include "energon/trace/trace.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace energon;
  static const trace::Symbols symbols = trace::platform_symbols(0x40000000, 0x80000000);
  std::istringstream in(fuzz::text_of(data, size));
  fuzz::refusing_only<trace::TraceError>([&] { (void)trace::parse_trace(in, "fuzz.trace", "/nonexistent", symbols); });
  return 0;
}
