// The golden model as the shadow network's backend of a checked real-model run: the platform's
// logits must equal, bit for bit, those of the same network with this backend.
#pragma once

#include "energon/llama/attention_backend.h"

namespace energon::checks {

/// Makes llm_eval::GoldenAttention backends.
llama::ShadowFactory golden_shadow();

}  // namespace energon::checks
