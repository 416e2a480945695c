"""Run inside a fresh network namespace (`unshare -rn`): give an interface a
documentation address (one end of a veth pair), start a stand-in Ollama on all interfaces, run
`localproof audit --probe`, and capture every packet meanwhile. Prints JSON with the
report and the destination addresses seen on the wire."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ADDRESS = "192.0.2.10"
HERE = Path(__file__).parent
ETH_P_ALL = 0x0003


def setup() -> None:
    for command in (
        ["ip", "link", "set", "lo", "up"],
        ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        ["ip", "addr", "add", f"{ADDRESS}/24", "dev", "v0"],
        ["ip", "link", "set", "v0", "up"],
        ["ip", "link", "set", "v1", "up"],
    ):
        subprocess.run(command, check=True)


def sniff(seen: set[str], stop: threading.Event) -> None:
    """Destination addresses of every IPv4/IPv6 packet on any interface."""
    with socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL)) as raw:
        raw.settimeout(0.2)
        while not stop.is_set():
            try:
                packet = raw.recv(65535)
            except TimeoutError:
                continue
            version = packet[0] >> 4 if packet else 0
            if version == 4 and len(packet) >= 20:
                seen.add(socket.inet_ntop(socket.AF_INET, packet[16:20]))
            elif version == 6 and len(packet) >= 40:
                seen.add(socket.inet_ntop(socket.AF_INET6, packet[24:40]))


def wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("stand-in server did not start")


def main() -> int:
    setup()
    seen: set[str] = set()
    stop = threading.Event()
    sniffer = threading.Thread(target=sniff, args=(seen, stop), daemon=True)
    sniffer.start()
    server = subprocess.Popen([sys.executable, str(HERE / "ollama"), "serve"])
    try:
        wait_for_port(11434)
        seen.clear()  # from here on, only the audit's traffic
        audit = subprocess.run(
            [sys.executable, "-m", "localproof", "audit", "--probe", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        time.sleep(0.3)
    finally:
        server.terminate()
        server.wait()
        stop.set()
        sniffer.join()
    print(
        json.dumps(
            {
                "returncode": audit.returncode,
                "stderr": audit.stderr,
                "report": json.loads(audit.stdout or "{}"),
                "destinations": sorted(seen),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
