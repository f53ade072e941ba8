// Text form of filter rounds for command lines and YAML:
//   "4x2:alpha=0,4x4:alpha=0.5"   threshold rounds (α as a decimal, stored as round(256·α))
//   "4x4:top=25%"  or "4x4:top=16" top-k rounds (fraction rounded up, or absolute k)
#pragma once

#include <string>
#include <vector>

#include "energon/attention_job.h"

namespace energon {

/// Parses a selection rule "alpha=<α>" or "top=<k>" / "top=<p>%"; returns an error text or "".
std::string parse_select(const std::string& text, SelectConfig& out);
/// Parses a comma-separated list of rounds; returns an error text (naming the bad part) or "".
std::string parse_rounds(const std::string& text, std::vector<FilterRound>& out);
/// The inverse of parse_rounds / parse_select.
std::string format_rounds(const std::vector<FilterRound>& rounds);
std::string format_select(const SelectConfig& rule);

}  // namespace energon
