// The trained model the llm tests run (../shared/models, docs/real-model.md); tests skip, saying
// so, where a clone has no ../shared.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace energon::platform::llm::test_model {

inline const std::string kModels = std::string(ENERGON_SHARED_DIR) + "/models/";
inline const std::string kBin = kModels + "stories260K.bin";
inline const std::string kTok = kModels + "tok512.bin";

inline bool have_model() { return std::filesystem::exists(kBin) && std::filesystem::exists(kTok); }

}  // namespace energon::platform::llm::test_model

#define SKIP_WITHOUT_MODEL()                                                                     \
  if (!::energon::platform::llm::test_model::have_model()) {                                     \
    WARN("skipped: model files not found in " << ::energon::platform::llm::test_model::kModels); \
    return;                                                                                      \
  }
