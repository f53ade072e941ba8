#include "energon/stats/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace energon::stats {

Group::Group(std::string name, std::string description)
    : name_(std::move(name)), description_(std::move(description)) {}

Group& Group::group(const std::string& name, const std::string& description) {
  for (auto& g : groups_)
    if (g->name_ == name) return *g;
  groups_.push_back(std::make_unique<Group>(name, description));
  return *groups_.back();
}

void Group::set(const std::string& name, Value value, std::string unit, std::string description) {
  for (auto& s : stats_)
    if (s.name == name) {
      s = {name, std::move(value), std::move(unit), std::move(description)};
      return;
    }
  stats_.push_back({name, std::move(value), std::move(unit), std::move(description)});
}

const Group* Group::find_group(const std::string& path) const {
  if (path.empty()) return this;
  const size_t dot = path.find('.');
  const std::string head = path.substr(0, dot);
  for (auto& g : groups_)
    if (g->name_ == head) return dot == std::string::npos ? g.get() : g->find_group(path.substr(dot + 1));
  return nullptr;
}

const Stat* Group::find(const std::string& path) const {
  const size_t dot = path.rfind('.');
  const Group* g = dot == std::string::npos ? this : find_group(path.substr(0, dot));
  if (!g) return nullptr;
  const std::string leaf = dot == std::string::npos ? path : path.substr(dot + 1);
  for (auto& s : g->stats_)
    if (s.name == leaf) return &s;
  return nullptr;
}

double as_double(const Value& v) {
  struct {
    double operator()(uint64_t x) const { return double(x); }
    double operator()(int64_t x) const { return double(x); }
    double operator()(double x) const { return x; }
    double operator()(bool x) const { return x ? 1.0 : 0.0; }
    double operator()(const std::string&) const { return std::numeric_limits<double>::quiet_NaN(); }
  } visit;
  return std::visit(visit, v);
}

static std::string value_text(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return x;
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "yes" : "no";
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[64];
          if (x != 0.0 && (std::fabs(x) < 1e-3 || std::fabs(x) >= 1e9))
            std::snprintf(buf, sizeof buf, "%.4e", x);
          else
            std::snprintf(buf, sizeof buf, "%.4f", x);
          return buf;
        } else {
          return std::to_string(x);
        }
      },
      v);
}

static void table(std::ostream& os, const Group& g, int depth) {
  const std::string indent(size_t(depth) * 2, ' ');
  for (auto& s : g.stats()) {
    if (std::holds_alternative<std::string>(s.value)) {  // text: left-aligned, description after a dash
      os << indent << s.name << std::string(size_t(std::max(1, 35 - depth * 2 - int(s.name.size()))), ' ')
         << std::get<std::string>(s.value) << (s.description.empty() ? "" : "  — " + s.description) << "\n";
      continue;
    }
    char line[512];
    std::snprintf(line, sizeof line, "%s%-*s %16s %-7s %s\n", indent.c_str(), 34 - depth * 2, s.name.c_str(),
                  value_text(s.value).c_str(), s.unit.c_str(), s.description.c_str());
    os << line;
  }
  for (auto& c : g.groups()) {
    os << indent << c->name();
    if (!c->description().empty()) os << " — " << c->description();
    os << "\n";
    table(os, *c, depth + 1);
  }
}

void write_table(std::ostream& os, const Group& root) {
  if (!root.description().empty()) os << root.description() << "\n";
  table(os, root, 0);
}

}  // namespace energon::stats
