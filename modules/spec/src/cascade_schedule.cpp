#include "energon/cascade_schedule.h"

#include "energon/attention_job.h"
#include "energon/filter_spec.h"

namespace energon {

uint32_t CascadeSchedule::at(const std::vector<uint32_t>& v, uint32_t layer) {
  if (v.empty()) return kFractionOne;
  return layer < v.size() ? v[layer] : v.back();
}

std::string parse_keep_list(const std::string& text, const std::string& option, std::vector<uint32_t>& out) {
  std::vector<uint32_t> list;
  size_t begin = 0;
  for (;;) {
    const size_t comma = text.find(',', begin);
    const std::string item = text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    const std::string where = option + " '" + text + "': layer " + std::to_string(list.size()) + " '" + item + "': ";
    uint32_t ppm = 0;
    if (const std::string e = parse_fraction_ppm(item, 6, ppm); !e.empty())
      return where + e + " (expected a fraction in (0, 1])";
    if (list.empty() && ppm != kFractionOne) return where + "layer 0 has no importance to prune by yet (expected 1)";
    if (!list.empty() && ppm > list.back())
      return where + "keeps more than layer " + std::to_string(list.size() - 1) + " (expected at most " +
             format_ppm(list.back(), 6) + ": pruned tokens and heads stay pruned)";
    list.push_back(ppm);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  out = std::move(list);
  return {};
}

std::string format_keep_list(const std::vector<uint32_t>& ppm) {
  std::string s;
  for (size_t i = 0; i < ppm.size(); ++i) s += (i ? "," : "") + format_ppm(ppm[i], 6);
  return s;
}

}  // namespace energon
