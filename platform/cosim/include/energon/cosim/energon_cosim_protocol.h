/* Energon co-simulation protocol, version 1 (docs/cosim.md): what a client in another process
 * sends to `energon-vp --serve` and what it gets back. Little-endian, length-prefixed frames over
 * a stream socket (Unix-domain or TCP on loopback). C11, shared by the server and the C client. */
#ifndef ENERGON_COSIM_PROTOCOL_H
#define ENERGON_COSIM_PROTOCOL_H

#include <stdint.h>

#define ENERGON_COSIM_VERSION 1u
/* Frame: u32 length (bytes after this field) | u16 type | u16 status | u32 tag | payload.
 * Requests carry status 0; a response has the request's type | ENERGON_COSIM_RESPONSE and tag. */
#define ENERGON_COSIM_HEADER_BYTES 12u
#define ENERGON_COSIM_RESPONSE 0x8000u
/* Largest payload of one frame (a bulk memory transfer); a longer frame is refused and the
 * connection closed, since the stream cannot be resynchronised. */
#define ENERGON_COSIM_MAX_PAYLOAD (64u << 20)

/* X(name, value, request payload, response payload) */
#define ENERGON_COSIM_TYPES(X)                                                     \
  X(HELLO, 0x01, "u32 client version",                                             \
    "u32 version, u64 reg_base, u64 dram_base, u64 dram_size, "                    \
    "u64 shared_base, u64 shared_size, u64 clock_period_ps, u32 max_payload")      \
  X(READ32, 0x02, "u64 address", "u32 value")                                      \
  X(WRITE32, 0x03, "u64 address, u32 value", "-")                                  \
  X(MEM_WRITE, 0x04, "u64 address, bytes", "-")                                    \
  X(MEM_READ, 0x05, "u64 address, u32 length", "bytes")                            \
  X(WAIT_IRQ, 0x06, "u64 timeout_ps", "u8 irq (1 high, 0 timed out), u64 time_ps") \
  X(GET_TIME, 0x07, "-", "u64 time_ps")                                            \
  X(ADVANCE, 0x08, "u64 duration_ps", "u64 time_ps")                               \
  X(SHUTDOWN, 0x09, "-", "-")

#define ENERGON_COSIM_TYPE_ENUM(name, value, req, resp) ENERGON_COSIM_##name = (value),
enum energon_cosim_type { ENERGON_COSIM_TYPES(ENERGON_COSIM_TYPE_ENUM) };
#undef ENERGON_COSIM_TYPE_ENUM

/* X(name, value, meaning); an error response's payload is a UTF-8 message. */
#define ENERGON_COSIM_STATUSES(X)                                                          \
  X(OK, 0, "Success")                                                                      \
  X(BAD_MESSAGE, 1, "Malformed frame: length or payload does not fit the message type")    \
  X(UNKNOWN_TYPE, 2, "Unknown message type")                                               \
  X(BUS_ERROR, 3, "The bus answered with an error response (address off the map)")         \
  X(TOO_LARGE, 4, "Frame longer than ENERGON_COSIM_MAX_PAYLOAD; the connection is closed") \
  X(BUSY, 5, "Another client is connected; this connection is refused")                    \
  X(VERSION, 6, "Protocol version not supported")                                          \
  X(BAD_ARGUMENT, 7, "Argument out of range (misaligned register, zero length, ...)")      \
  X(NO_HELLO, 8, "HELLO must be the first message")

#define ENERGON_COSIM_STATUS_ENUM(name, value, desc) ENERGON_COSIM_ST_##name = (value),
enum energon_cosim_status { ENERGON_COSIM_STATUSES(ENERGON_COSIM_STATUS_ENUM) };
#undef ENERGON_COSIM_STATUS_ENUM

#endif /* ENERGON_COSIM_PROTOCOL_H */
