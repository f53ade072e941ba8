// Text form of filter rounds for command lines and YAML:
//   "4x2:alpha=0,4x4:alpha=0.5"   threshold rounds (α as a decimal, stored as round(256·α))
//   "4x4:top=25%"  or "4x4:top=16" top-k rounds (k = ceil(p·N) with p exact in ppm, or absolute k)
#pragma once

#include <string>
#include <vector>

#include "energon/attention_job.h"

namespace energon {

/// Parses an exact decimal fraction into parts per million: decimals_per_ppm is 6 for a fraction
/// ("0.125"), 4 for a percentage ("12.5"). Refuses anything outside (0, 1] or finer than 1 ppm;
/// returns an error text or "".
std::string parse_fraction_ppm(const std::string& text, unsigned decimals_per_ppm, uint32_t& ppm);
/// A computed fraction (e.g. a measured kept fraction) to the nearest ppm, clamped to 1..kFractionOne.
uint32_t fraction_to_ppm(double fraction);
/// ppm written exactly as a decimal with decimals_per_ppm decimals, trailing zeros dropped.
std::string format_ppm(uint32_t ppm, unsigned decimals_per_ppm);
/// Parses a selection rule "alpha=<α>" or "top=<k>" / "top=<p>%"; returns an error text or "".
std::string parse_select(const std::string& text, SelectConfig& out);
/// Parses a comma-separated list of rounds; returns an error text (naming the bad part) or "".
std::string parse_rounds(const std::string& text, std::vector<FilterRound>& out);
/// The inverse of parse_rounds / parse_select.
std::string format_rounds(const std::vector<FilterRound>& rounds);
std::string format_select(const SelectConfig& rule);

}  // namespace energon
