// The policies of the register map (ENERGON_POLICIES), each from its own file: entry `name` is
// the AttentionPolicy that src/<name>_policy.cpp returns from <name>_policy().
#include <string>

#include "energon/hw/attention_policy.h"

namespace energon::hw {

#define ENERGON_DECLARE_POLICY(NAME, lower, value, desc) const AttentionPolicy& lower##_policy();
ENERGON_POLICIES(ENERGON_DECLARE_POLICY)
#undef ENERGON_DECLARE_POLICY

namespace {

std::vector<const AttentionPolicy*> registered() {
  std::vector<const AttentionPolicy*> all;
#define ENERGON_REGISTER_POLICY(NAME, lower, value, desc)                                                             \
  all.push_back(&lower##_policy());                                                                                   \
  if (all.back()->id() != (value) || std::string(all.back()->name()) != #lower)                                       \
    throw std::logic_error("policy " #lower " (" #value ") registered as " + std::string(all.back()->name()) + " (" + \
                           std::to_string(all.back()->id()) + ")");
  ENERGON_POLICIES(ENERGON_REGISTER_POLICY)
#undef ENERGON_REGISTER_POLICY
  return all;
}

std::string known() {
  std::string s;
  const auto& all = attention_policies();
  for (size_t i = 0; i < all.size(); ++i)
    s += (i == 0                ? ""
          : i + 1 == all.size() ? " or "
                                : ", ") +
         std::string(all[i]->name()) + " (" + std::to_string(all[i]->id()) + ")";
  return s;
}

}  // namespace

const std::vector<const AttentionPolicy*>& attention_policies() {
  static const std::vector<const AttentionPolicy*> all = registered();
  return all;
}

const AttentionPolicy* find_policy(uint8_t id) {
  for (const AttentionPolicy* p : attention_policies())
    if (p->id() == id) return p;
  return nullptr;
}

const AttentionPolicy* find_policy(std::string_view name) {
  for (const AttentionPolicy* p : attention_policies())
    if (name == p->name()) return p;
  return nullptr;
}

const AttentionPolicy& policy_by_id(uint8_t id) {
  if (const AttentionPolicy* p = find_policy(id)) return *p;
  throw UnknownPolicy("unknown policy id " + std::to_string(id) + "; expected " + known());
}

const AttentionPolicy& policy_by_name(std::string_view name) {
  if (const AttentionPolicy* p = find_policy(name)) return *p;
  throw UnknownPolicy("unknown policy '" + std::string(name) + "'; expected " + known());
}

const AttentionPolicy& policy_of(Policy p) { return policy_by_id(static_cast<uint8_t>(p)); }

}  // namespace energon::hw
