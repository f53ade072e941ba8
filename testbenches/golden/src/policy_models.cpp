// The golden models of the register map's policies (ENERGON_POLICIES), each from its own file:
// entry `name` is what src/policies/<name>_model.cpp returns from <name>_model().
#include <stdexcept>

#include "energon/golden/policy_model.h"

namespace energon::golden {

#define ENERGON_DECLARE_MODEL(NAME, lower, value, desc) const PolicyModel& lower##_model();
ENERGON_POLICIES(ENERGON_DECLARE_MODEL)
#undef ENERGON_DECLARE_MODEL

const std::vector<const PolicyModel*>& policy_models() {
  static const std::vector<const PolicyModel*> all = [] {
    std::vector<const PolicyModel*> v;
#define ENERGON_REGISTER_MODEL(NAME, lower, value, desc)                              \
  v.push_back(&lower##_model());                                                      \
  if (v.back()->policy() != Policy::lower || std::string(v.back()->name()) != #lower) \
    throw std::logic_error("golden policy model " #lower " registered as " + std::string(v.back()->name()));
    ENERGON_POLICIES(ENERGON_REGISTER_MODEL)
#undef ENERGON_REGISTER_MODEL
    return v;
  }();
  return all;
}

const PolicyModel* find_policy_model(Policy p) {
  for (const PolicyModel* m : policy_models())
    if (m->policy() == p) return m;
  return nullptr;
}

const PolicyModel& policy_model(Policy p) {
  if (const PolicyModel* m = find_policy_model(p)) return *m;
  throw std::invalid_argument("unknown policy id " + std::to_string(unsigned(p)) + "; expected " + policy_names());
}

std::string validate_filter(const FilterConfig& f) {
  const PolicyModel* m = find_policy_model(f.policy);
  if (!m) return "unknown policy id " + std::to_string(unsigned(f.policy)) + "; expected " + policy_names();
  return m->validate(f);
}

}  // namespace energon::golden
