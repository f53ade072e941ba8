// JSON writer of the statistics tree (nlohmann-json, Debian's nlohmann-json3-dev).
#pragma once

#include <nlohmann/json.hpp>

#include "energon/stats/stats.h"

namespace energon::stats {

/// {"stat": {"value": …, "unit": …, "description": …}, "group": {"description": …, …}}.
nlohmann::json to_json(const Group& root);

}  // namespace energon::stats
