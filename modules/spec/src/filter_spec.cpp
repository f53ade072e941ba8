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

std::string parse_select(const std::string& text, SelectConfig& out) {
  const auto eq = text.find('=');
  const std::string key = text.substr(0, eq), value = eq == std::string::npos ? "" : text.substr(eq + 1);
  if (key == "alpha") {
    double a;
    if (!parse_double(value, a) || a < -1.0 || a > 1.0)
      return "'" + text + "': alpha must be a number in [-1, 1]";
    out = {SelectRule::threshold, int32_t(std::lround(a * 256.0)), 0, 0};
    return {};
  }
  if (key == "top") {
    unsigned long k;
    if (!value.empty() && value.back() == '%') {
      double pct;
      if (!parse_double(value.substr(0, value.size() - 1), pct) || pct <= 0.0 || pct > 100.0)
        return "'" + text + "': top fraction must be in (0%, 100%]";
      const long q16 = std::lround(pct / 100.0 * 65536.0);
      out = {SelectRule::topk, 0, 0, uint32_t(q16 < 1 ? 1 : q16)};
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
    if (x == std::string::npos || colon == std::string::npos || colon < x ||
        !parse_uint(part.substr(0, x), qb) || !parse_uint(part.substr(x + 1, colon - x - 1), kb))
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

std::string format_select(const SelectConfig& r) {
  std::ostringstream o;
  if (r.rule == SelectRule::threshold)
    o << "alpha=" << double(r.alpha_q8) / 256.0;
  else if (r.k_fraction_q16)
    o << "top=" << double(r.k_fraction_q16) * 100.0 / 65536.0 << "%";
  else
    o << "top=" << r.k;
  return o.str();
}

std::string format_rounds(const std::vector<FilterRound>& rounds) {
  std::ostringstream o;
  for (size_t i = 0; i < rounds.size(); ++i)
    o << (i ? "," : "") << int(rounds[i].q_bits) << "x" << int(rounds[i].k_bits) << ":" << format_select(rounds[i].select);
  return o.str();
}

}  // namespace energon
