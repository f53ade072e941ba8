// Register file built from the ENERGON_REGISTERS table: values, reset values and access
// rules come from the table; a block binds behaviour (live read values, actions after a
// write) per register instead of decoding offsets by hand.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "energon/hw/register_table.h"

namespace energon::hw {

class RegisterFile {
 public:
  using ReadHook = std::function<uint32_t(uint32_t stored)>;
  using WriteHook = std::function<void(uint32_t written)>;

  struct Register {
    const RegisterSpec* spec = nullptr;
    uint32_t value = 0;
    uint32_t writable = 0xFFFF'FFFFu;  ///< bits software may write (RW) or clear (W1C)
    ReadHook on_read;                  ///< computes the value software reads; default: stored
    WriteHook on_write;                ///< runs after the access rule has updated the value
  };

  RegisterFile();
  RegisterFile(const RegisterFile&) = delete;
  RegisterFile& operator=(const RegisterFile&) = delete;

  /// Every register to its reset value from the table.
  void reset();
  /// Register at a byte offset, or nullptr for a hole or an offset outside the space.
  Register* find(uint32_t offset);
  const Register* find(uint32_t offset) const;
  Register& operator[](energon_reg r) { return *find(r); }
  const Register& operator[](energon_reg r) const { return *find(r); }

  void bind_read(energon_reg r, ReadHook hook) { (*this)[r].on_read = std::move(hook); }
  void bind_write(energon_reg r, WriteHook hook) { (*this)[r].on_write = std::move(hook); }
  void set_writable(energon_reg r, uint32_t mask) { (*this)[r].writable = mask; }

  /// Software read: the bound read hook or the stored value (WO registers read as 0).
  uint32_t read(const Register& reg) const;
  /// Software write: applies the access rule (RO ignores, RW stores, W1C clears, WO stores),
  /// then runs the write hook (not for RO).
  void write(Register& reg, uint32_t data);

 private:
  std::array<Register, kRegisterCount> regs_;
  std::array<int16_t, ENERGON_REG_SPACE_BYTES / 4> slot_;  // word index → regs_ index or -1
};

}  // namespace energon::hw
