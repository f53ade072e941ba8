#include "energon/hw/register_file.h"

#include <stdexcept>
#include <string>

namespace energon::hw {

RegisterFile::RegisterFile() {
  slot_.fill(-1);
  for (size_t i = 0; i < kRegisterCount; ++i) {
    const RegisterSpec& s = kRegisters[i];
    if (s.offset % 4 != 0 || s.offset >= ENERGON_REG_SPACE_BYTES || slot_[s.offset / 4] != -1)
      throw std::logic_error(std::string("energon_regs.h: register ") + s.name +
                             " has an unaligned, out-of-space or duplicate offset");
    slot_[s.offset / 4] = static_cast<int16_t>(i);
    regs_[i].spec = &s;
  }
  reset();
}

void RegisterFile::reset() {
  for (Register& r : regs_) r.value = r.spec->reset;
}

RegisterFile::Register* RegisterFile::find(uint32_t offset) {
  if (offset % 4 != 0 || offset >= ENERGON_REG_SPACE_BYTES || slot_[offset / 4] < 0) return nullptr;
  return &regs_[size_t(slot_[offset / 4])];
}

const RegisterFile::Register* RegisterFile::find(uint32_t offset) const {
  return const_cast<RegisterFile*>(this)->find(offset);
}

uint32_t RegisterFile::read(const Register& reg) const {
  if (reg.spec->access == Access::WO) return 0;
  return reg.on_read ? reg.on_read(reg.value) : reg.value;
}

void RegisterFile::write(Register& reg, uint32_t data) {
  switch (reg.spec->access) {
    case Access::RO:
      return;
    case Access::RW:
    case Access::WO:
      reg.value = (reg.value & ~reg.writable) | (data & reg.writable);
      break;
    case Access::W1C:
      reg.value &= ~(data & reg.writable);
      break;
  }
  if (reg.on_write) reg.on_write(data);
}

}  // namespace energon::hw
