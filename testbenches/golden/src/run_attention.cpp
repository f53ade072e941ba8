// One attention job, streamed one query row at a time: no n×n matrices.
#include <algorithm>

#include "energon/golden/candidate_search.h"
#include "energon/golden/golden.h"
#include "energon/golden/policy_model.h"
#include "energon/kernels/kernels.h"

namespace energon::golden {
namespace {

/// MSB slices of one kv head's K for every round (int8: filter widths are ≤ 8 bits).
struct LowBitKeys {
  std::vector<std::vector<int8_t>> round_keys;  // [round][key·d + t]

  void build(const int16_t* k_head, uint32_t n_k, uint32_t d, const std::vector<FilterRound>& rounds) {
    round_keys.resize(rounds.size());
    for (size_t r = 0; r < rounds.size(); ++r) {
      std::vector<int8_t>& kb = round_keys[r];
      kb.resize(size_t(n_k) * d);
      const unsigned bits = rounds[r].k_bits;
      for (size_t e = 0; e < kb.size(); ++e) kb[e] = static_cast<int8_t>(msb_slice(k_head[e], bits));
    }
  }
};

/// Per-job scratch reused by every row: no allocation per element.
struct RowScratch {
  std::vector<uint32_t> candidates, kept;
  std::vector<int64_t> scores;
  std::vector<int8_t> q_low;
  std::vector<uint16_t> p16;
};

void report(RowObserver* obs, uint32_t h, uint32_t i, uint32_t round, const std::vector<uint32_t>& kept, bool last) {
  if (obs) obs->on_round(h, i, round, kept, last);
}

}  // namespace

std::vector<int16_t> run_attention(const QuantizedLayer& job, const FilterConfig& filter, GoldenStats* stats,
                                   RowObserver* observer) {
  const AttentionShape& s = job.shape;
  const uint32_t d = s.d;
  std::vector<int16_t> out(s.q_elems(), 0);
  // The policy's reference steps (src/policies): low-bit rounds, then a full-precision rule.
  const GoldenSchedule schedule = policy_model(filter.policy).schedule(filter);
  const std::vector<FilterRound>& rounds = schedule.low_bit_rounds;
  const size_t n_rounds = schedule.selection_steps();

  const kernels::KernelSet& kern = kernels::active();  // exact: every set gives the same scores
  GoldenStats local;
  local.rounds.assign(n_rounds, {});
  local.importance.clear(s.heads, s.n_k);
  RowScratch row;
  row.q_low.resize(d);
  LowBitKeys low_keys;
  uint32_t low_keys_head = ~0u;
  // spatten: K of the current kv head with its LSBs cleared (the MSB planes alone).
  std::vector<int16_t> msb_keys;
  uint32_t msb_keys_head = ~0u;
  // a3: the current kv head's K columns in sorted order.
  SortedKeyColumns sorted_keys;
  uint32_t sorted_keys_head = ~0u;

  for (uint32_t h = 0; h < s.heads; ++h) {
    const uint32_t kvh = s.kv_head_of(h);
    const int16_t* k_head = job.k.data.data() + size_t(kvh) * s.n_k * d;
    const int16_t* v_head = job.v.data.data() + size_t(kvh) * s.n_k * d;
    if (!rounds.empty() && low_keys_head != kvh) {
      low_keys.build(k_head, s.n_k, d, rounds);
      low_keys_head = kvh;
    }
    if (schedule.progressive && msb_keys_head != kvh) {
      const unsigned lsb = 16u - schedule.progressive->msb_bits;
      const uint16_t keep = uint16_t(0xFFFFu << lsb);
      msb_keys.resize(size_t(s.n_k) * d);
      for (size_t e = 0; e < msb_keys.size(); ++e) msb_keys[e] = int16_t(uint16_t(k_head[e]) & keep);
      msb_keys_head = kvh;
    }
    if (schedule.candidate_search && sorted_keys_head != kvh) {
      sorted_keys.build(k_head, s.n_k, d);
      sorted_keys_head = kvh;
    }
    const float c = softmax_scale(job.q.scale[h], job.k.scale[kvh], d);
    SelectConfig full_rule = schedule.full_precision_rule;
    if (schedule.candidate_search) full_rule.margin = schedule.candidate_search->score_margin(c);

    for (uint32_t i = 0; i < s.n_q; ++i) {
      const int16_t* q = job.q.data.data() + (size_t(h) * s.n_q + i) * d;
      job.prune.allowed_keys(s, h, i, row.candidates);  // [0, allowed_end(i)) less the pruned tokens
      const uint32_t end = uint32_t(row.candidates.size());
      local.allowed += end;
      report(observer, h, i, 0, row.candidates, n_rounds == 0 || end == 0);

      if (!rounds.empty()) {
        for (size_t r = 0; r < rounds.size() && !row.candidates.empty(); ++r) {
          const FilterRound& fr = rounds[r];
          for (uint32_t t = 0; t < d; ++t) row.q_low[t] = static_cast<int8_t>(msb_slice(q[t], fr.q_bits));
          const uint32_t n = static_cast<uint32_t>(row.candidates.size());
          row.scores.resize(n);
          const int8_t* kb = low_keys.round_keys[r].data();
          kern.scores_int8(row.q_low.data(), kb, row.candidates.data(), n, d, row.scores.data());
          row.kept.clear();
          select(fr.select, row.scores.data(), row.candidates.data(), n, row.kept);
          local.rounds[r].candidates += n;
          local.rounds[r].kept += row.kept.size();
          row.candidates.swap(row.kept);
          report(observer, h, i, uint32_t(r + 1), row.candidates, r + 1 == n_rounds);
        }
      }

      if (schedule.candidate_search && !row.candidates.empty()) {
        // A³'s candidate search on the sorted columns picks the keys the INT16 scores run on.
        const uint32_t n_allowed = uint32_t(row.candidates.size());
        search_candidates(sorted_keys, q, row.candidates, schedule.candidate_search->iterations(n_allowed), row.kept);
        local.rounds[0].candidates += n_allowed;
        local.rounds[0].kept += row.kept.size();
        row.candidates.swap(row.kept);
        report(observer, h, i, 1, row.candidates, false);
      }

      // Full-precision scores of the surviving keys (a full-precision rule selects on them).
      uint32_t n = static_cast<uint32_t>(row.candidates.size());
      row.scores.resize(n);
      if (schedule.progressive && n > 0) {
        // Progressive quantization: scores on the MSB planes; p16_max of their softmax decides.
        kern.scores_int16(q, msb_keys.data(), row.candidates.data(), n, d, row.scores.data());
        row.p16.resize(n);
        softmax_q16(row.scores.data(), n, c, row.p16.data());
        const uint32_t p16_max = *std::max_element(row.p16.begin(), row.p16.end());
        ++local.pq_rows;
        if (schedule.progressive->recompute(p16_max)) {
          ++local.pq_recomputed;
          kern.scores_int16(q, k_head, row.candidates.data(), n, d, row.scores.data());
        }
      } else {
        kern.scores_int16(q, k_head, row.candidates.data(), n, d, row.scores.data());
      }
      if (schedule.full_precision_select && n > 0) {
        const size_t step = n_rounds - 1;
        row.kept.clear();
        select(full_rule, row.scores.data(), row.candidates.data(), n, row.kept);
        local.rounds[step].candidates += n;
        local.rounds[step].kept += row.kept.size();
        // Kept keys are a sorted subset of the candidates: compact their scores in place.
        uint32_t w = 0;
        for (uint32_t j = 0; j < n && w < row.kept.size(); ++j)
          if (row.candidates[j] == row.kept[w]) row.scores[w++] = row.scores[j];
        row.candidates.swap(row.kept);
        n = static_cast<uint32_t>(row.candidates.size());
        report(observer, h, i, uint32_t(step + 1), row.candidates, true);
      }
      local.final_kept += n;
      if (n == 0) continue;  // no allowed key: the output row stays zero

      row.p16.resize(n);
      softmax_q16(row.scores.data(), n, c, row.p16.data());
      int16_t* o = out.data() + (size_t(h) * s.n_q + i) * d;
      weighted_sum(kern, row.p16.data(), row.candidates.data(), n, v_head, d, o);
      for (uint32_t j = 0; j < n; ++j) local.importance.token[row.candidates[j]] += row.p16[j];
      for (uint32_t t = 0; t < d; ++t) local.importance.head[h] += uint64_t(o[t] < 0 ? -int32_t(o[t]) : int32_t(o[t]));
    }
  }
  if (stats) *stats = std::move(local);
  return out;
}

}  // namespace energon::golden
