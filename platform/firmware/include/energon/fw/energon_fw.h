/* Energon firmware driver: bring-up, descriptor ring, completion, counters, error decoding.
 * C11, no SystemC: the same source runs on silicon behind an MMIO HAL (energon_hal.h).
 * Bring-up: energon_init → energon_probe → energon_queue_setup → energon_submit … → energon_wait. */
#ifndef ENERGON_FW_DRIVER_H
#define ENERGON_FW_DRIVER_H

#include <stdint.h>

#include "energon/fw/energon_hal.h"
#include "energon/hw/energon_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Driver return codes: 0 is success, negative values are driver failures. Hardware error codes
 * (enum energon_error, >= 0) are reported per job through energon_result_t. */
#define ENERGON_FW_ERRORS(X)                                                            \
  X(OK, 0, "Success")                                                                   \
  X(EINVAL, -1, "Invalid argument")                                                     \
  X(ENODEV, -2, "ID register does not read ENRG: no Energon at this address")           \
  X(EVERSION, -3, "Unsupported hardware major version")                                 \
  X(ETIMEDOUT, -4, "No interrupt within the timeout")                                   \
  X(EFULL, -5, "Descriptor ring has no room for the submission")                        \
  X(ENOMEM, -6, "Shared memory exhausted")                                              \
  X(EIO, -7, "Shared memory copy failed")                                               \
  X(EJOB, -8, "At least one job ended with a hardware error (see its result block)")    \
  X(EQUEUE, -9, "Hardware flagged the descriptor queue programming (STATUS.QUEUE_ERR)") \
  X(ENOQUEUE, -10, "energon_queue_setup has not been called")

#define ENERGON_FW_ENUM(name, value, desc) ENERGON_FW_##name = (value),
enum energon_fw_status { ENERGON_FW_ERRORS(ENERGON_FW_ENUM) };
#undef ENERGON_FW_ENUM

/** Driver state of one accelerator instance. Plain data: the caller owns the storage. */
typedef struct energon_dev {
  const energon_hal_t* hal;
  uint64_t reg_base;       /**< bus address of the register block */
  uint64_t ring_base;      /**< device address of the descriptor ring */
  uint32_t ring_entries;   /**< ring size in descriptors */
  uint32_t tail;           /**< next free ring entry (mirrors QUEUE_TAIL) */
  uint32_t submitted;      /**< descriptors submitted since energon_init */
  uint32_t jobs_done_base; /**< JOBS_DONE read at energon_init */
  uint32_t version;        /**< VERSION register, after energon_probe */
} energon_dev_t;

/** What one energon_wait observed. */
typedef struct energon_wait_info {
  uint32_t irq_causes; /**< OR of ENERGON_IRQ_* seen (and cleared) while waiting */
  uint32_t jobs_done;  /**< descriptors completed since energon_init */
  uint32_t last_error; /**< STATUS.ERR_CODE (enum energon_error) at the end of the wait */
  uint32_t err_desc;   /**< ERR_DESC: ring index of the last failed descriptor */
} energon_wait_info_t;

/** Result block of one descriptor, read back from the ring. */
typedef struct energon_result {
  int done;                          /**< hardware has written the result block */
  uint32_t error;                    /**< enum energon_error */
  uint64_t cycles;                   /**< accelerator cycles of this job */
  uint64_t allowed;                  /**< keys allowed by the masks */
  uint64_t kept[ENERGON_MAX_ROUNDS]; /**< keys kept after each mpmrf round (topk: [0]) */
  uint64_t final_kept;               /**< keys used by the attention engine */
} energon_result_t;

/** Performance counters (PERF_* registers). */
typedef struct energon_counters {
  uint64_t cycles;
  uint64_t busy_ctrl, busy_fetch, busy_filter, busy_select, busy_attn;
  uint64_t rd_desc, rd_q, rd_k[ENERGON_MAX_PLANES], rd_v, rd_scale;
  uint64_t wr_out, wr_desc;
  uint64_t keys_allowed, kept[ENERGON_MAX_ROUNDS], kept_final;
  uint32_t jobs_done;
} energon_counters_t;

/** Soft-resets the accelerator, clears pending interrupts, enables it with interrupts on
 *  (IRQ_MASK = DONE | ERROR). Does not check the ID: call energon_probe next. */
int energon_init(energon_dev_t* dev, const energon_hal_t* hal, uint64_t reg_base);
/** Checks ID == ENERGON_ID_VALUE and the major version; ENERGON_FW_ENODEV / EVERSION otherwise. */
int energon_probe(energon_dev_t* dev);
/** Programs the descriptor ring: `entries` descriptors of ENERGON_DESC_BYTES at `ring_base`
 *  (256-byte aligned, 2..4096 entries). The ring keeps one entry free: capacity entries − 1. */
int energon_queue_setup(energon_dev_t* dev, uint64_t ring_base, uint32_t entries);
/** Copies `count` descriptors into the ring (result blocks cleared) and rings the doorbell once.
 *  `first_index` (optional) receives the ring index of the first one. */
int energon_submit(energon_dev_t* dev, const energon_desc_t* descs, uint32_t count, uint32_t* first_index);
/** Free ring entries. */
uint32_t energon_queue_space(const energon_dev_t* dev);
/** Waits until every submitted descriptor has completed, clearing interrupt causes (W1C) as they
 *  come. Returns OK, EJOB when a job failed in the meantime, EQUEUE or ETIMEDOUT. `info` optional. */
int energon_wait(energon_dev_t* dev, uint32_t timeout_us, energon_wait_info_t* info);
/** Reads the result block of the descriptor at ring index `index`. */
int energon_read_result(energon_dev_t* dev, uint32_t index, energon_result_t* out);
/** Reads all performance counters (64-bit counters read HI, LO, HI to survive a carry). */
int energon_read_counters(energon_dev_t* dev, energon_counters_t* out);
/** Clears the performance counters (PERF_CTRL). */
void energon_clear_counters(energon_dev_t* dev);
/** Message for a driver status (< 0) or a hardware error code (enum energon_error, >= 0). */
const char* energon_strerror(int code);
/** Short name of a hardware error code ("ADDRESS", …) or a driver status ("ETIMEDOUT", …). */
const char* energon_error_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_FW_DRIVER_H */
