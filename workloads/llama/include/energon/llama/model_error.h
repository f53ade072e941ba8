// The one exception type of the real-model library: a model, checkpoint or tokenizer file
// that cannot be used, with the file and the reason in the message.
#pragma once

#include <stdexcept>
#include <string>

namespace energon::llama {

/// Thrown for unreadable, truncated, corrupted or unsupported model files.
/// what() is "<file>: <reason>".
class ModelError : public std::runtime_error {
 public:
  ModelError(const std::string& file, const std::string& reason)
      : std::runtime_error(file + ": " + reason), file_(file), reason_(reason) {}
  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  std::string reason_;
};

}  // namespace energon::llama
