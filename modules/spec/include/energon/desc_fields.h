// The descriptor's encoding of a filter configuration (energon_regs.h): one place that turns the
// job types into descriptor fields, for the firmware's callers, the testbenches and the clients.
#pragma once

#include <cstdint>
#include <vector>

#include "energon/attention_job.h"
#include "energon/hw/energon_regs.h"

namespace energon {

/// A selection rule as the descriptor holds it (q_bits, k_bits: the mpmrf round's widths, 0 else).
energon_select_t to_select(const SelectConfig& rule, uint8_t q_bits = 0, uint8_t k_bits = 0);
/// The inverse: the rule a descriptor's energon_select_t holds (q_bits, k_bits belong to the round).
SelectConfig from_select(const energon_select_t& s);
/// The descriptor's round[0..n_rounds) of a configuration: the mpmrf rounds, spatten's MSB pass
/// (ENERGON_PQ_*: k_bits the MSB width, k the Q0.16 threshold) when f.progressive is set, or a3's
/// search (ENERGON_A3_*: k_fraction_ppm the iteration fraction, k the Q8.8 threshold) when
/// f.candidate_search is set.
std::vector<energon_select_t> desc_rounds(const FilterConfig& f);
/// The inverse for spatten's round[0].
ProgressiveConfig progressive_from_select(const energon_select_t& s);
/// The inverse for a3's round[0].
CandidateSearchConfig candidate_search_from_select(const energon_select_t& s);
/// enum energon_policy of a Policy.
uint8_t to_desc_policy(Policy p);

}  // namespace energon
