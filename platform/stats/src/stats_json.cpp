#include "energon/stats/stats_json.h"

#include <cmath>

namespace energon::stats {

static nlohmann::json value_json(const Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(x)) return nullptr;  // JSON has no NaN / inf
        }
        return x;
      },
      v);
}

nlohmann::json to_json(const Group& g) {
  nlohmann::json j = nlohmann::json::object();
  if (!g.description().empty()) j["description"] = g.description();
  for (auto& s : g.stats()) {
    nlohmann::json e = {{"value", value_json(s.value)}};
    if (!s.unit.empty()) e["unit"] = s.unit;
    if (!s.description.empty()) e["description"] = s.description;
    j[s.name] = std::move(e);
  }
  for (auto& c : g.groups()) j[c->name()] = to_json(*c);
  return j;
}

}  // namespace energon::stats
