#include "register_log.h"

#include <cstdio>

#include "energon/hw/attention_policy.h"
#include "energon/hw/register_table.h"

namespace energon::hw {

namespace {

std::string hex(uint64_t v, int digits = 8) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return b;
}

std::string flags(uint32_t v, std::initializer_list<std::pair<uint32_t, const char*>> bits) {
  std::string s;
  for (auto [bit, name] : bits)
    if (v & bit) s += (s.empty() ? "" : " ") + std::string(name);
  return s.empty() ? "none" : s;
}

}  // namespace

std::string describe_error(uint8_t code) {
  for (const ErrorSpec& e : kErrors)
    if (e.value == code) return std::string(e.name) + " (" + e.description + ")";
  return "UNKNOWN (" + std::to_string(code) + ")";
}

std::string describe_register(uint32_t offset, uint32_t value) {
  const RegisterSpec* r = register_at(offset);
  std::string s = (r ? std::string(r->name) : "offset " + hex(offset, 3)) + " = " + hex(value);
  switch (offset) {
    case ENERGON_REG_CTRL:
      s += " (" +
           flags(value, {{ENERGON_CTRL_ENABLE, "ENABLE"},
                         {ENERGON_CTRL_SOFT_RESET, "SOFT_RESET"},
                         {ENERGON_CTRL_IRQ_EN, "IRQ_EN"}}) +
           ")";
      break;
    case ENERGON_REG_STATUS:
      s += " (" + flags(value, {{ENERGON_STATUS_BUSY, "BUSY"}, {ENERGON_STATUS_QUEUE_ERR, "QUEUE_ERR"}}) +
           ", ERR_CODE " + error_name(uint8_t((value & ENERGON_STATUS_ERR_MASK) >> ENERGON_STATUS_ERR_SHIFT)) + ")";
      break;
    case ENERGON_REG_IRQ_STATUS:
    case ENERGON_REG_IRQ_MASK:
      s += " (" + flags(value, {{ENERGON_IRQ_DONE, "DONE"}, {ENERGON_IRQ_ERROR, "ERROR"}}) + ")";
      break;
    case ENERGON_REG_ID:
      s += value == ENERGON_ID_VALUE ? " (\"ENRG\")" : "";
      break;
    case ENERGON_REG_QUEUE_SIZE:
    case ENERGON_REG_QUEUE_HEAD:
    case ENERGON_REG_QUEUE_TAIL:
    case ENERGON_REG_JOBS_DONE:
    case ENERGON_REG_ERR_DESC:
      s += " (" + std::to_string(value) + ")";
      break;
    default:
      break;
  }
  return s;
}

std::string describe_descriptor(const energon_desc_t& d) {
  const AttentionPolicy* policy = find_policy(d.policy);
  std::string s = "magic " + std::string(d.magic == ENERGON_DESC_MAGIC ? "ok" : hex(d.magic)) + ", heads " +
                  std::to_string(d.heads) + "/" + std::to_string(d.kv_heads) + ", n_q " + std::to_string(d.n_q) +
                  ", n_k " + std::to_string(d.n_k) + ", valid_len " + std::to_string(d.valid_len) + ", d " +
                  std::to_string(d.d) + ", " +
                  (policy ? std::string(policy->name()) : "policy " + std::to_string(d.policy)) +
                  ((d.flags & ENERGON_DESC_FLAG_CAUSAL) ? ", causal" : "");
  if (policy) s += policy->describe(d);
  s += ", planes";
  for (unsigned p = 0; p < d.n_planes && p < ENERGON_MAX_PLANES; ++p) s += " " + std::to_string(d.plane_bits[p]);
  s += ", q " + hex(d.q_addr, 1) + ", v " + hex(d.v_addr, 1) + ", out " + hex(d.out_addr, 1);
  return s;
}

}  // namespace energon::hw
