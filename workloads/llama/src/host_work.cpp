#include "energon/llama/host_work.h"

namespace energon::llama {

const char* to_string(HostOp op) {
  switch (op) {
    case HostOp::embedding:
      return "embedding";
    case HostOp::rmsnorm:
      return "rmsnorm";
    case HostOp::qkv_projection:
      return "qkv_projection";
    case HostOp::rotary:
      return "rotary";
    case HostOp::kv_gather:
      return "kv_gather";
    case HostOp::attention:
      return "attention";
    case HostOp::output_projection:
      return "output_projection";
    case HostOp::residual:
      return "residual";
    case HostOp::ffn:
      return "ffn";
    case HostOp::classifier:
      return "classifier";
    case HostOp::sampling:
      return "sampling";
    case HostOp::count:
      break;
  }
  return "unknown";
}

HostWork HostWorkLedger::total() const {
  HostWork t;
  for (const HostWork& w : ops_) t += w;
  return t;
}

HostWork HostWorkLedger::total_except(HostOp excluded) const {
  HostWork t;
  for (size_t i = 0; i < kHostOpCount; ++i)
    if (i != static_cast<size_t>(excluded)) t += ops_[i];
  return t;
}

HostWorkLedger& HostWorkLedger::operator+=(const HostWorkLedger& o) {
  for (size_t i = 0; i < kHostOpCount; ++i) ops_[i] += o.ops_[i];
  forward_steps += o.forward_steps;
  tokens += o.tokens;
  return *this;
}

}  // namespace energon::llama
