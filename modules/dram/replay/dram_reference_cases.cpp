#include "dram_reference_cases.h"

#include "energon/config/dram_yaml.h"

namespace energon::hw {

std::vector<DramReferenceCase> dram_reference_cases() {
  std::vector<DramReferenceCase> out;
  for (const char* v : {"ddr4", "lpddr4", "hbm2_16x1", "hbm2_8x2"}) {
    const std::string variant = v;
    const std::string standard = variant.substr(0, variant.find('_'));
    for (const char* s : {"frfcfs", "fifo", "fifostrict"}) {
      if (variant == "hbm2_8x2" && std::string(s) == "fifostrict") continue;  // not measured (DRAMSys quirk)
      out.push_back({standard, variant, s});
    }
  }
  return out;
}

DramConfig dram_reference_config(const DramReferenceCase& c) {
  const std::string preset = c.standard == "ddr4" ? "ddr4-3200" : c.standard == "lpddr4" ? "lpddr4-4266" : "hbm2";
  DramConfig cfg = load_dram_config(preset);
  cfg.controller.scheduler = c.scheduler == "fifostrict" ? "fifo_strict" : c.scheduler;
  if (c.variant == "hbm2_16x1") cfg.command_bus.channels_per_bus = 1;
  if (c.variant == "hbm2_8x2") cfg.command_bus.channels_per_bus = 2;
  validate_dram_config(cfg);
  return cfg;
}

}  // namespace energon::hw
