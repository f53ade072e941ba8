// Checks the commands share before Boost.Program_options reads the command line: Boost reads "-1"
// into an unsigned option as 4294967295, so counts are refused when they are negative.
#pragma once

#include <initializer_list>
#include <string>

namespace energon::stats {

/// "" when no option of `names` (e.g. "--layers", "-l") has a value starting with '-' or '+';
/// else "--layers '-1': expected a whole number >= 0".
std::string negative_count(int argc, const char* const* argv, std::initializer_list<const char*> names);

}  // namespace energon::stats
