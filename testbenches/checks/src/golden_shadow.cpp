#include "energon/checks/golden_shadow.h"

#include "energon/llm_eval/golden_attention.h"

namespace energon::checks {

llama::ShadowFactory golden_shadow() {
  return [](const LayerFilters& filters) -> std::unique_ptr<llama::CountingAttentionBackend> {
    return std::make_unique<llm_eval::GoldenAttention>(filters);
  };
}

}  // namespace energon::checks
