#!/usr/bin/python3
"""Runs a client command against a fresh `energon-vp --serve` on a private Unix socket.
Usage: with_server.py ENERGON_VP [server args...] -- CLIENT [args...]   ({address} in the client's
arguments becomes the socket address). Prints both outputs; exits non-zero when either failed."""
import os
import subprocess
import sys
import tempfile


def main(argv):
    split = argv.index("--")
    server_cmd, client_cmd = argv[1:split], argv[split + 1:]
    with tempfile.TemporaryDirectory(prefix="energon-vp-") as tmp:
        address = "unix:" + os.path.join(tmp, "vp.sock")
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        server = subprocess.Popen(server_cmd + ["--serve", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=env)
        line = server.stdout.readline()
        if "listening on" not in line:
            print(line, server.stderr.read(), file=sys.stderr)
            return 1
        client = subprocess.run([a.replace("{address}", address) for a in client_cmd], text=True,
                                capture_output=True, env=env, timeout=540)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            code = -1
        sys.stdout.write(client.stdout)
        sys.stderr.write(client.stderr + server.stderr.read())
        return 0 if client.returncode == 0 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
