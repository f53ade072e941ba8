"""A connection to `energon-vp --serve`: registers by name, memory as NumPy arrays, interrupt and time."""
import os
import socket
import struct
import subprocess
import tempfile

import numpy as np

from . import protocol, regmap


class CosimError(RuntimeError):
    """The server answered with an error status, or the connection failed."""

    def __init__(self, status, message):
        super().__init__(f"{protocol.STATUSES.get(status, status)}: {message}")
        self.status = protocol.STATUSES.get(status, str(status))
        self.message = message


def _open(address):
    if address.startswith("tcp:"):
        host, port = address[4:].rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s
    path = address[5:] if address.startswith("unix:") else address
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


class Client:
    """One client of the server (the server serves one at a time). Use as a context manager."""

    def __init__(self, sock, process=None, socket_dir=None):
        self._sock = sock
        self._tag = 0
        self._process = process
        self._socket_dir = socket_dir
        self._ring = None
        self.frames = 0
        payload = self._call("HELLO", struct.pack("<I", protocol.VERSION))
        (self.version, self.reg_base, self.dram_base, self.dram_size, self.shared_base, self.shared_size,
         self.clock_period_ps, self.max_payload) = struct.unpack("<IQQQQQQI", payload)
        self._next_free = self.shared_base

    # ---- connection ----
    @classmethod
    def connect(cls, address):
        """Connects to a running server: "unix:PATH", a path, or "tcp:127.0.0.1:PORT"."""
        return cls(_open(address))

    @classmethod
    def launch(cls, hw="energon-edge", timing="lt", vp=None, extra_args=()):
        """Starts `energon-vp --serve` on a private Unix socket and connects; the server ends with close()."""
        vp = vp or os.environ.get("ENERGON_VP", "energon-vp")
        socket_dir = tempfile.mkdtemp(prefix="energon-vp-")
        address = "unix:" + os.path.join(socket_dir, "vp.sock")
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        process = subprocess.Popen([vp, "--hw", hw, "--timing", timing, "--serve", address, *extra_args],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = process.stdout.readline()
        if "listening on" not in line:
            err = process.stderr.read()
            process.wait()
            raise CosimError(-1, f"energon-vp --serve did not start: {line.strip()} {err.strip()}")
        return cls(_open(address), process, socket_dir)

    def close(self, shutdown=True):
        """Asks the server to end (SHUTDOWN) unless shutdown=False, closes; waits for a launched server."""
        if self._sock is not None:
            if shutdown:
                try:
                    self._call("SHUTDOWN")
                except (CosimError, OSError):
                    pass
            self._sock.close()
            self._sock = None
        if self._process is not None:
            self.server_exit_code = self._process.wait(timeout=120)
            self.server_log = self._process.stderr.read()
            self._process = None
        if self._socket_dir is not None:
            try:
                os.rmdir(self._socket_dir)
            except OSError:
                pass
            self._socket_dir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- frames ----
    def _recv(self, n):
        chunks = []
        while n > 0:
            chunk = self._sock.recv(min(n, 1 << 20))
            if not chunk:
                raise CosimError(-1, "the server closed the connection")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _call(self, name, payload=b""):
        self._tag = (self._tag + 1) & 0xFFFFFFFF
        msg_type = protocol.TYPES[name]
        self._sock.sendall(protocol.frame(msg_type, self._tag, payload))
        length, rtype, status, tag = protocol.parse_header(self._recv(protocol.HEADER_BYTES))
        body = self._recv(length)
        self.frames += 1
        if rtype != msg_type | protocol.RESPONSE or tag != self._tag:
            raise CosimError(-1, f"response {rtype:#x}/{tag} does not match request {msg_type:#x}/{self._tag}")
        if status != 0:
            raise CosimError(status, body.decode("utf-8", "replace"))
        return body

    # ---- bus ----
    def _reg_address(self, reg):
        return self.reg_base + (regmap.REGISTERS[reg][0] if isinstance(reg, str) else reg)

    def read32(self, reg):
        """A register by name ("STATUS") or offset, or any bus address with absolute=True via read32_at."""
        return struct.unpack("<I", self._call("READ32", struct.pack("<Q", self._reg_address(reg))))[0]

    def write32(self, reg, value):
        self._call("WRITE32", struct.pack("<QI", self._reg_address(reg), value & 0xFFFFFFFF))

    def read32_at(self, address):
        return struct.unpack("<I", self._call("READ32", struct.pack("<Q", address)))[0]

    def write32_at(self, address, value):
        self._call("WRITE32", struct.pack("<QI", address, value & 0xFFFFFFFF))

    def read64(self, reg_lo):
        """A 64-bit counter from its _LO register name (the _HI register follows)."""
        lo = self.read32(reg_lo)
        return lo | (self.read32(reg_lo[:-3] + "_HI") << 32)

    def mem_write(self, address, data):
        """Writes bytes or a NumPy array (its raw little-endian bytes) at a bus address."""
        raw = np.ascontiguousarray(data).tobytes() if isinstance(data, np.ndarray) else bytes(data)
        step = self.max_payload - 8
        for off in range(0, len(raw), step):
            self._call("MEM_WRITE", struct.pack("<Q", address + off) + raw[off:off + step])

    def mem_read(self, address, count, dtype=np.uint8):
        """Reads `count` elements of `dtype` at a bus address as a NumPy array."""
        nbytes = int(count) * np.dtype(dtype).itemsize
        parts = []
        for off in range(0, nbytes, self.max_payload):
            n = min(self.max_payload, nbytes - off)
            parts.append(self._call("MEM_READ", struct.pack("<QI", address + off, n)))
        return np.frombuffer(b"".join(parts), dtype=dtype).copy()

    def alloc(self, nbytes, align=64):
        """Reserves shared DRAM (bump allocator over the server's shared window); returns the bus address."""
        at = (self._next_free + align - 1) // align * align
        if at + nbytes > self.shared_base + self.shared_size:
            raise MemoryError(f"shared DRAM exhausted: {nbytes} bytes at {at:#x}")
        self._next_free = at + nbytes
        return at

    def alloc_mark(self):
        return self._next_free

    def release_to(self, mark):
        self._next_free = mark

    # ---- time ----
    def wait_irq(self, timeout_ps):
        """Sleeps in simulated time until the interrupt is high (True) or the timeout passes (False)."""
        body = self._call("WAIT_IRQ", struct.pack("<Q", int(timeout_ps)))
        return bool(body[0])

    def time_ps(self):
        return struct.unpack("<Q", self._call("GET_TIME"))[0]

    def advance(self, ps):
        return struct.unpack("<Q", self._call("ADVANCE", struct.pack("<Q", int(ps))))[0]

    # ---- the accelerator ----
    def run_attention(self, q, k, v, **kwargs):
        from .attention import run_attention
        return run_attention(self, q, k, v, **kwargs)

    def ring(self, entries=16):
        """The descriptor ring (programmed and the accelerator enabled on first use)."""
        if self._ring is None:
            base = self.alloc(entries * regmap.DESC_BYTES, regmap.RING_ALIGN)
            self.write32("CTRL", regmap.CTRL_SOFT_RESET)
            self.write32("IRQ_STATUS", regmap.IRQ_DONE | regmap.IRQ_ERROR)
            self.write32("IRQ_MASK", regmap.IRQ_DONE | regmap.IRQ_ERROR)
            self.write32("QUEUE_BASE_LO", base & 0xFFFFFFFF)
            self.write32("QUEUE_BASE_HI", base >> 32)
            self.write32("QUEUE_SIZE", entries)
            self.write32("CTRL", regmap.CTRL_ENABLE | regmap.CTRL_IRQ_EN)
            self._ring = {"base": base, "entries": entries, "tail": 0}
        return self._ring
