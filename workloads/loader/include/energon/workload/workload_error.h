// The one exception type of the workload loader.
#pragma once

#include <stdexcept>
#include <string>

namespace energon::workload {

/// Thrown for every workload problem (YAML, lookup, .npy); what() names the file,
/// the key or field, and what was expected.
class WorkloadError : public std::runtime_error {
 public:
  explicit WorkloadError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace energon::workload
