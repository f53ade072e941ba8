/* Energon firmware hardware abstraction layer: the only way the driver touches hardware.
 * On silicon read32/write32 are volatile MMIO accesses and wait_for_interrupt is a WFI loop;
 * on the virtual platform the host CPU model implements them over its TLM socket. */
#ifndef ENERGON_FW_HAL_H
#define ENERGON_FW_HAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Device address returned by mem_alloc when the shared memory is exhausted. */
#define ENERGON_HAL_NO_MEMORY UINT64_MAX

typedef struct energon_hal {
  void* ctx; /**< passed back to every hook */
  /** 32-bit register read at a bus address. */
  uint32_t (*read32)(void* ctx, uint64_t addr);
  /** 32-bit register write at a bus address. */
  void (*write32)(void* ctx, uint64_t addr, uint32_t value);
  /** Sleeps until the accelerator's interrupt line is (or becomes) high or timeout_us passes.
   *  Returns 0 when the line is high, non-zero on timeout. */
  int (*wait_for_interrupt)(void* ctx, uint32_t timeout_us);
  /** Copies host memory into the shared DRAM the accelerator sees; 0 on success. */
  int (*mem_write)(void* ctx, uint64_t dev_addr, const void* src, size_t bytes);
  /** Copies shared DRAM into host memory; 0 on success. */
  int (*mem_read)(void* ctx, uint64_t dev_addr, void* dst, size_t bytes);
  /** Reserves `bytes` of shared DRAM aligned to `align` (a power of two); returns the device
   *  address or ENERGON_HAL_NO_MEMORY. */
  uint64_t (*mem_alloc)(void* ctx, size_t bytes, size_t align);
} energon_hal_t;

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_FW_HAL_H */
