/* energon_hal_remote: the firmware HAL (energon_hal.h) over a co-simulation connection to
 * `energon-vp --serve` (docs/cosim.md), so the unmodified C driver runs in another process.
 * C11, POSIX sockets, no SystemC. Not thread-safe: one connection per thread. */
#ifndef ENERGON_HAL_REMOTE_H
#define ENERGON_HAL_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "energon/fw/energon_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct energon_remote energon_remote_t;

/** What the server's HELLO answered. */
typedef struct energon_remote_info {
  uint32_t version;
  uint64_t reg_base, dram_base, dram_size, shared_base, shared_size;
  uint64_t clock_period_ps; /**< the accelerator's clock */
  uint32_t max_payload;
} energon_remote_info_t;

/** Connects to "unix:PATH" (or a bare path) or "tcp:HOST:PORT" and says HELLO. Returns NULL
 *  and writes the reason into `error` (may be NULL) when that fails. */
energon_remote_t* energon_remote_connect(const char* address, char* error, size_t error_size);
/** Closes the connection (the server then lets a running job finish and exits). */
void energon_remote_close(energon_remote_t* r);

/** The HAL for energon_init(); register and memory hooks are frames to the server, mem_alloc a
 *  bump allocator over the server's shared window. */
const energon_hal_t* energon_remote_hal(energon_remote_t* r);
const energon_remote_info_t* energon_remote_platform(const energon_remote_t* r);

/** The HAL allocator's position, and release of everything allocated after it. */
uint64_t energon_remote_alloc_mark(const energon_remote_t* r);
void energon_remote_release_to(energon_remote_t* r, uint64_t mark);

/** Simulated time now, in picoseconds. 0 on success. */
int energon_remote_time_ps(energon_remote_t* r, uint64_t* time_ps);
/** Lets `ps` picoseconds of simulated time pass. 0 on success. */
int energon_remote_advance(energon_remote_t* r, uint64_t ps);
/** Asks the server to end the simulation (it answers, then exits). 0 on success. */
int energon_remote_shutdown(energon_remote_t* r);
/** The last failure: server status (enum energon_cosim_status, or -1 for a connection error)
 *  and its message; "" when the last call succeeded. */
int energon_remote_last_status(const energon_remote_t* r);
const char* energon_remote_last_error(const energon_remote_t* r);
/** Frames exchanged so far. */
uint64_t energon_remote_frames(const energon_remote_t* r);

#ifdef __cplusplus
}
#endif

#endif /* ENERGON_HAL_REMOTE_H */
