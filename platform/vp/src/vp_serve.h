// energon-vp --serve: the platform without its built-in host program, driven by one client over
// a socket (docs/cosim.md).
#pragma once

#include "energon/platform/platform_config.h"
#include "vp_options.h"

namespace energon::vp {

/// Elaborates the platform, listens, serves one client, returns the exit code (0 after SHUTDOWN
/// or a disconnect, 1 when the simulation failed, 2 for a bad address).
int run_server(const VpOptions& o, const platform::PlatformConfig& hw);

}  // namespace energon::vp
