// Statistics as an object tree: groups of named values, each with a unit and a description.
// The hardware blocks register their own statistics in it (each block's describe()); one writer
// turns it into a table (here) and one into JSON (energon/stats/stats_json.h, platform/stats).
// Plain C++, no SystemC, no JSON library.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace energon::stats {

using Value = std::variant<uint64_t, int64_t, double, bool, std::string>;

struct Stat {
  std::string name;
  Value value;
  std::string unit;  ///< "cycles", "bytes", "ns", "" for a plain number …
  std::string description;
};

class Group {
 public:
  explicit Group(std::string name, std::string description = {});
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  /// Child group `name`, created on first use (the description of the first call sticks).
  Group& group(const std::string& name, const std::string& description = {});
  /// Sets (or replaces) a statistic of this group.
  void set(const std::string& name, Value value, std::string unit, std::string description);
  /// The statistic at a dotted path below this group ("dram.bytes_read"), or nullptr.
  const Stat* find(const std::string& path) const;
  /// The child group at a dotted path, or nullptr.
  const Group* find_group(const std::string& path) const;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<Stat>& stats() const { return stats_; }
  const std::vector<std::unique_ptr<Group>>& groups() const { return groups_; }

 private:
  std::string name_, description_;
  std::vector<Stat> stats_;
  std::vector<std::unique_ptr<Group>> groups_;
};

/// Numeric value of a statistic (bool → 0/1, string → NaN).
double as_double(const Value& v);

/// Indented table: one line per statistic (name, value, unit, description), groups as headings.
void write_table(std::ostream& os, const Group& root);

}  // namespace energon::stats
