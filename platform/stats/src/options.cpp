#include "energon/stats/options.h"

namespace energon::stats {

std::string negative_count(int argc, const char* const* argv, std::initializer_list<const char*> names) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    for (const char* name : names) {
      const std::string n = name;
      std::string value;
      if (a == n && i + 1 < argc)
        value = argv[i + 1];
      else if (a.rfind(n + "=", 0) == 0)
        value = a.substr(n.size() + 1);
      else
        continue;
      if (!value.empty() && (value[0] == '-' || value[0] == '+'))
        return n + " '" + value + "': expected a whole number >= 0";
    }
  }
  return "";
}

}  // namespace energon::stats
