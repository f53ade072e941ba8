"""A bad client never takes the server down: every bad frame gets a clear error reply (or the
connection is refused or closed), and the server exits cleanly when the client goes away."""
import os
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import layer
from energon_vp import Client, CosimError, protocol


class Server:
    def __init__(self, vp_bin):
        self.dir = tempfile.mkdtemp(prefix="energon-vp-test-")
        self.address = os.path.join(self.dir, "vp.sock")
        self.process = subprocess.Popen([vp_bin, "--serve", "unix:" + self.address], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
        assert "listening on" in self.process.stdout.readline()

    def raw(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.address)
        s.settimeout(30)
        return s

    def finish(self, timeout=60):
        code = self.process.wait(timeout=timeout)
        log = self.process.stderr.read()
        return code, log


def recv_frame(s):
    header = b""
    while len(header) < protocol.HEADER_BYTES:
        chunk = s.recv(protocol.HEADER_BYTES - len(header))
        if not chunk:
            return None
        header += chunk
    length, msg_type, status, tag = protocol.parse_header(header)
    body = b""
    while len(body) < length:
        body += s.recv(length - len(body))
    return msg_type, protocol.STATUSES[status], tag, body.decode("utf-8", "replace")


def hello(s):
    s.sendall(protocol.frame(protocol.TYPES["HELLO"], 1, struct.pack("<I", protocol.VERSION)))
    assert recv_frame(s)[1] == "OK"


@pytest.fixture
def server(vp_bin):
    srv = Server(vp_bin)
    yield srv
    if srv.process.poll() is None:
        srv.process.kill()
        srv.process.wait()


def test_unknown_type_then_the_connection_goes_on(server):
    s = server.raw()
    s.sendall(protocol.frame(protocol.TYPES["READ32"], 1, struct.pack("<Q", 0xF0000000)))
    assert recv_frame(s)[1] == "NO_HELLO"
    s.sendall(protocol.frame(protocol.TYPES["HELLO"], 2, struct.pack("<I", 99)))
    reply = recv_frame(s)
    assert reply[1] == "VERSION" and "version 99" in reply[3]
    hello(s)
    s.sendall(protocol.frame(0x77, 5, b"xyz"))
    reply = recv_frame(s)
    assert reply[0] == 0x77 | protocol.RESPONSE and reply[1] == "UNKNOWN_TYPE" and reply[2] == 5
    s.sendall(protocol.frame(protocol.TYPES["READ32"], 6, b"\x00\x01"))  # payload too short
    reply = recv_frame(s)
    assert reply[1] == "BAD_MESSAGE" and "expected 8" in reply[3]
    s.sendall(protocol.frame(protocol.TYPES["READ32"], 7, struct.pack("<Q", 0xF0000000)))
    t, status, tag, body = recv_frame(s)
    assert status == "OK" and tag == 7
    s.close()
    code, log = server.finish()
    assert code == 0 and "client disconnected" in log


def test_bus_errors_and_bad_arguments(server, vp_bin):
    with Client.connect("unix:" + server.address) as vp:
        with pytest.raises(CosimError) as e:
            vp.mem_read(vp.dram_size, 64)  # past DRAM
        assert e.value.status == "BUS_ERROR"
        with pytest.raises(CosimError) as e:
            vp.mem_write(vp.dram_size - 8, b"x" * 64)  # runs off the end
        assert e.value.status == "BUS_ERROR"
        with pytest.raises(CosimError) as e:
            vp.read32_at(vp.dram_size + 0x1000)  # between the DRAM window and the registers: off the map
        assert e.value.status == "BUS_ERROR"
        with pytest.raises(CosimError) as e:
            vp.read32_at(vp.reg_base + 2)
        assert e.value.status == "BAD_ARGUMENT"
        with pytest.raises(CosimError) as e:
            vp.advance(2000 * 10**12)
        assert e.value.status == "BAD_ARGUMENT"
        assert vp.read32("ID") == 0x454E5247  # still serving
    assert server.finish()[0] == 0


def test_malformed_and_oversized_frames_close_the_connection(vp_bin):
    short = Server(vp_bin)
    s = short.raw()
    hello(s)
    s.sendall(struct.pack("<IHHI", 3, 1, 0, 9))  # length shorter than the header rest
    assert recv_frame(s)[1] == "BAD_MESSAGE"
    assert recv_frame(s) is None  # closed
    code, log = short.finish()
    assert code == 0 and "cannot read" in log

    big = Server(vp_bin)
    s = big.raw()
    hello(s)
    s.sendall(struct.pack("<IHHI", protocol.MAX_PAYLOAD + 9, protocol.TYPES["MEM_WRITE"], 0, 3))
    reply = recv_frame(s)
    assert reply[1] == "TOO_LARGE" and "exceeds the limit" in reply[3]
    assert recv_frame(s) is None
    assert big.finish()[0] == 0


def test_second_connection_is_refused(server):
    with Client.connect("unix:" + server.address) as vp:
        other = server.raw()
        reply = recv_frame(other)
        assert reply[1] == "BUSY" and "one client at a time" in reply[3]
        assert recv_frame(other) is None
        assert vp.read32("ID") == 0x454E5247  # the first client is unaffected
    code, log = server.finish()
    assert code == 0 and "refused a second connection" in log


def test_disconnect_mid_job_lets_the_job_finish_and_exits(server):
    vp = Client.connect("unix:" + server.address)
    q, k, v = layer(heads=8, kv_heads=8, n=256, d=64)
    ring = vp.ring()
    # place a job and ring the doorbell, then vanish without SHUTDOWN
    from energon_vp import packing, regmap
    qi, qs = packing.quantize_heads(q)
    ki, ks = packing.quantize_heads(k)
    vi, _ = packing.quantize_heads(v)
    addr = {}
    for name, data in (("q", qi), ("k", packing.pack_k_planes(ki, [16])[0]), ("v", vi),
                       ("s", packing.scale_table(qs, ks)), ("o", qi)):
        raw = data.tobytes() if hasattr(data, "tobytes") else data
        addr[name] = vp.alloc(len(raw))
        vp.mem_write(addr[name], raw)
    vp.mem_write(ring["base"], packing.encode_descriptor({
        "magic": regmap.DESC_MAGIC, "heads": 8, "kv_heads": 8, "n_q": 256, "n_k": 256, "valid_len": 256, "d": 64,
        "policy": regmap.POLICY_DENSE, "n_planes": 1, "plane_bits": [16], "q_addr": addr["q"],
        "k_plane_addr": [addr["k"]], "v_addr": addr["v"], "scale_addr": addr["s"], "out_addr": addr["o"]}))
    vp.write32("QUEUE_TAIL", 1)
    vp.close(shutdown=False)
    start = time.time()
    code, log = server.finish(timeout=120)
    assert code == 0
    assert "client disconnected" in log and time.time() - start < 120


def test_tcp_loopback_and_bad_addresses(vp_bin):
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    p = subprocess.Popen([vp_bin, "--serve", "tcp:127.0.0.1:0", "--timing", "at"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    line = p.stdout.readline()
    assert line.startswith("energon-vp: listening on tcp:127.0.0.1:")
    address = line.split("listening on ")[1].strip()
    assert not address.endswith(":0")
    with Client.connect(address) as vp:  # accurate timing: same answers
        assert vp.read32("ID") == 0x454E5247
        q, k, v = layer(seed=2)
        _, r = vp.run_attention(q, k, v, policy="mpmrf")
        assert r["error_name"] == "NONE" and r["cycles"] > 0
    assert p.wait(timeout=60) == 0
    for bad, message in (("tcp:10.1.2.3:5000", "not a loopback address"), ("tcp:127.0.0.1:70000", "not 0..65535"),
                         ("tcp:127.0.0.1", "expected tcp:127.0.0.1:PORT"), ("unix:", "empty socket path"),
                         ("/" + "x" * 200, "longer than")):
        r = subprocess.run([vp_bin, "--serve", bad], capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 2 and message in r.stderr, (bad, r.stderr)
    with tempfile.NamedTemporaryFile() as f:  # an existing file that is not a socket is not replaced
        r = subprocess.run([vp_bin, "--serve", f.name], capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 2 and "not a socket" in r.stderr
