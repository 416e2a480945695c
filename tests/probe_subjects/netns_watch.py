"""Run inside a fresh network namespace (`unshare -rn`): an address on a veth pair, a
listener on it, a stand-in Ollama holding a connection to it, and `localproof watch`
observing. Prints the watch report (JSON)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

ADDRESS, PORT = "192.0.2.10", 8443
HERE = Path(__file__).parent


def setup() -> None:
    for command in (
        ["ip", "link", "set", "lo", "up"],
        ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        ["ip", "addr", "add", f"{ADDRESS}/24", "dev", "v0"],
        ["ip", "link", "set", "v0", "up"],
        ["ip", "link", "set", "v1", "up"],
    ):
        subprocess.run(command, check=True)


def serve(listener: socket.socket) -> None:
    held = []
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        held.append(connection)


def main() -> int:
    setup()
    listener = socket.create_server((ADDRESS, PORT))
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    environment = {**os.environ, "WATCH_TARGET_HOST": ADDRESS, "WATCH_TARGET_PORT": str(PORT)}
    client = subprocess.Popen(
        [sys.executable, str(HERE / "client" / "ollama"), "serve"], env=environment
    )
    watch = subprocess.run(
        [sys.executable, "-m", "localproof", "watch", "--duration", "1.5", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    client.wait()
    listener.close()
    sys.stdout.write(watch.stdout)
    sys.stderr.write(watch.stderr)
    return watch.returncode


if __name__ == "__main__":
    sys.exit(main())
