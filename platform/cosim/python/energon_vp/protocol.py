"""Frames of the co-simulation protocol, version 1 (energon_cosim_protocol.h, docs/cosim.md)."""
import struct

VERSION = 1
HEADER_BYTES = 12
RESPONSE = 0x8000
MAX_PAYLOAD = 64 << 20

# Message types (ENERGON_COSIM_TYPES); a test checks them against the C header.
TYPES = {"HELLO": 0x01, "READ32": 0x02, "WRITE32": 0x03, "MEM_WRITE": 0x04, "MEM_READ": 0x05,
         "WAIT_IRQ": 0x06, "GET_TIME": 0x07, "ADVANCE": 0x08, "SHUTDOWN": 0x09}
# Status codes (ENERGON_COSIM_STATUSES).
STATUSES = {0: "OK", 1: "BAD_MESSAGE", 2: "UNKNOWN_TYPE", 3: "BUS_ERROR", 4: "TOO_LARGE", 5: "BUSY",
            6: "VERSION", 7: "BAD_ARGUMENT", 8: "NO_HELLO"}


def frame(msg_type, tag, payload=b"", status=0):
    """One frame: u32 length of what follows, u16 type, u16 status, u32 tag, payload."""
    return struct.pack("<IHHI", HEADER_BYTES - 4 + len(payload), msg_type, status, tag) + bytes(payload)


def parse_header(header):
    """(payload length, type, status, tag) of a 12-byte header."""
    length, msg_type, status, tag = struct.unpack("<IHHI", header)
    if length < HEADER_BYTES - 4:
        raise ValueError(f"frame length {length} shorter than the header")
    return length - (HEADER_BYTES - 4), msg_type, status, tag
