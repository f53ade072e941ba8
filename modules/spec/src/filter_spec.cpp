#include "energon/filter_spec.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace energon {
namespace {

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(v);
}

bool parse_uint(const std::string& s, unsigned long& v) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) return false;
  v = std::stoul(s);
  return true;
}

}  // namespace

std::string parse_fraction_ppm(const std::string& text, unsigned decimals_per_ppm, uint32_t& ppm) {
  // Exact decimal: digits, optionally '.' and digits; value · 10^decimals_per_ppm must be a whole
  // number of ppm in 1..kFractionOne (no float rounding decides k).
  const auto dot = text.find('.');
  const std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  const bool digits = !(whole.empty() && frac.empty()) && whole.find_first_not_of("0123456789") == std::string::npos &&
                      frac.find_first_not_of("0123456789") == std::string::npos &&
                      (dot == std::string::npos || !frac.empty());
  if (!digits) return "expected a decimal number such as 0.25";
  uint64_t v = 0;
  for (char c : whole) {
    v = v * 10 + uint64_t(c - '0');
    if (v > kFractionOne) return "above 1 (all keys)";
  }
  for (unsigned i = 0; i < decimals_per_ppm; ++i) v = v * 10 + (i < frac.size() ? uint64_t(frac[i] - '0') : 0);
  if (frac.size() > decimals_per_ppm && frac.find_first_not_of('0', decimals_per_ppm) != std::string::npos)
    return "finer than 1 ppm (fractions are exact in parts per million)";
  if (v == 0) return "must be above 0";
  if (v > kFractionOne) return "above 1 (all keys)";
  ppm = uint32_t(v);
  return {};
}

uint32_t fraction_to_ppm(double fraction) {
  const double p = std::round(fraction * double(kFractionOne));
  return !(p >= 1.0) ? 1u : p >= double(kFractionOne) ? kFractionOne : uint32_t(p);
}

std::string parse_select(const std::string& text, SelectConfig& out) {
  const auto eq = text.find('=');
  const std::string key = text.substr(0, eq), value = eq == std::string::npos ? "" : text.substr(eq + 1);
  if (key == "alpha") {
    double a;
    if (!parse_double(value, a) || a < -1.0 || a > 1.0) return "'" + text + "': alpha must be a number in [-1, 1]";
    out = {SelectRule::threshold, int32_t(std::lround(a * 256.0)), 0, 0};
    return {};
  }
  if (key == "top") {
    unsigned long k;
    if (!value.empty() && value.back() == '%') {
      uint32_t ppm = 0;
      if (const std::string e = parse_fraction_ppm(value.substr(0, value.size() - 1), 4, ppm); !e.empty())
        return "'" + text + "': top percentage " + e + "; expected (0%, 100%] with at most 4 decimals";
      out = {SelectRule::topk, 0, 0, ppm};
      return {};
    }
    if (!parse_uint(value, k) || k == 0) return "'" + text + "': top needs a positive integer k or a percentage";
    out = {SelectRule::topk, 0, uint32_t(k), 0};
    return {};
  }
  return "'" + text + "': expected alpha=<a> or top=<k> / top=<p>%";
}

std::string parse_rounds(const std::string& text, std::vector<FilterRound>& out) {
  out.clear();
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const auto x = part.find('x'), colon = part.find(':');
    unsigned long qb, kb;
    if (x == std::string::npos || colon == std::string::npos || colon < x || !parse_uint(part.substr(0, x), qb) ||
        !parse_uint(part.substr(x + 1, colon - x - 1), kb))
      return "round '" + part + "': expected <q_bits>x<k_bits>:<rule>, e.g. 4x2:alpha=0";
    FilterRound r;
    r.q_bits = uint8_t(qb > 255 ? 255 : qb);
    r.k_bits = uint8_t(kb > 255 ? 255 : kb);
    const std::string err = parse_select(part.substr(colon + 1), r.select);
    if (!err.empty()) return "round '" + part + "': " + err;
    out.push_back(r);
  }
  if (out.empty()) return "no rounds given";
  return {};
}

std::string format_ppm(uint32_t ppm, unsigned decimals_per_ppm) {
  // ppm / 10^decimals_per_ppm written exactly, trailing zeros dropped: 125000 ppm, 4 -> "12.5".
  uint32_t div = 1;
  for (unsigned i = 0; i < decimals_per_ppm; ++i) div *= 10;
  std::string s = std::to_string(ppm / div);
  std::string frac = std::to_string(ppm % div);
  frac.insert(0, decimals_per_ppm - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? s : s + "." + frac;
}

std::string format_select(const SelectConfig& r) {
  std::ostringstream o;
  if (r.rule == SelectRule::threshold)
    o << "alpha=" << double(r.alpha_q8) / 256.0;
  else if (r.rule == SelectRule::max_margin)
    o << "margin=" << r.margin;
  else if (r.k_fraction_ppm)
    o << "top=" << format_ppm(r.k_fraction_ppm, 4) << "%";
  else
    o << "top=" << r.k;
  return o.str();
}

std::string format_rounds(const std::vector<FilterRound>& rounds) {
  std::ostringstream o;
  for (size_t i = 0; i < rounds.size(); ++i)
    o << (i ? "," : "") << int(rounds[i].q_bits) << "x" << int(rounds[i].k_bits) << ":"
      << format_select(rounds[i].select);
  return o.str();
}

}  // namespace energon
